import { z } from 'zod';
import { formatDate } from '../../accounts/display.js';
import { ROLES } from '../../accounts/types.js';
import { formatPreview } from '../../content/publishing/format-preview.js';
import type { ItemKind, Proposal } from '../../content/publishing/types.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { FlowInput } from '../../core/flow.js';
import type { Choice } from '../../core/messages.js';
import { draftDetails } from './draft-details.js';
import { itemsSummary, tellProposer } from './notify.js';
import { outcomeText } from './outcome-text.js';
import { actingClinician, whoName } from './people.js';

/** Pending changes listed at once (more wait their turn: they are oldest first). */
const SHOWN = 8;
/** Items of one topic walked through in one go. */
const MAX_QUEUE = 60;
/** A reason is a line for the trainer. */
export const MAX_REASON_CHARS = 300;

const ITEM_KINDS = [
  'article',
  'module',
  'glossary',
  'questionnaire',
  'questionnaire-text',
  'country',
  'danger-signs',
  'urgent-phrases',
] as const satisfies readonly ItemKind[];

const itemRef = z.object({
  kind: z.enum(ITEM_KINDS),
  id: z.string().max(100),
  lang: z.string().max(10).nullable(),
});
type ItemRef = z.infer<typeof itemRef>;

const stateSchema = z.object({
  /** The pending change on screen. */
  proposal: z.string().max(100).nullable(),
  /** Draft items of the topic being reviewed, still to read; those she approved, published together at the end. */
  queue: z.array(itemRef).max(MAX_QUEUE),
  approved: z.array(itemRef).max(MAX_QUEUE),
});
type State = z.infer<typeof stateSchema>;
type Step = 'list' | 'proposal' | 'reason' | 'topics' | 'item';
type Ctx = StepContext<State, Step>;

const EMPTY: State = { proposal: null, queue: [], approved: [] };

/** Choice ids (local to the flow; `ctx.ask` adds the "rev." namespace). */
const PROPOSAL = 'p:';
const TOPIC = 't:';
const NO_TOPIC = '-';
const ITEMS = 'items';
const APPROVE = 'ok';
const REJECT = 'no';
const SKIP = 'skip';
const FINISH = 'finish';
const BACK = 'back';
const DONE = 'done';

/**
 * Clinicians approve content in the chat: first the changes waiting for them (who, when, why, what changes) to
 * approve and publish or reject with a reason, the trainer told either way; then the draft items of the live
 * content, topic by topic, each with its sources and the checks done so far. Approved items are published together
 * as one version when she finishes a topic.
 */
export const reviewFlow = defineFlow<State, Step>({
  id: 'review',
  ns: 'rev',
  roles: ROLES,
  permission: 'clinician',
  state: stateSchema,

  async start(ctx, args) {
    ctx.state = EMPTY;
    const id = typeof args.proposal === 'string' ? args.proposal : null;
    if (id) return openProposal(ctx, id);
    return showList(ctx);
  },

  steps: {
    list: {
      show: showList,
      async onInput(ctx, input) {
        const id = choiceId(input) ?? '';
        if (id.startsWith(PROPOSAL)) return openProposal(ctx, id.slice(PROPOSAL.length));
        if (id === ITEMS) return showTopics(ctx);
        if (id === DONE) return ctx.showMenu();
        return showList(ctx);
      },
    },
    proposal: {
      show: showDecision,
      async onInput(ctx, input) {
        switch (choiceId(input)) {
          case APPROVE:
            return approve(ctx);
          case REJECT:
            ctx.goto('reason');
            return askReason(ctx);
          case BACK:
            return showList(ctx);
          default:
            return showDecision(ctx);
        }
      },
    },
    reason: {
      show: askReason,
      async onInput(ctx, input) {
        if (input.kind === 'text') {
          const reason = input.text.trim();
          if (reason.length > MAX_REASON_CHARS) {
            ctx.say(ctx.t('publishing:review.reasonTooLong', { max: MAX_REASON_CHARS }));
            return askReason(ctx);
          }
          return reject(ctx, reason);
        }
        if (choiceId(input) === BACK) return showDecision(ctx);
        return askReason(ctx);
      },
    },
    topics: {
      show: showTopics,
      async onInput(ctx, input) {
        const id = choiceId(input) ?? '';
        if (id.startsWith(TOPIC)) return startTopic(ctx, id.slice(TOPIC.length));
        if (id === BACK) return showList(ctx);
        return showTopics(ctx);
      },
    },
    item: {
      show: showItem,
      async onInput(ctx, input) {
        const [current, ...rest] = ctx.state.queue;
        switch (choiceId(input)) {
          case APPROVE:
            if (current)
              ctx.state = { ...ctx.state, queue: rest, approved: [...ctx.state.approved, current] };
            return showItem(ctx);
          case SKIP:
            ctx.state = { ...ctx.state, queue: rest };
            return showItem(ctx);
          case FINISH:
            return finishTopic(ctx);
          default:
            return showItem(ctx);
        }
      },
    },
  },
});

