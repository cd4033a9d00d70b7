import { LANGUAGE_NAMES } from '../../accounts/display.js';
import { LANGUAGES, ROLES } from '../../accounts/types.js';
import type { GlossaryEntry } from '../../content/catalog.js';
import type { Feature, Flow, FlowContext } from '../../core/flow.js';
import { lookUpWord } from './lookup.js';

/** Looking up a health word in any of the five languages: she sees it in her language, English and the others. */
const glossaryFlow: Flow = {
  id: 'glossary',
  roles: ROLES,
  async start(ctx, args) {
    const query = typeof args?.args === 'string' ? args.args.trim() : '';
    ctx.goto('ask');
    if (query) return answer(ctx, query);
    ctx.say(ctx.t('glossary.ask'));
  },
  async onInput(ctx, input) {
    if (input.kind === 'text') return answer(ctx, input.text);
    ctx.say(ctx.t('glossary.ask'));
  },
};

function describe(ctx: FlowContext, term: GlossaryEntry): string {
  const own = term[ctx.lang] ?? term.en;
  const lines = [own];
  for (const lang of LANGUAGES) {
    const word = term[lang];
    if (lang !== ctx.lang && word) lines.push(`${LANGUAGE_NAMES[lang]}: ${word}`);
  }
  if (term.explain)
    lines.push('', `${ctx.lang === 'en' ? '' : `(${ctx.t('glossary.englishNote')}) `}${term.explain}`);
  return lines.join('\n');
}

function answer(ctx: FlowContext, query: string): void {
  const found = lookUpWord(ctx.services.catalog.glossary, query);
  if (found.length === 0) {
    ctx.say(ctx.t('glossary.notFound', { word: query.slice(0, 60) }));
  } else {
    ctx.say(found.map((term) => describe(ctx, term)).join('\n\n'));
  }
  ctx.say(ctx.t('glossary.again'));
}

export const glossaryFeature: Feature = {
  flows: [glossaryFlow],
  menu: [{ id: 'm:words', label: 'menu.words', roles: ROLES, flow: 'glossary', order: 80 }],
  commands: { word: { flow: 'glossary', roles: ROLES } },
};
