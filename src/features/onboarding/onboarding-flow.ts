import { LANGUAGE_NAMES, roleLabel } from '../../accounts/display.js';
import { normaliseInviteCode } from '../../accounts/invite-codes.js';
import { inviteStatus } from '../../accounts/invites.js';
import { isLang, LANGUAGES, type User } from '../../accounts/types.js';
import type { Flow, FlowContext } from '../../core/flow.js';
import type { AuditRecord } from '../../store/port.js';
import { validateDisplayName } from './display-name.js';

/** Registration with an invite code: language, then the name her colleagues know her by. */
export const onboardingFlow: Flow = {
  id: 'onboarding',
  roles: null,

  async start(ctx, args) {
    const code = normaliseInviteCode(String(args?.code ?? ''));
    const invite = code ? await ctx.services.store.invites.get(code) : undefined;
    const status = inviteStatus(invite, ctx.now);
    if (!code || status !== 'valid') {
      ctx.endFlow();
      ctx.services.logger.info({ status }, 'invite refused');
      ctx.say(ctx.t(`onboarding.code.${code ? status : 'unknown'}`));
      return;
    }
    ctx.session.data = { code };
    ctx.goto('language');
    askLanguage(ctx);
  },

  async onInput(ctx, input) {
    switch (ctx.session.step) {
      case 'language': {
        const lang = input.kind === 'choice' ? input.id.replace(/^lang:/, '') : '';
        if (!isLang(lang)) return askLanguage(ctx);
        ctx.session.data.lang = lang;
        ctx.setLang(lang);
        ctx.goto('name');
        return ctx.say(ctx.t('onboarding.askName'));
      }
      case 'name': {
        if (input.kind !== 'text') return ctx.say(ctx.t('onboarding.askName'));
        const problem = validateDisplayName(input.text);
        if (problem) return ctx.say(ctx.t(`onboarding.name.${problem}`));
        return register(ctx, input.text.trim().replace(/\s+/g, ' '));
      }
      default:
        ctx.endFlow();
        return ctx.say(ctx.t('stranger.welcome'));
    }
  },
};

function askLanguage(ctx: FlowContext): void {
  ctx.ask(
    ctx.t('onboarding.askLanguage'),
    LANGUAGES.map((lang) => ({ id: `lang:${lang}`, label: LANGUAGE_NAMES[lang] })),
  );
}

async function register(ctx: FlowContext, name: string): Promise<void> {
  const { store, ids, logger, pseudo } = ctx.services;
  const lang = isLang(ctx.session.data.lang) ? ctx.session.data.lang : ctx.lang;
  const candidate: User = {
    id: ids.id(),
    role: 'mentor',
    name,
    lang,
    teamId: null,
    active: true,
    addresses: [ctx.address],
    lastAddress: ctx.address,
    createdAt: ctx.now.toISOString(),
    invitedBy: null,
  };
  const code = String(ctx.session.data.code);
  const result = await store.redeemInvite(code, candidate, ctx.now);
  ctx.endFlow();
  if (!result.ok) {
    // Someone else used the code, or it expired, while she was typing her name.
    ctx.say(ctx.t(`onboarding.code.${result.reason}`));
    return;
  }
  const user: User = { ...result.user, invitedBy: result.invite.createdBy };
  if (user.invitedBy) await store.users.put(user);
  ctx.setUser(user);
  await store.journal<AuditRecord>('audit').append({
    at: ctx.now.toISOString(),
    actor: user.id,
    action: 'user.registered',
    detail: { role: user.role, team: user.teamId, channel: ctx.inbound.channel },
  });
  logger.info({ user: pseudo(user.id), role: user.role, channel: ctx.inbound.channel }, 'user registered');

  const team = user.teamId ? await store.teams.get(user.teamId) : undefined;
  ctx.say(
    ctx.t(team ? 'onboarding.welcomeTeam' : 'onboarding.welcome', {
      name: user.name,
      role: roleLabel(ctx.t, user.role),
      team: team?.name,
    }),
  );
  const inviter = result.invite.createdBy ? await store.users.get(result.invite.createdBy) : undefined;
  if (inviter?.active) {
    const t = ctx.services.i18n.t(inviter.lang);
    ctx.push(inviter.id, {
      type: 'text',
      text: t('invite.redeemed', { name: user.name, role: roleLabel(t, user.role) }),
    });
  }
  await ctx.showMenu();
}
