import { roleLabel } from '../../accounts/display.js';
import { mayManageUsers } from '../../accounts/permissions.js';
import type { Flow, FlowContext } from '../../core/flow.js';
import type { AuditRecord } from '../../store/port.js';

const PAGE = 8;

/** Admins see everyone and can deactivate (or reactivate) an account; a deactivated person gets nothing. */
export const usersFlow: Flow = {
  id: 'users',
  roles: ['admin'],

  async start(ctx) {
    return showPage(ctx, 0);
  },

  async onInput(ctx, input) {
    if (!ctx.user || !mayManageUsers(ctx.user) || input.kind !== 'choice') return ctx.showMenu();
    const { id } = input;
    if (id === 'u:more') return showPage(ctx, Number(ctx.session.data.page ?? 0) + 1);
    if (id === 'u:back') return showPage(ctx, Number(ctx.session.data.page ?? 0));
    if (id.startsWith('u:pick:')) return showUser(ctx, id.slice('u:pick:'.length));
    if (id === 'u:toggle') return toggle(ctx);
    return ctx.showMenu();
  },
};

async function showPage(ctx: FlowContext, page: number): Promise<void> {
  const { store } = ctx.services;
  const teams = new Map((await store.teams.list()).map((t) => [t.id, t.name]));
  const users = (await store.users.list()).sort((a, b) => a.name.localeCompare(b.name));
  const start = page * PAGE < users.length ? page * PAGE : 0;
  ctx.session.data = { page: start / PAGE };
  ctx.goto('list');
  const shown = users.slice(start, start + PAGE).map((u) => ({
    id: `u:pick:${u.id}`,
    label: [
      u.name,
      roleLabel(ctx.t, u.role),
      u.teamId ? teams.get(u.teamId) : null,
      u.active ? null : ctx.t('users.inactive'),
    ]
      .filter(Boolean)
      .join(' · '),
  }));
  if (start + PAGE < users.length) shown.push({ id: 'u:more', label: ctx.t('users.more') });
  ctx.ask(ctx.t('users.title', { count: users.length }), shown);
}

async function showUser(ctx: FlowContext, userId: string): Promise<void> {
  const target = await ctx.services.store.users.get(userId);
  if (!target) return showPage(ctx, 0);
  ctx.session.data.target = target.id;
  ctx.goto('user');
  const team = target.teamId ? await ctx.services.store.teams.get(target.teamId) : undefined;
  const details = ctx.t('users.details', {
    name: target.name,
    role: roleLabel(ctx.t, target.role),
    team: team?.name ?? '-',
    status: ctx.t(target.active ? 'users.active' : 'users.inactive'),
  });
  const choices = [{ id: 'u:back', label: ctx.t('users.back') }];
  if (target.id !== ctx.user?.id) {
    choices.unshift({
      id: 'u:toggle',
      label: ctx.t(target.active ? 'users.deactivate' : 'users.reactivate'),
    });
  }
  ctx.ask(details, choices);
}

async function toggle(ctx: FlowContext): Promise<void> {
  const { store } = ctx.services;
  const target = await store.users.get(String(ctx.session.data.target));
  if (!target || target.id === ctx.user?.id) return showPage(ctx, 0);
  const updated = { ...target, active: !target.active };
  await store.users.put(updated);
  await store.journal<AuditRecord>('audit').append({
    at: ctx.now.toISOString(),
    actor: ctx.user?.id ?? null,
    action: updated.active ? 'user.reactivated' : 'user.deactivated',
    target: target.id,
  });
  ctx.say(ctx.t(updated.active ? 'users.reactivated' : 'users.deactivated', { name: target.name }));
  return showPage(ctx, Number(ctx.session.data.page ?? 0));
}
