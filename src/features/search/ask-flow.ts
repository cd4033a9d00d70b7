import { z } from 'zod';
import { LANGUAGES, ROLES } from '../../accounts/types.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { FlowInput } from '../../core/flow.js';
import type { Choice } from '../../core/messages.js';
import { safeError } from '../../core/safe-error.js';
import type { DangerMatch } from '../../search/danger/detector.js';
import type { Passage } from '../../search/passages.js';
import type { SearchResult } from '../../search/search-engine.js';
import { scrubQuestion } from '../../search/text.js';
import { QuestionnaireTexts } from '../screening/localize.js';
import { emergencyNumbers } from '../screening/outcome.js';
import { formatPassage } from './answer-format.js';
import { type FeedbackRecord, type GapRecord, MAX_GAP_CHARS } from './records.js';

export type { FeedbackRecord, GapRecord } from './records.js';

/** Roles that may open a training module (the "Training: …" button). */
const TRAINING_ROLES: readonly string[] = ['mentor', 'supervisor', 'trainer'];

const hitSchema = z.object({ id: z.string().max(200), lang: z.enum(LANGUAGES) });
type Hit = z.infer<typeof hitSchema>;

/**
 * Passage ids, the related module, and (only while she decides whether to share it) her question without
 * numbers. Never a rendered answer: the answer step shows its passage again from the index.
 */
const stateSchema = z.object({
  best: hitSchema.nullable(),
  more: z.array(hitSchema).max(5),
  module: z.string().max(100).nullable(),
  /** "More answers" was shown: the step now asks only whether it helped. */
  expanded: z.boolean(),
  gap: z.string().max(MAX_GAP_CHARS).nullable(),
  /** The questionnaire offered for the danger sign recognised (a mentor may start it with a tap). */
  screen: z.string().max(100).nullable().optional(),
});
type State = z.infer<typeof stateSchema>;
type Step = 'question' | 'answer' | 'share';
type Ctx = StepContext<State, Step>;

const EMPTY: State = { best: null, more: [], module: null, expanded: false, gap: null };

/** Choice ids (local to the flow; `ctx.ask` adds the "ask." namespace). */
const MORE = 'more';
const MODULE = 'mod';
const UP = 'up';
const DOWN = 'down';
const SHARE = 'share';
const NO_SHARE = 'no';
const SCREEN = 'screen';
const MENU = 'menu';

/**
 * A health question answered from the reviewed content: the urgent-referral message first when the question
 * describes danger, then the best passage, more answers, the related module and "Was this helpful?". When nothing
 * good is found, an honest answer and the offer to share the question (scrubbed) with trainers.
 */
export const askFlow = defineFlow<State, Step>({
  id: 'ask',
  ns: 'ask',
  roles: ROLES,
  state: stateSchema,

  async start(ctx, args) {
    ctx.state = EMPTY;
    // From free text at the menu ({question}) or from `/ask <question>` ({args}).
    const given = args.question ?? args.args;
    const question = typeof given === 'string' ? given : '';
    if (question.trim()) return answer(ctx, question);
    return showQuestion(ctx);
  },

  steps: {
    question: {
      show: showQuestion,
      async onInput(ctx, input) {
        if (input.kind === 'text') return answer(ctx, input.text);
        return showQuestion(ctx);
      },
    },
    answer: {
      show: showAnswer,
      async onInput(ctx, input) {
        // A new question typed now is a new question, not a wrong answer to these buttons.
        if (input.kind === 'text') return answer(ctx, input.text);
        switch (choiceId(input)) {
          case MORE:
            return showMore(ctx);
          case MODULE:
            if (ctx.state.module) return ctx.startFlow('training', { module: ctx.state.module });
            return showAnswer(ctx);
          case UP:
            return feedback(ctx, true);
          case DOWN:
            return feedback(ctx, false);
          case SCREEN:
            return startScreening(ctx, showAnswer);
          case MENU:
            return ctx.showMenu();
          default:
            return showAnswer(ctx);
        }
      },
    },
    share: {
      show: showShare,
      async onInput(ctx, input) {
        if (input.kind === 'text') return answer(ctx, input.text);
        switch (choiceId(input)) {
          case SHARE:
            return share(ctx);
          case NO_SHARE:
            return another(ctx, ctx.t('search.askAnother'));
          case SCREEN:
            return startScreening(ctx, showShare);
          case MENU:
            return ctx.showMenu();
          default:
            return showShare(ctx);
        }
      },
    },
  },
});

const choiceId = (input: FlowInput): string | undefined => (input.kind === 'choice' ? input.id : undefined);

function showQuestion(ctx: Ctx): void {
  ctx.state = EMPTY;
  ctx.goto('question');
  ctx.say(ctx.t('search.ask'));
}

/** Back to waiting for a question, with a line saying so. */
function another(ctx: Ctx, text: string): void {
  ctx.state = EMPTY;
  ctx.goto('question');
  ctx.say(text);
}

async function answer(ctx: Ctx, question: string): Promise<void> {
  const search = ctx.services.search;
  // Danger first: the emergency line goes out before anything else, even if the search itself fails.
  const sign = search.danger(question);
  const urgent = sign !== null;
  if (urgent) await sayUrgent(ctx, sign);
  let result: SearchResult;
  try {
    result = await search.search(question, ctx.lang, { k: 3 });
  } catch (error) {
    ctx.services.logger.error(
      { err: safeError(error), user: ctx.user ? ctx.services.pseudo(ctx.user.id) : null },
      'search failed',
    );
    return another(ctx, ctx.t('search.unavailable'));
  }
  // The semantic path (once the model is there) may recognise a sign the words missed.
  if (result.urgent && !urgent) await sayUrgent(ctx, result.danger ?? null);
  const screen = screenOffered(ctx, sign ?? result.danger ?? null);
  const [best, ...others] = result.hits;
  if (!result.confident || !best) {
    ctx.state = { ...EMPTY, gap: scrubQuestion(question).slice(0, MAX_GAP_CHARS), screen };
    return showShare(ctx);
  }
  ctx.state = {
    ...EMPTY,
    best: hitOf(best.passage),
    more: others.slice(0, 5).map((h) => hitOf(h.passage)),
    module: best.passage.module,
    screen,
  };
  return showAnswer(ctx);
}

