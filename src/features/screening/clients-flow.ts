import type { FollowUp } from '../../clients/records.js';
import { type Client, OUTCOMES } from '../../clients/types.js';
import type { Flow, FlowContext, FlowInput } from '../../core/flow.js';
import type { AuditRecord } from '../../store/port.js';
import { scheduleInfantTests } from './client-registration.js';
import { QuestionnaireTexts } from './localize.js';

const DAY = 86_400_000;

/**
 * "My clients": due and overdue follow-ups first, then her clients; a client's history; recording a follow-up's
 * outcome; voiding a mistaken screening; erasing a client on request. A mentor sees only her own clients.
 */
export const clientsFlow: Flow = {
  id: 'clients',
  roles: ['mentor'],
  async start(ctx) {
    return showList(ctx);
  },
  async onInput(ctx, input) {
    const id = input.kind === 'choice' ? input.id : '';
    const client = await ownClient(ctx, String(ctx.session.data.client ?? ''));
    switch (ctx.session.step) {
      case 'list':
        if (id === 'l:add') return ctx.startFlow('screen', { register: true });
        if (id.startsWith('f:')) return askOutcome(ctx, id.slice(2));
        if (id.startsWith('c:')) return showClient(ctx, id.slice(2));
        return showList(ctx);
      case 'client':
        if (!client) return showList(ctx);
        if (id === 'a:screen') return ctx.startFlow('screen', { client: client.id });
        if (id === 'a:void') return askVoid(ctx, client);
        if (id === 'a:erase') return askErase(ctx, client);
        if (id === 'a:weaned') return recordWeaning(ctx, client);
        if (id.startsWith('f:')) return askOutcome(ctx, id.slice(2));
        return showList(ctx);
      case 'outcome':
        return onOutcome(ctx, input);
      case 'outcome-note':
        return onOutcomeNote(ctx, input);
      case 'void-pick':
        if (!client || !id.startsWith('s:')) return showList(ctx);
        ctx.session.data.screening = id.slice(2);
        ctx.goto('void-reason');
        return ctx.say(ctx.t('clients.voidReason'));
      case 'void-reason':
        return onVoidReason(ctx, client, input);
      case 'erase-confirm':
        return onErase(ctx, client, input);
      default:
        return showList(ctx);
    }
  },
};

async function ownClient(ctx: FlowContext, id: string): Promise<Client | undefined> {
  const client = id ? await ctx.services.store.clients.get(id) : undefined;
  return client && client.mentorId === ctx.user?.id ? client : undefined;
}

function followUpLabel(ctx: FlowContext, f: FollowUp, client: Client | undefined): string {
  const due = f.dueAt ? new Date(f.dueAt) : null;
  const overdue = due && due.getTime() < ctx.now.getTime() - DAY / 2;
  const what =
    f.referral.source.kind === 'screening'
      ? (ctx.services.catalog.questionnaire(f.referral.source.questionnaire)?.source.title ?? '')
      : ctx.t(`clients.tests.${f.referral.source.test}`);
  return `${overdue ? '⏰' : '📅'} ${client?.code ?? ''} · ${what} · ${ctx.t(overdue ? 'clients.overdue' : 'clients.due', { date: f.dueAt?.slice(0, 10) ?? '' })}`;
}

async function showList(ctx: FlowContext): Promise<void> {
  const clients = await ctx.services.store.clients.list({ mentorId: ctx.user?.id });
  const byId = new Map(clients.map((c) => [c.id, c]));
  const horizon = ctx.now.getTime() + 2 * DAY;
  const due = ctx.services
    .records()
    .openFollowUps(new Set(byId.keys()))
    .filter((f) => f.dueAt && Date.parse(f.dueAt) <= horizon);
  ctx.session.data = {};
  ctx.goto('list');
  const intro =
    clients.length === 0
      ? ctx.t('clients.none')
      : ctx.t('clients.title', { due: due.length, count: clients.length });
  ctx.ask(intro, [
    ...due.slice(0, 6).map((f) => ({
      id: `f:${f.referral.id}`,
      label: followUpLabel(ctx, f, byId.get(f.referral.clientId)),
    })),
    ...clients
      .slice(-10)
      .reverse()
      .map((c) => ({ id: `c:${c.id}`, label: `👤 ${c.code}` })),
    { id: 'l:add', label: ctx.t('clients.add') },
  ]);
}

function screeningTitle(ctx: FlowContext, id: string): string {
  const q = ctx.services.catalog.questionnaire(id);
  return q ? new QuestionnaireTexts(q.source, ctx.services.catalog, ctx.lang).title() : id;
}

