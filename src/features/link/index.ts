import { makeInviteCode } from '../../accounts/invite-codes.js';
import { ROLES, type User } from '../../accounts/types.js';
import type { Feature, Flow, FlowContext } from '../../core/flow.js';
import type { AuditRecord } from '../../store/port.js';

const LINK_TTL_MS = 15 * 60_000;

const normalise = (text: string): string => text.toUpperCase().replace(/[\s-]/g, '');

/**
 * One person, several channels: /link gives a short-lived code; /link CODE sent from another channel joins that
 * chat to the same account (a stranger's chat only: a chat that belongs to an account stays with it).
 */
const linkFlow: Flow = {
  id: 'link',
  roles: null,
  async start(ctx, args) {
    const code = typeof args?.args === 'string' ? args.args : '';
    if (code) return redeem(ctx, code);
    if (!ctx.user) return ctx.say(ctx.t('stranger.welcome'));
    return issue(ctx, ctx.user);
  },
  async onInput(ctx) {
    return ctx.showMenu();
  },
};

async function issue(ctx: FlowContext, user: User): Promise<void> {
  const code = makeInviteCode(ctx.services.ids.bytes(8));
  const updated = {
    ...user,
    link: { code: normalise(code), expiresAt: new Date(ctx.now.getTime() + LINK_TTL_MS).toISOString() },
  };
  await ctx.services.store.users.put(updated);
  ctx.setUser(updated);
  ctx.say(ctx.t('link.code', { code }));
  await ctx.showMenu();
}

async function redeem(ctx: FlowContext, typed: string): Promise<void> {
  const { store } = ctx.services;
  const code = normalise(typed);
  const owner = (await store.users.list()).find(
    (u) => u.active && u.link?.code === code && Date.parse(u.link.expiresAt) > ctx.now.getTime(),
  );
  if (ctx.user) {
    // This chat is hers already; only a live code of someone else's account is refused as another account.
    ctx.say(ctx.t(owner && owner.id !== ctx.user.id ? 'link.otherAccount' : 'link.alreadyYours'));
    return ctx.showMenu();
  }
  if (!owner) {
    ctx.endFlow();
    return ctx.say(ctx.t('link.unknown'));
  }
  const linked: User = {
    ...owner,
    addresses: [...new Set([...owner.addresses, ctx.address])],
    lastAddress: ctx.address,
    link: null,
  };
  await store.users.put(linked);
  await store.journal<AuditRecord>('audit').append({
    at: ctx.now.toISOString(),
    actor: owner.id,
    action: 'user.channel_linked',
    detail: { channel: ctx.inbound.channel },
  });
  ctx.setUser(linked);
  ctx.say(ctx.t('link.linked', { name: linked.name }));
  await ctx.showMenu();
}

export const linkFeature: Feature = {
  flows: [linkFlow],
  menu: [{ id: 'm:link', label: 'menu.link', roles: ROLES, flow: 'link', order: 95 }],
  commands: { link: { flow: 'link', roles: ROLES } },
};
