import type { Flow, FlowContext } from '../../core/flow.js';
import type { AuditRecord } from '../../store/port.js';
import { describeClient } from './clients-flow.js';

/**
 * A supervisor sees her team's clients read-only, and hands the clients of a mentor who leaves to another mentor
 * of the team. Only her own team, whatever ids are sent.
 */
export const teamClientsFlow: Flow = {
  id: 'team-clients',
  roles: ['supervisor'],
  async start(ctx) {
    return listMentors(ctx);
  },
  async onInput(ctx, input) {
    const id = input.kind === 'choice' ? input.id : '';
    if (id.startsWith('m:')) return listClients(ctx, id.slice(2));
    if (id.startsWith('c:')) return showClient(ctx, id.slice(2));
    if (id === 'h:start') return askHandover(ctx);
    if (id.startsWith('h:to:')) return handover(ctx, id.slice(5));
    return listMentors(ctx);
  },
};

async function teamMentors(ctx: FlowContext) {
  const teamId = ctx.user?.teamId;
  return (await ctx.services.store.users.list()).filter(
    (u) => u.role === 'mentor' && u.teamId === teamId && teamId,
  );
}

async function listMentors(ctx: FlowContext): Promise<void> {
  const mentors = await teamMentors(ctx);
  if (mentors.length === 0) return ctx.showMenu(ctx.t('team.noMentors'));
  ctx.session.data = {};
  ctx.goto('mentors');
  ctx.ask(
    ctx.t('team.pickMentor'),
    mentors.map((m) => ({
      id: `m:${m.id}`,
      label: `${m.name}${m.active ? '' : ` (${ctx.t('users.inactive')})`}`,
    })),
  );
}

async function listClients(ctx: FlowContext, mentorId: string): Promise<void> {
  const mentor = (await teamMentors(ctx)).find((m) => m.id === mentorId);
  if (!mentor) return listMentors(ctx);
  const clients = await ctx.services.store.clients.list({ mentorId: mentor.id });
  ctx.session.data = { mentor: mentor.id };
  ctx.goto('clients');
  ctx.ask(ctx.t('team.clientsOf', { name: mentor.name, count: clients.length }), [
    ...clients.slice(-12).map((c) => ({ id: `c:${c.id}`, label: `👤 ${c.code}` })),
    ...(clients.length > 0 ? [{ id: 'h:start', label: ctx.t('team.handover') }] : []),
    { id: 'b:mentors', label: ctx.t('clients.back') },
  ]);
}

async function showClient(ctx: FlowContext, clientId: string): Promise<void> {
  const client = await ctx.services.store.clients.get(clientId);
  if (!client || !ctx.user?.teamId || client.teamId !== ctx.user.teamId) {
    ctx.say(ctx.t('clients.notYours'));
    return listMentors(ctx);
  }
  ctx.goto('client');
  ctx.ask(`${describeClient(ctx, client)}\n\n${ctx.t('team.readOnly')}`, [
    { id: `m:${client.mentorId}`, label: ctx.t('clients.back') },
  ]);
}

async function askHandover(ctx: FlowContext): Promise<void> {
  const from = String(ctx.session.data.mentor ?? '');
  const others = (await teamMentors(ctx)).filter((m) => m.id !== from && m.active);
  if (others.length === 0) return ctx.showMenu(ctx.t('team.noOtherMentor'));
  ctx.goto('handover');
  ctx.ask(
    ctx.t('team.handoverTo'),
    others.map((m) => ({ id: `h:to:${m.id}`, label: m.name })),
  );
}

async function handover(ctx: FlowContext, toId: string): Promise<void> {
  const mentors = await teamMentors(ctx);
  const from = mentors.find((m) => m.id === ctx.session.data.mentor);
  const to = mentors.find((m) => m.id === toId);
  if (!from || !to || from.id === to.id) return listMentors(ctx);
  const clients = await ctx.services.store.clients.list({ mentorId: from.id });
  for (const client of clients) await ctx.services.store.clients.put({ ...client, mentorId: to.id });
  await ctx.services.store.journal<AuditRecord>('audit').append({
    at: ctx.now.toISOString(),
    actor: ctx.user?.id ?? null,
    action: 'clients.handed_over',
    detail: { from: from.id, to: to.id, count: clients.length },
  });
  const t = ctx.services.i18n.t(to.lang);
  ctx.push(to.id, { type: 'text', text: t('team.youReceived', { count: clients.length, name: from.name }) });
  return ctx.showMenu(ctx.t('team.handedOver', { count: clients.length, from: from.name, to: to.name }));
}