/** What a client's page shows: code, age, groups, consent, screenings (voided marked) and follow-ups. */
export function describeClient(ctx: FlowContext, client: Client): string {
  const records = ctx.services.records();
  const lines = [
    ctx.t('clients.header', {
      code: client.code,
      age: ctx.now.getUTCFullYear() - client.birthYear,
      sex: ctx.t(`clients.${client.sex}`),
    }),
  ];
  if (client.groups.length > 0) lines.push(client.groups.map((g) => ctx.t(`clients.groups.${g}`)).join(', '));
  const history = records.history(client.id);
  lines.push('', history.length === 0 ? ctx.t('clients.noHistory') : ctx.t('clients.history'));
  for (const s of history.slice(0, 10)) {
    const q = ctx.services.catalog.questionnaire(s.questionnaire);
    const title = q
      ? new QuestionnaireTexts(q.source, ctx.services.catalog, ctx.lang).title()
      : s.questionnaire;
    const voided = records.isVoided(s.id) ? ` (${ctx.t('clients.voided')})` : '';
    lines.push(`• ${s.at.slice(0, 10)} ${title}: ${ctx.t(`screening.urgency.${s.urgency}`)}${voided}`);
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
            : ctx.t('clients.due', { date: f.dueAt?.slice(0, 10) ?? '' });
      lines.push(
        `• ${followUpLabel(ctx, f, client).replace(/^\S+ \S+ · /, '')} → ${state}${last?.note ? ` (${last.note})` : ''}`,
      );
    }
  }
  return lines.join('\n');
}

async function showClient(ctx: FlowContext, id: string): Promise<void> {
  const client = await ownClient(ctx, id);
  if (!client) {
    ctx.say(ctx.t('clients.notYours'));
    return showList(ctx);
  }
  ctx.session.data = { client: client.id };
  ctx.goto('client');
  const open = ctx.services
    .records()
    .followUpsOf(client.id)
    .filter((f) => f.status === 'open');
  const choices = [
    { id: 'a:screen', label: ctx.t('clients.screenNow') },
    ...open.map((f) => ({
      id: `f:${f.referral.id}`,
      label: ctx.t('clients.recordOutcome', { what: followUpLabel(ctx, f, client).split(' · ')[1] ?? '' }),
    })),
  ];
  const onInfantSchedule = ctx.services
    .records()
    .followUpsOf(client.id)
    .some((f) => f.referral.source.kind === 'infant-test');
  if ((onInfantSchedule || client.groups.includes('hiv_exposed_infant')) && !client.breastfeedingEndedAt) {
    choices.push({ id: 'a:weaned', label: ctx.t('clients.weaned') });
  }
  if (
    ctx.services
      .records()
      .history(client.id)
      .some((s) => !ctx.services.records().isVoided(s.id))
  ) {
    choices.push({ id: 'a:void', label: ctx.t('clients.void') });
  }
  choices.push(
    { id: 'a:erase', label: ctx.t('clients.erase') },
    { id: 'a:list', label: ctx.t('clients.back') },
  );
  ctx.ask(describeClient(ctx, client), choices);
}

async function askOutcome(ctx: FlowContext, referralId: string): Promise<void> {
  const f = ctx.services.records().followUp(referralId);
  const client = f ? await ownClient(ctx, f.referral.clientId) : undefined;
  if (!f || !client || f.status !== 'open') return showList(ctx);
  ctx.session.data = { client: client.id, referral: referralId };
  ctx.goto('outcome');
  const infant = f.referral.source.kind === 'infant-test';
  const options = infant ? ['negative', 'positive', 'not_yet', 'moved'] : [...OUTCOMES];
  ctx.ask(
    ctx.t('clients.askOutcome', {
      code: client.code,
      what: followUpLabel(ctx, f, client).split(' · ')[1] ?? '',
    }),
    options.map((o) => ({ id: `o:${o}`, label: ctx.t(`clients.outcomes.${o}`) })),
  );
}

async function onOutcome(ctx: FlowContext, input: FlowInput): Promise<void> {
  const outcome = input.kind === 'choice' ? input.id.replace(/^o:/, '') : '';
  if (!['attended', 'not_yet', 'declined', 'moved', 'negative', 'positive'].includes(outcome))
    return showList(ctx);
  ctx.session.data.outcome = outcome;
  if (outcome === 'not_yet' || outcome === 'moved') return saveOutcome(ctx, null);
  ctx.goto('outcome-note');
  ctx.ask(ctx.t('clients.askFinding'), [{ id: 'n:skip', label: ctx.t('clients.skip') }], { allowText: true });
}

async function onOutcomeNote(ctx: FlowContext, input: FlowInput): Promise<void> {
  const note = input.kind === 'text' ? input.text.trim().slice(0, 300) : null;
  return saveOutcome(ctx, note && !/\d{7,}/.test(note.replace(/\D/g, '')) ? note : null);
}

