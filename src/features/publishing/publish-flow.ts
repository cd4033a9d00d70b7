import { z } from 'zod';
import { DocumentTooLargeError } from '../../channels/inbound-document.js';
import { describeRefusal, listContentErrors } from '../../content/error-text.js';
import { formatPreview } from '../../content/publishing/format-preview.js';
import type { Proposal } from '../../content/publishing/types.js';
import { CONTENT_FILE, UPLOAD_LIMITS } from '../../content/versions/limits.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { FlowInput } from '../../core/flow.js';
import { safeError } from '../../core/safe-error.js';
import { announce, MAX_NEWS, newsOf, newsSchema } from './announce.js';
import { askClinicians } from './notify.js';
import { outcomeText } from './outcome-text.js';
import { tryables } from './tryables.js';

/** A note is a line in the history, not an essay. */
export const MAX_NOTE_CHARS = 300;

const stateSchema = z.object({
  /** The checked upload on screen (a `draft` proposal until she confirms). */
  proposal: z.string().max(100).nullable(),
  /** After publishing: the articles and modules she may tell mentors of. */
  news: z.array(newsSchema).max(MAX_NEWS),
});
type State = z.infer<typeof stateSchema>;
type Step = 'file' | 'preview' | 'note' | 'announce';
type Ctx = StepContext<State, Step>;
type Document = Extract<FlowInput, { kind: 'document' }>;

/** Choice ids (local to the flow; `ctx.ask` adds the "pub." namespace). */
const GO = 'go';
const TRY = 'try:';
const CANCEL = 'cancel';
const SKIP = 'skip';
const YES = 'yes';
const NO = 'no';

const EMPTY: State = { proposal: null, news: [] };

/**
 * A trainer publishes content from her phone: she sends a file (or a zip), sees what it changes, may try a new
 * module or questionnaire privately, gives a short note, and it goes live (or waits for a clinician when it
 * touches clinical logic). Nothing changes until she confirms; every refusal says why and changes nothing.
 */
export const publishFlow = defineFlow<State, Step>({
  id: 'publish',
  ns: 'pub',
  roles: ['trainer', 'admin'],
  acceptsDocuments: true,
  state: stateSchema,

  start(ctx, args) {
    ctx.state = EMPTY;
    ctx.goto('file');
    // Sent from the menu: the engine hands the document over next; asking for it would only confuse.
    if (args.viaDocument === true) return;
    askFile(ctx);
  },

  steps: {
    file: {
      show: askFile,
      async onInput(ctx, input) {
        if (input.kind === 'document') return receive(ctx, input);
        if (choiceId(input) === CANCEL) return cancel(ctx);
        if (input.kind === 'text') ctx.say(ctx.t('publishing:publish.sendAsFile'));
        return askFile(ctx);
      },
    },
    preview: {
      show: showPreview,
      async onInput(ctx, input) {
        if (input.kind === 'document') return receive(ctx, input);
        const id = choiceId(input) ?? '';
        if (id === GO) {
          if (!(await draft(ctx))) return gone(ctx);
          ctx.goto('note');
          return askNote(ctx);
        }
        if (id.startsWith(TRY)) return tryOut(ctx, Number(id.slice(TRY.length)));
        if (id === CANCEL) return cancel(ctx);
        return showPreview(ctx);
      },
      /** Back from trying a module or questionnaire on the proposal's content. */
      async onResult(ctx) {
        ctx.say(ctx.t('publishing:publish.backFromTry'));
        return showPreview(ctx);
      },
    },
    note: {
      show: askNote,
      async onInput(ctx, input) {
        if (input.kind === 'document') return receive(ctx, input);
        if (input.kind === 'text') {
          const note = input.text.trim();
          if (note.length > MAX_NOTE_CHARS) {
            ctx.say(ctx.t('publishing:publish.noteTooLong', { max: MAX_NOTE_CHARS }));
            return askNote(ctx);
          }
          return submit(ctx, note);
        }
        const id = choiceId(input);
        if (id === SKIP) return submit(ctx, '');
        if (id === CANCEL) return cancel(ctx);
        return askNote(ctx);
      },
    },
    announce: {
      show: askAnnounce,
      async onInput(ctx, input) {
        if (input.kind === 'document') return receive(ctx, input);
        const id = choiceId(input);
        if (id === YES) {
          const told = await announce(ctx, ctx.state.news);
          ctx.state = EMPTY;
          return ctx.showMenu(
            told > 0
              ? ctx.t('publishing:announce.sent', { count: told })
              : ctx.t('publishing:announce.noMentors'),
          );
        }
        if (id === NO) {
          ctx.state = EMPTY;
          return ctx.showMenu(ctx.t('publishing:announce.notSent'));
        }
        return askAnnounce(ctx);
      },
    },
  },
});

