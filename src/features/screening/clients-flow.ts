import { z } from 'zod';
import { reachableClient } from '../../clients/access.js';
import { confirmsErasure, eraseOnRequest } from '../../clients/erase-request.js';
import {
  ALL_OUTCOMES,
  type AnyOutcome,
  asksForNote,
  cleanNote,
  isOutcome,
  outcomeChoices,
  recordOutcome,
} from '../../clients/follow-up-outcome.js';
import { offersWeaning, recordWeaning } from '../../clients/infant-schedule.js';
import type { FollowUp } from '../../clients/records.js';
import type { Client } from '../../clients/types.js';
import { voidableScreenings, voidMistakenScreening } from '../../clients/void-screening.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { FlowContext } from '../../core/flow.js';

const DAY = 86_400_000;
/** Clients per page of the list, and due follow-ups shown above them (channels show about 10 rows at once). */
const PAGE = 8;
const DUE_SHOWN = 5;

const id = z.string().min(1).max(64);
/** Ids and small values only: the page she is on, the client, the follow-up or screening she picked. */
const stateSchema = z.strictObject({
  page: z.number().int().min(0).max(10_000).optional(),
  client: id.optional(),
  referral: id.optional(),
  outcome: z.enum(ALL_OUTCOMES).optional(),
  screening: id.optional(),
});
type State = z.infer<typeof stateSchema>;
type Step = 'list' | 'client' | 'outcome' | 'note' | 'voidPick' | 'voidReason' | 'erase';
type Ctx = StepContext<State, Step>;

/** What rendering a client's records needs of a flow's context (the team view renders them too). */
export type ClientView = Pick<FlowContext, 't' | 'now' | 'lang' | 'records' | 'content'>;

/**
 * "My clients": due and overdue follow-ups first, then her clients page by page; a client's page with her history
 * and follow-ups; recording a follow-up's outcome; the infant test schedule (weaning); voiding a mistaken
 * screening; erasing a client on request. A mentor reaches only her own clients (src/clients/access.ts).
 */
