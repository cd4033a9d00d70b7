import { isLang, ROLES } from '../../accounts/types.js';
import type { Flow, FlowContext } from '../../core/flow.js';
import type { Choice } from '../../core/messages.js';
import type { Passage } from '../../search/passages.js';
import { scrubQuestion } from '../../search/text.js';
import { formatPassage } from './answer-format.js';

export interface GapRecord {
  at: string;
  /** Without who asked, digits and phone-number-like strings removed. */
  question: string;
  lang: string;
}

export interface FeedbackRecord {
  at: string;
  passage: string;
  lang: string;
  helpful: boolean;
}

/**
 * A health question answered from the reviewed content: the urgent-referral message first when the question
 * describes danger, then the best passage, more answers, the related module and "Was this helpful?". When nothing
 * good is found, an honest answer and the offer to share the question with trainers.
 */
export const askFlow: Flow = {
  id: 'ask',
  roles: ROLES,

  async start(ctx, args) {
    const question = typeof args?.question === 'string' ? args.question : '';
    if (question.trim()) return answer(ctx, question);
    ctx.goto('question');
    ctx.say(ctx.t('search.ask'));
  },

  async onInput(ctx, input) {
    if (input.kind === 'text') return answer(ctx, input.text);
    if (input.kind !== 'choice') return ctx.say(ctx.t('search.ask'));
    const data = ctx.session.data;
    switch (input.id) {
      case 's:more':
        return showMore(ctx);
      case 's:module':
        return ctx.startFlow('training', { module: data.module });
      case 's:up':
      case 's:down':
        return feedback(ctx, input.id === 's:up');
      case 's:share':
        return share(ctx);
      case 's:noshare':
        ctx.goto('question');
        return ctx.say(ctx.t('search.askAnother'));
      default:
        return ctx.showMenu();
    }
  },
};

async function answer(ctx: FlowContext, question: string): Promise<void> {
  const result = await ctx.services.search.search(question, ctx.lang, { k: 3 });
  if (result.urgent) ctx.say(urgentMessage(ctx));
  const [best, ...others] = result.hits;
  if (!result.confident || !best) {
    ctx.session.data = { question: scrubQuestion(question).slice(0, 500) };
    ctx.goto('share');
    ctx.ask(
      ctx.t('search.notFound'),
      [
        { id: 's:share', label: ctx.t('search.share') },
        { id: 's:noshare', label: ctx.t('search.noShare') },
      ],
      { allowText: true },
    );
    return;
  }
  ctx.session.data = {
    best: best.passage.id,
    more: others.map((h) => `${h.passage.id}|${h.passage.lang}`),
    module: best.passage.module,
    shown: `${best.passage.id}|${best.passage.lang}`,
  };
  ctx.goto('answer');
  // A new question typed now is a new question, not a wrong answer to these buttons.
  ctx.ask(formatPassage(ctx, best.passage), answerChoices(ctx, others.length > 0, best.passage), {
    allowText: true,
  });
}

function answerChoices(ctx: FlowContext, more: boolean, passage: Passage | undefined): Choice[] {
  const choices: Choice[] = [];
  if (more) choices.push({ id: 's:more', label: ctx.t('search.more') });
  const module = passage?.module ? ctx.services.catalog.module(passage.module, ctx.lang) : undefined;
  if (module && ctx.user && ['mentor', 'supervisor', 'trainer'].includes(ctx.user.role)) {
    const english = module.fallback ? ` (${ctx.t('training.english')})` : '';
    choices.push({
      id: 's:module',
      label: ctx.t('search.module', { title: `${module.item.title}${english}` }),
    });
  }
  choices.push(
    { id: 's:up', label: ctx.t('search.helpful') },
    { id: 's:down', label: ctx.t('search.notHelpful') },
  );
  return choices;
}

async function showMore(ctx: FlowContext): Promise<void> {
  const search = ctx.services.search;
  const byKey = (key: unknown): Passage | undefined => {
    const [id, lang] = String(key ?? '').split('|');
    return id && lang && isLang(lang) ? search.passage(id, lang) : undefined;
  };
  const wanted = (ctx.session.data.more as string[] | undefined) ?? [];
  const passages = wanted.map(byKey).filter((p): p is Passage => p !== undefined);
  for (const passage of passages) ctx.say(formatPassage(ctx, passage));
  ctx.session.data.more = [];
  const best = byKey(ctx.session.data.shown);
  ctx.ask(ctx.t('search.wasHelpful'), answerChoices(ctx, false, best), { allowText: true });
}

async function feedback(ctx: FlowContext, helpful: boolean): Promise<void> {
  const passage = String(ctx.session.data.best ?? '');
  if (passage) {
    await ctx.services.store.journal<FeedbackRecord>('feedback').append({
      at: ctx.now.toISOString(),
      passage,
      lang: ctx.lang,
      helpful,
    });
  }
  ctx.session.data = {};
  ctx.goto('question');
  ctx.say(
    `${ctx.t(helpful ? 'search.thanksHelpful' : 'search.thanksNotHelpful')}\n${ctx.t('search.askAnother')}`,
  );
}

async function share(ctx: FlowContext): Promise<void> {
  const question = String(ctx.session.data.question ?? '');
  if (question) {
    await ctx.services.store
      .journal<GapRecord>('gaps')
      .append({ at: ctx.now.toISOString(), question, lang: ctx.lang });
  }
  ctx.session.data = {};
  ctx.goto('question');
  ctx.say(`${ctx.t('search.shared')}\n${ctx.t('search.askAnother')}`);
}

function urgentMessage(ctx: FlowContext): string {
  return ctx.t('search.urgent');
}