async function saveOutcome(ctx: FlowContext, note: string | null): Promise<void> {
  const records = ctx.services.records();
  const f = records.followUp(String(ctx.session.data.referral ?? ''));
  const client = f ? await ownClient(ctx, f.referral.clientId) : undefined;
  const user = ctx.user;
  if (!f || !client || !user) return showList(ctx);
  const outcome = String(ctx.session.data.outcome) as
    | 'attended'
    | 'not_yet'
    | 'declined'
    | 'moved'
    | 'negative'
    | 'positive';
  const at = ctx.now.toISOString();
  await records.addReferralEvent({
    at,
    type: 'outcome',
    id: ctx.services.ids.id(),
    referralId: f.referral.id,
    clientId: client.id,
    mentorId: user.id,
    outcome,
    note,
    dueAt: outcome === 'not_yet' ? new Date(ctx.now.getTime() + 2 * DAY).toISOString() : null,
  });
  ctx.say(ctx.t('clients.outcomeSaved', { outcome: ctx.t(`clients.outcomes.${outcome}`) }));
  if (outcome === 'positive') {
    // A positive infant test: start ART and confirm with a repeat test, within 48 hours.
    await records.addReferralEvent({
      at,
      type: 'referral',
      id: ctx.services.ids.id(),
      clientId: client.id,
      mentorId: user.id,
      teamId: user.teamId,
      source: { kind: 'infant-test', test: 'nat_6_weeks' },
      urgency: 'urgent',
      dueAt: new Date(ctx.now.getTime() + 2 * DAY).toISOString(),
    });
    ctx.say(ctx.t('clients.positiveInfant'));
  }
  return showClient(ctx, client.id);
}

async function recordWeaning(ctx: FlowContext, client: Client): Promise<void> {
  const updated = { ...client, breastfeedingEndedAt: ctx.now.toISOString().slice(0, 10) };
  await ctx.services.store.clients.put(updated);
  // The pending final antibody test gets its date now.
  const pending = ctx.services
    .records()
    .followUpsOf(client.id)
    .find((f) => f.status === 'pending');
  if (pending && client.birthDate) {
    const { infantTestDueAt } = await import('../../clients/follow-up.js');
    const due = infantTestDueAt('final_antibody', new Date(`${client.birthDate}T00:00:00Z`), ctx.now);
    await ctx.services.records().addReferralEvent({
      at: ctx.now.toISOString(),
      type: 'outcome',
      id: ctx.services.ids.id(),
      referralId: pending.referral.id,
      clientId: client.id,
      mentorId: client.mentorId,
      outcome: 'not_yet',
      note: null,
      dueAt: due?.toISOString() ?? null,
    });
    ctx.say(ctx.t('clients.finalTestDue', { date: due?.toISOString().slice(0, 10) ?? '' }));
  } else if (!pending) {
    await scheduleInfantTests(ctx, updated);
  }
  return showClient(ctx, client.id);
}

async function askVoid(ctx: FlowContext, client: Client): Promise<void> {
  const records = ctx.services.records();
  const history = records.history(client.id).filter((s) => !records.isVoided(s.id));
  ctx.goto('void-pick');
  ctx.ask(
    ctx.t('clients.voidPick'),
    history.slice(0, 8).map((s) => ({
      id: `s:${s.id}`,
      label: `${s.at.slice(0, 10)} ${screeningTitle(ctx, s.questionnaire)}`,
    })),
  );
}

async function onVoidReason(ctx: FlowContext, client: Client | undefined, input: FlowInput): Promise<void> {
  const reason = input.kind === 'text' ? input.text.trim().slice(0, 200) : '';
  const screening = ctx.services.records().screening(String(ctx.session.data.screening ?? ''));
  if (!client || !screening || screening.clientId !== client.id || !ctx.user) return showList(ctx);
  if (reason.length < 3) return ctx.say(ctx.t('clients.voidReason'));
  await ctx.services.records().voidScreening({
    at: ctx.now.toISOString(),
    type: 'void',
    id: ctx.services.ids.id(),
    screeningId: screening.id,
    clientId: client.id,
    mentorId: ctx.user.id,
    reason,
  });
  ctx.say(ctx.t('clients.voidedDone'));
  return showClient(ctx, client.id);
}

async function askErase(ctx: FlowContext, client: Client): Promise<void> {
  ctx.goto('erase-confirm');
  ctx.ask(
    ctx.t('clients.eraseConfirm', { code: client.code }),
    [{ id: 'e:no', label: ctx.t('clients.back') }],
    {
      allowText: true,
    },
  );
}

async function onErase(ctx: FlowContext, client: Client | undefined, input: FlowInput): Promise<void> {
  if (
    !client ||
    input.kind !== 'text' ||
    input.text.trim().toUpperCase().replace(/\s/g, '') !== client.code
  ) {
    ctx.say(ctx.t('clients.eraseCancelled'));
    return client ? showClient(ctx, client.id) : showList(ctx);
  }
  await ctx.services.records().eraseClient(client.id);
  await ctx.services.store.clients.remove(client.id);
  await ctx.services.store.journal<AuditRecord>('audit').append({
    at: ctx.now.toISOString(),
    actor: ctx.user?.id ?? null,
    action: 'client.erased',
  });
  ctx.say(ctx.t('clients.erased'));
  return showList(ctx);
}