export const clientsFlow = defineFlow<State, Step>({
  id: 'clients',
  ns: 'cl',
  roles: ['mentor'],
  state: stateSchema,
  start(ctx) {
    return toList(ctx, 0);
  },
  steps: {
    list: {
      show: showList,
      async onInput(ctx, input) {
        const choice = input.kind === 'choice' ? input.id : '';
        const page = ctx.state.page ?? 0;
        if (choice === 'add') return ctx.startFlow('screen', { register: true });
        if (choice === 'more') return toList(ctx, page + 1);
        if (choice === 'prev') return toList(ctx, Math.max(0, page - 1));
        if (choice.startsWith('f:')) return toOutcome(ctx, choice.slice(2));
        if (choice.startsWith('c:')) return toClient(ctx, choice.slice(2));
        return showList(ctx);
      },
    },
    client: {
      show: showClient,
      async onInput(ctx, input) {
        const choice = input.kind === 'choice' ? input.id : '';
        const client = await ownClient(ctx);
        if (!client) return lost(ctx);
        switch (choice) {
          case 'scr':
            return ctx.startFlow('screen', { client: client.id });
          case 'void':
            ctx.goto('voidPick');
            return showVoidPick(ctx);
          case 'erase':
            ctx.goto('erase');
            return showErase(ctx);
          case 'wean':
            return onWeaned(ctx, client);
          case 'back':
            return toList(ctx, ctx.state.page ?? 0);
          default:
            if (choice.startsWith('f:')) return toOutcome(ctx, choice.slice(2));
            return showClient(ctx);
        }
      },
    },
    outcome: {
      show: showOutcome,
      async onInput(ctx, input) {
        const choice = input.kind === 'choice' ? input.id : '';
        if (choice === 'back') return backToClient(ctx);
        if (!isOutcome(choice)) return showOutcome(ctx);
        if (!asksForNote(choice)) return saveOutcome(ctx, choice, null);
        ctx.state = { ...ctx.state, outcome: choice };
        ctx.goto('note');
        return showNote(ctx);
      },
    },
    note: {
      show: showNote,
      async onInput(ctx, input) {
        const outcome = ctx.state.outcome;
        if (!outcome) return backToClient(ctx);
        return saveOutcome(ctx, outcome, input.kind === 'text' ? cleanNote(input.text) : null);
      },
    },
    voidPick: {
      show: showVoidPick,
      async onInput(ctx, input) {
        const choice = input.kind === 'choice' ? input.id : '';
        if (!choice.startsWith('s:')) return backToClient(ctx);
        ctx.state = { ...ctx.state, screening: choice.slice(2) };
        ctx.goto('voidReason');
        return showVoidReason(ctx);
      },
    },
    voidReason: {
      show: showVoidReason,
      async onInput(ctx, input) {
        const client = await ownClient(ctx);
        if (!client || !ctx.user) return lost(ctx);
        if (input.kind !== 'text') return backToClient(ctx);
        const result = await voidMistakenScreening(ctx.records, {
          actor: ctx.user,
          client,
          screeningId: ctx.state.screening ?? '',
          reason: input.text,
          at: ctx.now,
          id: ctx.services.ids.id(),
        });
        if (result.kind === 'refused' && result.reason === 'no-reason') return showVoidReason(ctx);
        if (result.kind === 'voided') ctx.say(ctx.t('clients.voidedDone'));
        return backToClient(ctx);
      },
    },
    erase: {
      show: showErase,
      async onInput(ctx, input) {
        const client = await ownClient(ctx);
        if (!client || !ctx.user) return lost(ctx);
        if (input.kind !== 'text' || !confirmsErasure(input.text, client)) {
          if (input.kind === 'text') ctx.say(ctx.t('clients.eraseCancelled'));
          return backToClient(ctx);
        }
        const result = await eraseOnRequest(ctx.store, ctx.records, { actor: ctx.user, client, at: ctx.now });
        if (result.kind === 'erased') ctx.say(ctx.t('clients.erased'));
        // Her session keeps nothing of the erased client: the list starts afresh, with no id in the state.
        return toList(ctx, 0);
      },
    },
  },
});

async function ownClient(ctx: Ctx): Promise<Client | undefined> {
  return reachableClient(ctx.store, ctx.user, ctx.state.client, 'act');
}

/** The client is gone (erased, handed over) or was never hers: say so and show her list. */
function lost(ctx: Ctx): Promise<void> {
  ctx.say(ctx.t('clients.notYours'));
  return toList(ctx, 0);
}

function toList(ctx: Ctx, page: number): Promise<void> {
  ctx.state = { page };
  ctx.goto('list');
  return showList(ctx);
}

async function toClient(ctx: Ctx, clientId: string): Promise<void> {
  const client = await reachableClient(ctx.store, ctx.user, clientId, 'act');
  if (!client) return lost(ctx);
  ctx.state = { page: ctx.state.page ?? 0, client: client.id };
  ctx.goto('client');
  return showClient(ctx);
}

function backToClient(ctx: Ctx): Promise<void> {
  return ctx.state.client ? toClient(ctx, ctx.state.client) : toList(ctx, ctx.state.page ?? 0);
}

async function toOutcome(ctx: Ctx, referralId: string): Promise<void> {
  const f = ctx.records.followUp(referralId);
  const client = f ? await reachableClient(ctx.store, ctx.user, f.referral.clientId, 'act') : undefined;
  if (!f || !client) return lost(ctx);
  if (f.status !== 'open') return toClient(ctx, client.id);
  ctx.state = { page: ctx.state.page ?? 0, client: client.id, referral: f.referral.id };
  ctx.goto('outcome');
  return showOutcome(ctx);
}

/** Her clients' follow-ups due within two days (or overdue), most overdue first. */
function dueSoon(ctx: Ctx, clients: readonly Client[]): FollowUp[] {
  const horizon = ctx.now.getTime() + 2 * DAY;
  return ctx.records
    .openFollowUps(new Set(clients.map((c) => c.id)))
    .filter((f) => f.dueAt !== null && Date.parse(f.dueAt) <= horizon);
}

