import { z } from 'zod';
import type { User } from '../../accounts/types.js';
import { reachableClient, teamMentors } from '../../clients/access.js';
import { handOverClients, mayHandOver } from '../../clients/handover.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import { describeClient } from './clients-flow.js';

/** Clients per page of a mentor's list. */
const PAGE = 10;

const id = z.string().min(1).max(64);
/** Ids and small values only: the mentor whose clients she looks at, the client, the page. */
const stateSchema = z.strictObject({
  mentor: id.optional(),
  client: id.optional(),
  page: z.number().int().min(0).max(10_000).optional(),
});
type State = z.infer<typeof stateSchema>;
type Step = 'mentors' | 'clients' | 'client' | 'handover';
type Ctx = StepContext<State, Step>;

/**
 * A supervisor sees her team's clients read-only, and hands the clients of a mentor who leaves to another mentor
 * of the team. Only her own team, whatever ids are sent (src/clients/access.ts, src/clients/handover.ts).
 */
export const teamClientsFlow = defineFlow<State, Step>({
  id: 'team-clients',
  ns: 'tm',
  roles: ['supervisor'],
  state: stateSchema,
  start(ctx) {
    return toMentors(ctx);
  },
  steps: {
    mentors: {
      show: showMentors,
      async onInput(ctx, input) {
        const choice = input.kind === 'choice' ? input.id : '';
        if (choice.startsWith('m:')) return toClients(ctx, choice.slice(2), 0);
        return showMentors(ctx);
      },
    },
    clients: {
      show: showClients,
      async onInput(ctx, input) {
        const choice = input.kind === 'choice' ? input.id : '';
        const mentor = ctx.state.mentor ?? '';
        const page = ctx.state.page ?? 0;
        if (choice.startsWith('c:')) return toClient(ctx, choice.slice(2));
        if (choice === 'more') return toClients(ctx, mentor, page + 1);
        if (choice === 'prev') return toClients(ctx, mentor, Math.max(0, page - 1));
        if (choice === 'ho') {
          ctx.goto('handover');
          return showHandover(ctx);
        }
        if (choice === 'back') return toMentors(ctx);
        return showClients(ctx);
      },
    },
    client: {
      show: showClient,
      async onInput(ctx) {
        return toClients(ctx, ctx.state.mentor ?? '', ctx.state.page ?? 0);
      },
    },
    handover: {
      show: showHandover,
      async onInput(ctx, input) {
        const choice = input.kind === 'choice' ? input.id : '';
        if (!choice.startsWith('t:')) return toClients(ctx, ctx.state.mentor ?? '', ctx.state.page ?? 0);
        const mentors = await mentorsOf(ctx);
        const from = mentors.find((m) => m.id === ctx.state.mentor);
        const to = mentors.find((m) => m.id === choice.slice(2));
        if (!ctx.user || !from || !to) return toMentors(ctx);
        const result = await handOverClients(ctx.store, ctx.records, {
          actor: ctx.user,
          from,
          to,
          at: ctx.now,
        });
        if (result.kind === 'refused') return toClients(ctx, from.id, 0);
        const t = ctx.services.i18n.t(to.lang);
        ctx.push(
          to.id,
          { type: 'text', text: t('team.youReceived', { count: result.clients, name: from.name }) },
          { tag: 'handover', data: { to: to.id } },
        );
        return ctx.showMenu(
          ctx.t('team.handedOver', { count: result.clients, from: from.name, to: to.name }),
        );
      },
    },
  },
  /** The new mentor could not be told: the supervisor tells her herself. */
  async onDelivery(ctx, report) {
    if (report.tag !== 'handover' || report.status !== 'failed') return;
    const to = report.data?.to ? await ctx.store.users.get(report.data.to) : undefined;
    ctx.say(ctx.t('team.receiverNotTold', { name: to?.name ?? '' }));
  },
});

async function mentorsOf(ctx: Ctx): Promise<User[]> {
  return teamMentors(await ctx.store.users.list(), ctx.user);
}

function toMentors(ctx: Ctx): Promise<void> {
  ctx.state = {};
  ctx.goto('mentors');
  return showMentors(ctx);
}

async function toClients(ctx: Ctx, mentorId: string, page: number): Promise<void> {
  const mentor = (await mentorsOf(ctx)).find((m) => m.id === mentorId);
  if (!mentor) return toMentors(ctx);
  ctx.state = { mentor: mentor.id, page };
  ctx.goto('clients');
  return showClients(ctx);
}

async function toClient(ctx: Ctx, clientId: string): Promise<void> {
  const client = await reachableClient(ctx.store, ctx.user, clientId, 'read');
  if (!client) {
    ctx.say(ctx.t('clients.notYours'));
    return toMentors(ctx);
  }
  ctx.state = { ...ctx.state, client: client.id };
  ctx.goto('client');
  return showClient(ctx);
}

async function showMentors(ctx: Ctx): Promise<void> {
  const mentors = await mentorsOf(ctx);
  if (mentors.length === 0) return ctx.showMenu(ctx.t('team.noMentors'));
  ctx.ask(
    ctx.t('team.pickMentor'),
    mentors.map((m) => ({
      id: `m:${m.id}`,
      label: `${m.name}${m.active ? '' : ` (${ctx.t('users.inactive')})`}`,
    })),
  );
}

async function showClients(ctx: Ctx): Promise<void> {
  const mentor = (await mentorsOf(ctx)).find((m) => m.id === ctx.state.mentor);
  if (!mentor) return toMentors(ctx);
  const clients = (await ctx.store.clients.list({ mentorId: mentor.id }))
    .filter((c) => c.teamId === ctx.user?.teamId)
    .reverse();
  const pages = Math.max(1, Math.ceil(clients.length / PAGE));
  const page = Math.min(ctx.state.page ?? 0, pages - 1);
  ctx.ask(ctx.t('team.clientsOf', { name: mentor.name, count: clients.length }), [
    ...clients.slice(page * PAGE, (page + 1) * PAGE).map((c) => ({ id: `c:${c.id}`, label: `👤 ${c.code}` })),
    ...(page + 1 < pages ? [{ id: 'more', label: ctx.t('clients.more') }] : []),
    ...(page > 0 ? [{ id: 'prev', label: ctx.t('clients.previous') }] : []),
    ...(clients.length > 0 ? [{ id: 'ho', label: ctx.t('team.handover') }] : []),
    { id: 'back', label: ctx.t('clients.back') },
  ]);
}

async function showClient(ctx: Ctx): Promise<void> {
  const client = await reachableClient(ctx.store, ctx.user, ctx.state.client, 'read');
  if (!client) {
    ctx.say(ctx.t('clients.notYours'));
    return toClients(ctx, ctx.state.mentor ?? '', 0);
  }
  ctx.ask(`${describeClient(ctx, client)}\n\n${ctx.t('team.readOnly')}`, [
    { id: 'back', label: ctx.t('clients.back') },
  ]);
}

async function showHandover(ctx: Ctx): Promise<void> {
  const mentors = await mentorsOf(ctx);
  const from = mentors.find((m) => m.id === ctx.state.mentor);
  if (!from) return toMentors(ctx);
  const others = mentors.filter((m) => ctx.user && mayHandOver(ctx.user, from, m));
  if (others.length === 0) return ctx.showMenu(ctx.t('team.noOtherMentor'));
  ctx.ask(ctx.t('team.handoverTo'), [
    ...others.map((m) => ({ id: `t:${m.id}`, label: m.name })),
    { id: 'back', label: ctx.t('clients.back') },
  ]);
}