const choiceId = (input: FlowInput): string | undefined => (input.kind === 'choice' ? input.id : undefined);

const date = (ctx: Ctx, at: string): string => formatDate(at, ctx.lang, ctx.services.config.TZ);

/** Her permission is checked again at each decision: an admin may have taken it back meanwhile. */
const notAllowed = (ctx: Ctx): Promise<void> => ctx.showMenu(ctx.t('errors.notAllowed'));

async function showList(ctx: Ctx): Promise<void> {
  ctx.state = EMPTY;
  const pending = await ctx.services.publishing.pending();
  const drafts = ctx.services.publishing.drafts();
  if (pending.length === 0 && drafts.length === 0) return ctx.showMenu(ctx.t('publishing:review.nothing'));
  ctx.goto('list');
  const choices: Choice[] = [];
  for (const p of pending.slice(0, SHOWN)) {
    const label = [await whoName(ctx, p.by), date(ctx, p.at), itemsSummary(ctx.t, p.preview.items)].join(
      ' · ',
    );
    choices.push({ id: `${PROPOSAL}${p.id}`, label });
  }
  if (drafts.length > 0) {
    choices.push({ id: ITEMS, label: ctx.t('publishing:review.approveItems', { count: drafts.length }) });
  }
  choices.push({ id: DONE, label: ctx.t('publishing:common.menu') });
  const title =
    pending.length > 0
      ? ctx.t('publishing:review.pendingTitle', { count: pending.length })
      : ctx.t('publishing:review.nonePending');
  ctx.ask(title, choices);
}

async function pendingProposal(ctx: Ctx): Promise<Proposal | undefined> {
  const id = ctx.state.proposal;
  const proposal = id ? await ctx.services.publishing.proposal(id) : undefined;
  return proposal?.status === 'pending' ? proposal : undefined;
}

/** A pending change in full: who, when, why, and what it changes. */
async function openProposal(ctx: Ctx, id: string): Promise<void> {
  ctx.state = { ...EMPTY, proposal: id };
  const proposal = await pendingProposal(ctx);
  if (!proposal) {
    ctx.say(ctx.t('publishing:review.alreadyDecided'));
    return showList(ctx);
  }
  ctx.goto('proposal');
  const lines = [
    ctx.t('publishing:review.header', {
      name: await whoName(ctx, proposal.by),
      date: date(ctx, proposal.at),
    }),
  ];
  if (proposal.note) lines.push(ctx.t('publishing:review.note', { note: proposal.note }));
  lines.push('', formatPreview(ctx.t, proposal.preview));
  ctx.say(lines.join('\n'));
  return showDecision(ctx);
}

async function showDecision(ctx: Ctx): Promise<void> {
  const proposal = await pendingProposal(ctx);
  if (!proposal) {
    ctx.say(ctx.t('publishing:review.alreadyDecided'));
    return showList(ctx);
  }
  ctx.goto('proposal');
  if (proposal.by === ctx.user?.id) {
    // Four eyes: she may withdraw her own change (reject it), not approve it.
    ctx.ask(ctx.t('publishing:review.ownChange'), [
      { id: REJECT, label: ctx.t('publishing:review.reject') },
      { id: BACK, label: ctx.t('publishing:common.back') },
    ]);
    return;
  }
  ctx.ask(ctx.t('publishing:review.decide'), [
    { id: APPROVE, label: ctx.t('publishing:review.approve') },
    { id: REJECT, label: ctx.t('publishing:review.reject') },
    { id: BACK, label: ctx.t('publishing:common.back') },
  ]);
}

async function approve(ctx: Ctx): Promise<void> {
  const clinician = actingClinician(ctx);
  if (!clinician) return notAllowed(ctx);
  const proposal = await pendingProposal(ctx);
  if (!proposal || proposal.by === clinician.id) return showDecision(ctx);
  const outcome = await ctx.services.publishing.approve(proposal.id, clinician);
  if (outcome.status === 'published') {
    await tellProposer(ctx, proposal, { approved: true, version: outcome.record.version });
    ctx.say(`${outcomeText(ctx.t, outcome)}\n${ctx.t('publishing:review.trainerTold')}`);
  } else if (outcome.status === 'gone') {
    ctx.say(ctx.t('publishing:review.alreadyDecided'));
  } else {
    ctx.say(outcomeText(ctx.t, outcome));
  }
  return showList(ctx);
}

function askReason(ctx: Ctx): void {
  ctx.ask(ctx.t('publishing:review.reason'), [{ id: BACK, label: ctx.t('publishing:common.back') }], {
    allowText: true,
  });
}