async function showList(ctx: Ctx): Promise<void> {
  const clients = (await ctx.store.clients.list({ mentorId: ctx.user?.id ?? '' })).reverse();
  const byId = new Map(clients.map((c) => [c.id, c]));
  const due = dueSoon(ctx, clients);
  const pages = Math.max(1, Math.ceil(clients.length / PAGE));
  const page = Math.min(ctx.state.page ?? 0, pages - 1);
  const shown = clients.slice(page * PAGE, (page + 1) * PAGE);
  const intro =
    clients.length === 0
      ? ctx.t('clients.none')
      : ctx.t('clients.title', {
          followUps: ctx.t('clients.followUpCount', { count: due.length }),
          clients: ctx.t('clients.clientCount', { count: clients.length }),
        });
  ctx.ask(intro, [
    ...(page === 0
      ? due.slice(0, DUE_SHOWN).map((f) => ({
          id: `f:${f.referral.id}`,
          label: followUpLabel(ctx, f, byId.get(f.referral.clientId)),
        }))
      : []),
    ...shown.map((c) => ({ id: `c:${c.id}`, label: `👤 ${clientLabel(ctx, c)}` })),
    ...(page + 1 < pages ? [{ id: 'more', label: ctx.t('clients.more') }] : []),
    ...(page > 0 ? [{ id: 'prev', label: ctx.t('clients.previous') }] : []),
    { id: 'add', label: ctx.t('clients.add') },
  ]);
}

async function showClient(ctx: Ctx): Promise<void> {
  const client = await ownClient(ctx);
  if (!client) return lost(ctx);
  const followUps = ctx.records.followUpsOf(client.id);
  const choices = [
    { id: 'scr', label: ctx.t('clients.screenNow') },
    ...followUps
      .filter((f) => f.status === 'open')
      .map((f) => ({
        id: `f:${f.referral.id}`,
        label: ctx.t('clients.recordOutcome', { what: followUpWhat(ctx, f) }),
      })),
  ];
  if (offersWeaning(client, followUps)) choices.push({ id: 'wean', label: ctx.t('clients.weaned') });
  if (voidableScreenings(ctx.records, client.id).length > 0) {
    choices.push({ id: 'void', label: ctx.t('clients.void') });
  }
  choices.push({ id: 'erase', label: ctx.t('clients.erase') }, { id: 'back', label: ctx.t('clients.back') });
  ctx.ask(describeClient(ctx, client), choices);
}

async function showOutcome(ctx: Ctx): Promise<void> {
  const client = await ownClient(ctx);
  const f = ctx.state.referral ? ctx.records.followUp(ctx.state.referral) : undefined;
  if (!client) return lost(ctx);
  if (!f || f.referral.clientId !== client.id || f.status !== 'open') return backToClient(ctx);
  ctx.ask(ctx.t('clients.askOutcome', { code: client.code, what: followUpWhat(ctx, f) }), [
    ...outcomeChoices(f).map((o) => ({ id: o, label: ctx.t(`clients.outcomes.${o}`) })),
    { id: 'back', label: ctx.t('clients.back') },
  ]);
}

function showNote(ctx: Ctx): void {
  ctx.ask(ctx.t('clients.askFinding'), [{ id: 'skip', label: ctx.t('clients.skip') }], { allowText: true });
}

async function saveOutcome(ctx: Ctx, outcome: AnyOutcome, note: string | null): Promise<void> {
  const client = await ownClient(ctx);
  const f = ctx.state.referral ? ctx.records.followUp(ctx.state.referral) : undefined;
  if (!client || !ctx.user) return lost(ctx);
  if (!f) return backToClient(ctx);
  const result = await recordOutcome(ctx.records, {
    actor: ctx.user,
    client,
    followUp: f,
    outcome,
    note,
    at: ctx.now,
    newId: () => ctx.services.ids.id(),
  });
  if (result.kind === 'recorded') {
    ctx.say(ctx.t('clients.outcomeSaved', { outcome: ctx.t(`clients.outcomes.${outcome}`) }));
    if (result.confirmingTest) ctx.say(ctx.t('clients.positiveInfant'));
  }
  return backToClient(ctx);
}

