import { z } from 'zod';
import { issueLinkCode, linkCodeOwner, redeemLinkCode } from '../../accounts/link.js';
import { ROLES } from '../../accounts/types.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { Feature } from '../../core/flow.js';

type Ctx = StepContext<null, never>;

/**
 * One person, several channels: /link gives a short-lived code; /link CODE sent from another channel joins that
 * chat to the same account (a stranger's chat only: a chat that belongs to an account stays with it). It asks
 * nothing, so it has no steps: it answers and ends at the menu.
 */
const linkFlow = defineFlow<null, never>({
  id: 'link',
  ns: 'ln',
  roles: null,
  state: z.null(),
  async start(ctx, args) {
    ctx.state = null;
    const code = typeof args.args === 'string' ? args.args : '';
    if (code) return redeem(ctx, code);
    if (!ctx.user) {
      ctx.endFlow();
      return ctx.say(ctx.t('stranger.welcome'));
    }
    return issue(ctx, ctx.user.id);
  },
  steps: {},
});

async function issue(ctx: Ctx, userId: string): Promise<void> {
  const issued = await issueLinkCode(ctx.store, userId, ctx.services.ids.bytes(8), ctx.now);
  if (!issued) return ctx.showMenu();
  ctx.setUser(issued.user);
  ctx.say(ctx.t('link.code', { code: issued.code }));
  await ctx.showMenu();
}

async function redeem(ctx: Ctx, typed: string): Promise<void> {
  if (ctx.user) {
    // This chat is hers already; only a live code of someone else's account is refused as another account.
    const owner = await linkCodeOwner(ctx.store, typed, ctx.now);
    ctx.say(ctx.t(owner && owner.id !== ctx.user.id ? 'link.otherAccount' : 'link.alreadyYours'));
    return ctx.showMenu();
  }
  const linked = await redeemLinkCode(ctx.store, typed, ctx.address, ctx.inbound.channel, ctx.now);
  if (!linked) {
    ctx.endFlow();
    return ctx.say(ctx.t('link.unknown'));
  }
  ctx.setUser(linked);
  ctx.say(ctx.t('link.linked', { name: linked.name }));
  await ctx.showMenu();
}

export const linkFeature: Feature = {
  flows: [linkFlow],
  menu: [{ id: 'm:link', label: 'menu.link', roles: ROLES, flow: 'link', order: 95 }],
  commands: { link: { flow: 'link', roles: ROLES } },
};