async function reject(ctx: Ctx, reason: string): Promise<void> {
  const clinician = actingClinician(ctx);
  if (!clinician) return notAllowed(ctx);
  const proposal = await pendingProposal(ctx);
  const rejected = proposal
    ? await ctx.services.publishing.reject(proposal.id, clinician, reason)
    : undefined;
  if (!proposal || rejected?.status !== 'rejected') {
    ctx.say(ctx.t('publishing:review.alreadyDecided'));
    return showList(ctx);
  }
  await tellProposer(ctx, proposal, { approved: false, reason });
  ctx.say(ctx.t('publishing:review.rejected'));
  return showList(ctx);
}

const topicKey = (topic: string | null): string => topic ?? NO_TOPIC;

function topicLabel(ctx: Ctx, key: string): string {
  return key === NO_TOPIC ? ctx.t('publishing:topics.other') : ctx.t(`publishing:topics.${key}`);
}

/** Draft items of the live content by topic, each with how many wait. */
function showTopics(ctx: Ctx): void {
  ctx.state = EMPTY;
  const counts = new Map<string, number>();
  for (const d of ctx.services.publishing.drafts()) {
    counts.set(topicKey(d.topic), (counts.get(topicKey(d.topic)) ?? 0) + 1);
  }
  ctx.goto('topics');
  if (counts.size === 0) {
    ctx.ask(ctx.t('publishing:review.noDrafts'), [{ id: BACK, label: ctx.t('publishing:common.back') }]);
    return;
  }
  const choices = [...counts]
    .sort(([a], [b]) => topicLabel(ctx, a).localeCompare(topicLabel(ctx, b)))
    .map(([key, count]) => ({ id: `${TOPIC}${key}`, label: `${topicLabel(ctx, key)} (${count})` }));
  choices.push({ id: BACK, label: ctx.t('publishing:common.back') });
  ctx.ask(ctx.t('publishing:review.topicsTitle'), choices);
}

function startTopic(ctx: Ctx, key: string): void {
  const queue = ctx.services.publishing
    .drafts()
    .filter((d) => topicKey(d.topic) === key)
    .slice(0, MAX_QUEUE)
    .map((d) => ({ kind: d.kind, id: d.id, lang: d.lang }));
  ctx.state = { ...EMPTY, queue };
  showItem(ctx);
}

const sameItem = (a: ItemRef, b: ItemRef): boolean => a.kind === b.kind && a.id === b.id && a.lang === b.lang;

/** The next draft of the topic with its sources and checks; past the last one, her approvals are published. */
function showItem(ctx: Ctx): Promise<void> | void {
  const drafts = ctx.services.publishing.drafts();
  // Skip what another clinician approved meanwhile.
  const queue = ctx.state.queue.filter((ref) => drafts.some((d) => sameItem(d, ref)));
  if (queue.length !== ctx.state.queue.length) ctx.state = { ...ctx.state, queue };
  const [ref] = queue;
  const draft = ref ? drafts.find((d) => sameItem(d, ref)) : undefined;
  if (!ref || !draft) return finishTopic(ctx);
  const details = draftDetails(ctx.services.content.current().content, ref);
  const { t } = ctx;
  const lines = [
    t('publishing:review.itemHeader', {
      kind: t(`publishing:kinds.${ref.kind}`),
      lang: ref.lang ?? '-',
      title: draft.title,
    }),
    '',
    t('publishing:review.sources'),
    ...(details?.sources ?? []).map(
      (s) => `• ${[s.title, s.publisher, s.year].filter(Boolean).join(', ')}${s.url ? ` ${s.url}` : ''}`,
    ),
    '',
    details && details.checks.length > 0 ? t('publishing:review.checks') : t('publishing:review.noChecks'),
    ...(details?.checks ?? []).map((c) => `• ${c.by}, ${c.date}: ${c.outcome}`),
    '',
    t('publishing:review.itemsLeft', { left: queue.length, approved: ctx.state.approved.length }),
  ];
  ctx.goto('item');
  ctx.ask(lines.join('\n'), [
    { id: APPROVE, label: t('publishing:review.approveItem') },
    { id: SKIP, label: t('publishing:common.skip') },
    {
      id: FINISH,
      label:
        ctx.state.approved.length > 0
          ? t('publishing:review.finish', { count: ctx.state.approved.length })
          : t('publishing:review.stop'),
    },
  ]);
}

/** Publishes the items she approved in this topic as one version (her name and the date in each review record). */
async function finishTopic(ctx: Ctx): Promise<void> {
  const approved = ctx.state.approved;
  if (approved.length === 0) return showTopics(ctx);
  const clinician = actingClinician(ctx);
  if (!clinician) return notAllowed(ctx);
  const outcome = await ctx.services.publishing.approveItems(
    approved.map(({ id, lang }) => ({ id, lang })),
    clinician,
  );
  ctx.state = EMPTY;
  if (outcome.status === 'published') {
    ctx.say(
      `${ctx.t('publishing:review.itemsApproved', { count: approved.length })}\n${outcomeText(ctx.t, outcome)}`,
    );
  } else {
    ctx.say(outcomeText(ctx.t, outcome));
  }
  return showTopics(ctx);
}