async function onWeaned(ctx: Ctx, client: Client): Promise<void> {
  if (!ctx.user) return lost(ctx);
  const result = await recordWeaning(ctx.store, ctx.records, {
    actor: ctx.user,
    client,
    at: ctx.now,
    newId: () => ctx.services.ids.id(),
  });
  if (result.kind === 'recorded' && result.scheduled > 0) ctx.say(ctx.t('clients.infantSchedule'));
  if (result.kind === 'recorded' && result.finalDueAt) {
    ctx.say(ctx.t('clients.finalTestDue', { date: result.finalDueAt.slice(0, 10) }));
  }
  return showClient(ctx);
}

async function showVoidPick(ctx: Ctx): Promise<void> {
  const client = await ownClient(ctx);
  if (!client) return lost(ctx);
  const screenings = voidableScreenings(ctx.records, client.id);
  if (screenings.length === 0) return backToClient(ctx);
  ctx.ask(ctx.t('clients.voidPick'), [
    ...screenings.slice(0, 8).map((s) => ({
      id: `s:${s.id}`,
      label: `${s.at.slice(0, 10)} ${questionnaireTitle(ctx, s.questionnaire, s.version)}${versionLabel(ctx, s)}`,
    })),
    { id: 'back', label: ctx.t('clients.back') },
  ]);
}

async function showVoidReason(ctx: Ctx): Promise<void> {
  const client = await ownClient(ctx);
  if (!client) return lost(ctx);
  const screening = ctx.state.screening ? ctx.records.screening(ctx.state.screening) : undefined;
  if (!screening || screening.clientId !== client.id || ctx.records.isVoided(screening.id)) {
    return backToClient(ctx);
  }
  ctx.ask(ctx.t('clients.voidReason'), [{ id: 'back', label: ctx.t('clients.back') }], { allowText: true });
}

async function showErase(ctx: Ctx): Promise<void> {
  const client = await ownClient(ctx);
  if (!client) return lost(ctx);
  ctx.ask(
    ctx.t('clients.eraseConfirm', { code: client.code }),
    [{ id: 'back', label: ctx.t('clients.back') }],
    {
      allowText: true,
    },
  );
}

/**
 * A questionnaire's title in her language (English when it has no translation), of the version given (a screening
 * stored under an earlier version is shown with that version's texts) or else the current one.
 */
function questionnaireTitle(ctx: ClientView, questionnaireId: string, version?: number): string {
  const catalog = ctx.content.catalog;
  const q = catalog.questionnaire(questionnaireId, version) ?? catalog.questionnaire(questionnaireId);
  if (!q) return questionnaireId;
  const text =
    ctx.lang === 'en' ? undefined : catalog.questionnaireText(questionnaireId, ctx.lang, q.source.version);
  return text?.title ?? q.source.title;
}

/** " (v1)" for a screening scored under an earlier version than the one offered now: its rules were different. */
function versionLabel(ctx: ClientView, s: { questionnaire: string; version: number }): string {
  const current = ctx.content.catalog.currentVersion(s.questionnaire);
  return current !== undefined && s.version !== current ? ` (v${s.version})` : '';
}

/** What a follow-up is about: the screening that referred her, or the baby's test. */
function followUpWhat(ctx: ClientView, f: FollowUp): string {
  const source = f.referral.source;
  return source.kind === 'screening'
    ? questionnaireTitle(ctx, source.questionnaire)
    : ctx.t(`clients.tests.${source.test}`);
}

const isOverdue = (ctx: ClientView, f: FollowUp): boolean =>
  f.status === 'open' && f.dueAt !== null && Date.parse(f.dueAt) < ctx.now.getTime() - DAY / 2;

function dueText(ctx: ClientView, f: FollowUp): string {
  return ctx.t(isOverdue(ctx, f) ? 'clients.overdue' : 'clients.due', { date: f.dueAt?.slice(0, 10) ?? '' });
}

