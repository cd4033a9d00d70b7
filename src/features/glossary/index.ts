import { z } from 'zod';
import { LANGUAGE_NAMES } from '../../accounts/display.js';
import { LANGUAGES, type Lang, ROLES } from '../../accounts/types.js';
import type { GlossaryEntry } from '../../content/catalog.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { Feature } from '../../core/flow.js';
import type { Translator } from '../../i18n/i18n.js';
import { lookUpWord } from './lookup.js';

type Ctx = StepContext<null, 'word'>;

/** Looking up a health word in any of the five languages: she sees it in her language, English and the others. */
const glossaryFlow = defineFlow<null, 'word'>({
  id: 'glossary',
  ns: 'gl',
  roles: ROLES,
  state: z.null(),
  async start(ctx, args) {
    ctx.state = null;
    const query = typeof args.args === 'string' ? args.args.trim() : '';
    if (query) return answer(ctx, query);
    return askWord(ctx);
  },
  steps: {
    word: {
      show: askWord,
      onInput(ctx, input) {
        if (input.kind === 'text') return answer(ctx, input.text);
        return askWord(ctx);
      },
    },
  },
});

function askWord(ctx: Ctx): void {
  ctx.goto('word');
  ctx.say(ctx.t('glossary.ask'));
}

/** A term in her language first, then in the others, and the English explanation when there is one. */
export function describeTerm(t: Translator, lang: Lang, term: GlossaryEntry): string {
  const lines = [term[lang] ?? term.en];
  for (const other of LANGUAGES) {
    const word = term[other];
    if (other !== lang && word) lines.push(`${LANGUAGE_NAMES[other]}: ${word}`);
  }
  if (term.explain)
    lines.push('', `${lang === 'en' ? '' : `(${t('glossary.englishNote')}) `}${term.explain}`);
  return lines.join('\n');
}

function answer(ctx: Ctx, query: string): void {
  const found = lookUpWord(ctx.content.catalog.glossary, query);
  ctx.say(
    found.length === 0
      ? ctx.t('glossary.notFound', { word: query.slice(0, 60) })
      : found.map((term) => describeTerm(ctx.t, ctx.lang, term)).join('\n\n'),
  );
  ctx.say(ctx.t('glossary.again'));
  ctx.goto('word');
}

export const glossaryFeature: Feature = {
  flows: [glossaryFlow],
  menu: [{ id: 'm:words', label: 'menu.words', roles: ROLES, flow: 'glossary', order: 80 }],
  commands: { word: { flow: 'glossary', roles: ROLES } },
};