const choiceId = (input: FlowInput): string | undefined => (input.kind === 'choice' ? input.id : undefined);

function askFile(ctx: Ctx): void {
  ctx.goto('file');
  ctx.ask(ctx.t('publishing:publish.askFile'), [{ id: CANCEL, label: ctx.t('publishing:common.cancel') }], {
    allowText: true,
  });
}

/** After errors: the same step, waiting for the file fixed. */
function askResend(ctx: Ctx): void {
  ctx.goto('file');
  ctx.ask(
    ctx.t('publishing:publish.fixAndResend'),
    [{ id: CANCEL, label: ctx.t('publishing:common.cancel') }],
    { allowText: true },
  );
}

/** The limit for a file of this name, or null for a kind of file an upload cannot hold. */
function limitFor(name: string): number | null {
  if (/\.zip$/i.test(name)) return UPLOAD_LIMITS.zipBytes;
  return CONTENT_FILE.test(name) ? UPLOAD_LIMITS.fileBytes : null;
}

/** An upload: refused before it is read when its kind or size is wrong, else read, checked and previewed. */
async function receive(ctx: Ctx, document: Document): Promise<void> {
  const user = ctx.user;
  if (!user) return ctx.showMenu();
  const limit = limitFor(document.name);
  if (limit === null) {
    ctx.say(ctx.t('publishing:publish.wrongKind', { name: document.name }));
    return askFile(ctx);
  }
  if (document.size > limit) {
    ctx.say(ctx.t('publishing:publish.tooBig', { name: document.name, limit: limit / 1024 / 1024 }));
    return askFile(ctx);
  }
  let bytes: Uint8Array;
  try {
    bytes = await document.read();
  } catch (error) {
    // The channel stops reading at the limit when the size was not known beforehand.
    if (error instanceof DocumentTooLargeError) {
      ctx.say(ctx.t('publishing:publish.tooBig', { name: document.name, limit: error.limit / 1024 / 1024 }));
      return askFile(ctx);
    }
    ctx.services.logger.warn(
      { err: safeError(error), user: ctx.services.pseudo(user.id) },
      'could not fetch an uploaded file',
    );
    ctx.say(ctx.t('publishing:publish.fetchFailed'));
    return askFile(ctx);
  }
  // A new file replaces the upload she was looking at.
  await discardDraft(ctx);
  const result = await ctx.services.publishing.check({ name: document.name, bytes }, user.id);
  ctx.services.logger.info(
    { user: ctx.services.pseudo(user.id), status: result.status, bytes: bytes.length },
    'content upload checked',
  );
  switch (result.status) {
    case 'refused':
      ctx.say(ctx.t('publishing:publish.refused', { reason: describeRefusal(ctx.t, result) }));
      return askFile(ctx);
    case 'invalid':
      ctx.say(`${ctx.t('publishing:publish.invalid')}\n\n${listContentErrors(ctx.t, result.errors)}`);
      return askResend(ctx);
    case 'unchanged':
      return ctx.showMenu(ctx.t('publishing:publish.unchanged'));
    case 'ready':
      ctx.state = { ...EMPTY, proposal: result.proposal.id };
      ctx.goto('preview');
      ctx.say(formatPreview(ctx.t, result.proposal.preview));
      return askWhatNow(ctx, result.proposal);
  }
}

/** Her checked upload, while it is still hers to confirm. */
async function draft(ctx: Ctx): Promise<Proposal | undefined> {
  const id = ctx.state.proposal;
  const proposal = id ? await ctx.services.publishing.proposal(id) : undefined;
  return proposal?.status === 'draft' ? proposal : undefined;
}

async function showPreview(ctx: Ctx): Promise<void> {
  const proposal = await draft(ctx);
  if (!proposal) return gone(ctx);
  ctx.goto('preview');
  return askWhatNow(ctx, proposal);
}