function followUpLabel(ctx: ClientView, f: FollowUp, client: Client | undefined): string {
  return `${isOverdue(ctx, f) ? '⏰' : '📅'} ${client?.code ?? ''} · ${followUpWhat(ctx, f)} · ${dueText(ctx, f)}`;
}

/** Groups the age in a list label already says. */
const AGE_GROUPS: ReadonlySet<string> = new Set(['child', 'infant', 'adolescent']);

/**
 * A client in her list, "K7Q2 · woman, 24 · pregnant": enough to tell her clients apart at a glance, and never a
 * name (none is stored). Under two, the age in months from the date of birth.
 */
export function clientLabel(ctx: ClientView, client: Client): string {
  const years = ctx.now.getUTCFullYear() - client.birthYear;
  const age = monthsOld(ctx, client) ?? String(years);
  const adult = years >= 18;
  const who = ctx.t(
    `clients.who.${client.sex === 'female' ? (adult ? 'woman' : 'girl') : adult ? 'man' : 'boy'}`,
  );
  const groups = client.groups.filter((g) => !AGE_GROUPS.has(g)).map((g) => ctx.t(`clients.groups.${g}`));
  return [client.code, `${who}, ${age}`, ...(groups.length > 0 ? [groups.join(', ')] : [])].join(' · ');
}

/** "7 months" for a client under two with a date of birth; undefined otherwise (her age is then in years). */
function monthsOld(ctx: ClientView, client: Client): string | undefined {
  const months = client.birthDate ? monthsSince(client.birthDate, ctx.now) : undefined;
  return months !== undefined && months < 24 ? ctx.t('clients.who.months', { count: months }) : undefined;
}

/** Whole months from a date (YYYY-MM-DD) to now, 0 for a date not yet past. */
function monthsSince(date: string, now: Date): number {
  const [y, m, d] = date.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return 0;
  const months =
    (now.getUTCFullYear() - y) * 12 + (now.getUTCMonth() + 1 - m) - (now.getUTCDate() < d ? 1 : 0);
  return Math.max(0, months);
}

/** What a client's page shows: code, age, groups, screenings (voided marked) and follow-ups. */
export function describeClient(ctx: ClientView, client: Client): string {
  const records = ctx.records;
  const lines = [
    ctx.t('clients.header', {
      code: client.code,
      age:
        monthsOld(ctx, client) ??
        ctx.t('clients.who.years', { count: ctx.now.getUTCFullYear() - client.birthYear }),
      sex: ctx.t(`clients.${client.sex}`),
    }),
  ];
  if (client.groups.length > 0) lines.push(client.groups.map((g) => ctx.t(`clients.groups.${g}`)).join(', '));
  const history = records.history(client.id);
  lines.push('', history.length === 0 ? ctx.t('clients.noHistory') : ctx.t('clients.history'));
  for (const s of history.slice(0, 10)) {
    const voided = records.isVoided(s.id) ? ` (${ctx.t('clients.voided')})` : '';
    lines.push(
      `• ${s.at.slice(0, 10)} ${questionnaireTitle(ctx, s.questionnaire, s.version)}${versionLabel(ctx, s)}: ${ctx.t(`screening.urgency.${s.urgency}`)}${voided}`,
    );
  }
  const followUps = records.followUpsOf(client.id);
  if (followUps.length > 0) {
    lines.push('', ctx.t('clients.followUps'));
    for (const f of followUps) {
      const last = f.outcomes.at(-1);
      const state =
        f.status === 'closed'
          ? ctx.t(`clients.outcomes.${last?.outcome ?? 'cancelled'}`)
          : f.status === 'pending'
            ? ctx.t('clients.pending')
            : dueText(ctx, f);
      const due = f.dueAt ? ` · ${dueText(ctx, f)}` : '';
      lines.push(`• ${followUpWhat(ctx, f)}${due} → ${state}${last?.note ? ` (${last.note})` : ''}`);
    }
  }
  return lines.join('\n');
}