/**
 * The urgent message: what to do for the sign recognised (or the general line), then her country's emergency
 * numbers, or plainly that none is known and to go to the nearest facility and call her supervisor.
 */
async function sayUrgent(ctx: Ctx, sign: DangerMatch | null): Promise<void> {
  const key = sign ? `search.danger.${sign.advice}` : '';
  const specific = sign && ctx.services.i18n.all(key).length > 0 ? ctx.t(key) : null;
  const lines = [specific ? `${specific}\n${ctx.t('search.danger.then')}` : ctx.t('search.urgent')];
  try {
    lines.push(await emergencyNumbers(ctx));
  } catch (error) {
    ctx.services.logger.warn({ err: safeError(error) }, 'emergency numbers unavailable');
  }
  ctx.say(lines.join('\n\n'));
}

/** The questionnaire to offer for a sign: to a mentor (who screens), when the questionnaire exists. */
function screenOffered(ctx: Ctx, sign: DangerMatch | null): string | null {
  if (!sign || ctx.user?.role !== 'mentor') return null;
  return ctx.content.catalog.questionnaire(sign.questionnaire) ? sign.questionnaire : null;
}

async function startScreening(ctx: Ctx, otherwise: (ctx: Ctx) => void): Promise<void> {
  if (ctx.state.screen) return ctx.startFlow('screen', { questionnaire: ctx.state.screen });
  return otherwise(ctx);
}

function screenChoice(ctx: Ctx): Choice[] {
  const id = ctx.state.screen;
  const q = id ? ctx.content.catalog.questionnaire(id) : undefined;
  if (!q) return [];
  const title = new QuestionnaireTexts(q.source, ctx.content.catalog, ctx.lang).title();
  return [{ id: SCREEN, label: ctx.t('search.screenOffer', { title }) }];
}

const hitOf = (passage: Passage): Hit => ({ id: passage.id, lang: passage.lang });

function passageOf(ctx: Ctx, hit: Hit | null): Passage | undefined {
  return hit ? ctx.services.search.passage(hit.id, hit.lang) : undefined;
}

function showAnswer(ctx: Ctx): void {
  const best = passageOf(ctx, ctx.state.best);
  // Gone with a new content version: ask again rather than show a stale answer.
  if (!best) {
    showQuestion(ctx);
    return;
  }
  ctx.goto('answer');
  if (ctx.state.expanded) {
    ctx.ask(ctx.t('search.wasHelpful'), answerChoices(ctx, false), { allowText: true });
    return;
  }
  ctx.ask(formatPassage(ctx, best), answerChoices(ctx, ctx.state.more.length > 0), { allowText: true });
}

function answerChoices(ctx: Ctx, more: boolean): Choice[] {
  const choices: Choice[] = [...screenChoice(ctx)];
  if (more) choices.push({ id: MORE, label: ctx.t('search.more') });
  const moduleId = ctx.state.module;
  const module = moduleId ? ctx.content.catalog.module(moduleId, ctx.lang) : undefined;
  if (module && ctx.user && TRAINING_ROLES.includes(ctx.user.role)) {
    const english = module.fallback ? ` (${ctx.t('training.english')})` : '';
    choices.push({ id: MODULE, label: ctx.t('search.module', { title: `${module.item.title}${english}` }) });
  }
  choices.push({ id: UP, label: ctx.t('search.helpful') }, { id: DOWN, label: ctx.t('search.notHelpful') });
  // A way back without knowing the /menu command.
  choices.push(menuChoice(ctx));
  return choices;
}

function menuChoice(ctx: Ctx): Choice {
  return { id: MENU, label: ctx.t('search.menu') };
}

function showMore(ctx: Ctx): void {
  for (const hit of ctx.state.more) {
    const passage = passageOf(ctx, hit);
    if (passage) ctx.say(formatPassage(ctx, passage));
  }
  ctx.state = { ...ctx.state, more: [], expanded: true };
  showAnswer(ctx);
}

async function feedback(ctx: Ctx, helpful: boolean): Promise<void> {
  const best = ctx.state.best;
  if (best) {
    await ctx.store.journal<FeedbackRecord>('feedback').append({
      at: ctx.now.toISOString(),
      passage: best.id,
      lang: ctx.lang,
      helpful,
    });
  }
  another(
    ctx,
    `${ctx.t(helpful ? 'search.thanksHelpful' : 'search.thanksNotHelpful')}\n${ctx.t('search.askAnother')}`,
  );
}

function showShare(ctx: Ctx): void {
  ctx.goto('share');
  ctx.ask(
    ctx.t('search.notFound'),
    [
      ...screenChoice(ctx),
      { id: SHARE, label: ctx.t('search.share') },
      { id: NO_SHARE, label: ctx.t('search.noShare') },
      menuChoice(ctx),
    ],
    { allowText: true },
  );
}

async function share(ctx: Ctx): Promise<void> {
  const question = ctx.state.gap;
  if (question) {
    await ctx.store
      .journal<GapRecord>('gaps')
      .append({ at: ctx.now.toISOString(), question, lang: ctx.lang });
  }
  another(ctx, `${ctx.t('search.shared')}\n${ctx.t('search.askAnother')}`);
}