function askWhatNow(ctx: Ctx, proposal: Proposal): void {
  const { t } = ctx;
  const choices = [
    {
      id: GO,
      label: t(proposal.needsApproval ? 'publishing:publish.forApproval' : 'publishing:publish.now'),
    },
    ...tryables(proposal, ctx.user?.role ?? 'mentor', ctx.lang).map((item, i) => ({
      id: `${TRY}${i}`,
      label: t('publishing:publish.try', { title: item.title }),
    })),
    { id: CANCEL, label: t('publishing:common.cancel') },
  ];
  const what = t('publishing:publish.whatNow');
  ctx.ask(proposal.needsApproval ? `${t('publishing:publish.needsApproval')}\n\n${what}` : what, choices);
}

/**
 * Runs a new module or questionnaire on the proposal's content, for her alone: the training flow, or a trial
 * screening that stores nothing. She comes back to the same preview.
 */
async function tryOut(ctx: Ctx, index: number): Promise<void> {
  const proposal = await draft(ctx);
  if (!proposal) return gone(ctx);
  const item = tryables(proposal, ctx.user?.role ?? 'mentor', ctx.lang)[index];
  if (!item) return showPreview(ctx);
  const version = await ctx.services.publishing.tryOut(proposal.id);
  // Only a version the live content knows can be pinned; otherwise she would be trying what is live now.
  if (!version || !ctx.services.content.get(version)) {
    ctx.say(ctx.t('publishing:publish.tryFailed'));
    return showPreview(ctx);
  }
  ctx.say(ctx.t('publishing:publish.trying', { title: item.title }));
  const args =
    item.kind === 'module' ? { module: item.id, trial: true } : { questionnaire: item.id, trial: true };
  return ctx.call(item.kind === 'module' ? 'training' : 'screen', args, 'preview', { content: version });
}

function askNote(ctx: Ctx): void {
  ctx.ask(
    ctx.t('publishing:publish.note'),
    [
      { id: SKIP, label: ctx.t('publishing:common.skip') },
      { id: CANCEL, label: ctx.t('publishing:common.cancel') },
    ],
    { allowText: true },
  );
}

/** She confirmed: live now, or waiting for a clinician (who is told at once). */
async function submit(ctx: Ctx, note: string): Promise<void> {
  const user = ctx.user;
  const proposal = await draft(ctx);
  if (!user || !proposal) return gone(ctx);
  const outcome = await ctx.services.publishing.submit(proposal.id, user.id, note);
  ctx.state = EMPTY;
  const text = outcomeText(ctx.t, outcome);
  switch (outcome.status) {
    case 'published': {
      const news = newsOf(proposal.preview.items);
      if (news.length === 0) return ctx.showMenu(text);
      ctx.say(text);
      ctx.state = { ...EMPTY, news };
      ctx.goto('announce');
      return askAnnounce(ctx);
    }
    case 'pending': {
      const told = await askClinicians(ctx, outcome.proposal, user.name);
      if (told > 0) return ctx.showMenu(text);
      const none = user.clinician ? 'publishing:publish.noOtherClinician' : 'publishing:publish.noClinician';
      return ctx.showMenu(`${text}\n\n${ctx.t(none)}`);
    }
    case 'invalid':
      // The live content changed while she decided, and the upload no longer fits it.
      ctx.say(text);
      return askResend(ctx);
    default:
      return ctx.showMenu(text);
  }
}

function askAnnounce(ctx: Ctx): void {
  if (ctx.state.news.length === 0) {
    ctx.showMenu();
    return;
  }
  ctx.ask(ctx.t('publishing:announce.ask'), [
    { id: YES, label: ctx.t('publishing:announce.yes') },
    { id: NO, label: ctx.t('publishing:announce.no') },
  ]);
}

async function discardDraft(ctx: Ctx): Promise<void> {
  const proposal = await draft(ctx);
  if (proposal) await ctx.services.publishing.discard(proposal.id);
  ctx.state = EMPTY;
}

async function cancel(ctx: Ctx): Promise<void> {
  await discardDraft(ctx);
  return ctx.showMenu(ctx.t('publishing:publish.cancelled'));
}

function gone(ctx: Ctx): Promise<void> {
  ctx.state = EMPTY;
  return ctx.showMenu(ctx.t('publishing:outcome.gone'));
}
