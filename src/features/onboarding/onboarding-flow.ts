import { z } from 'zod';
import { LANGUAGE_NAMES, roleLabel } from '../../accounts/display.js';
import { normaliseInviteCode } from '../../accounts/invite-codes.js';
import { inviteStatus, redeemInvite } from '../../accounts/invites.js';
import { isLang, LANGUAGES, type User } from '../../accounts/types.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { AuditRecord } from '../../store/port.js';
import { validateDisplayName } from './display-name.js';

const stateSchema = z.object({
  /** The invite code as stored (XXXX-XXXX). */
  code: z.string(),
  lang: z.enum(LANGUAGES).nullable(),
});
type State = z.infer<typeof stateSchema>;
type Step = 'language' | 'name';
type Ctx = StepContext<State, Step>;

/** Registration with an invite code: language, then the name her colleagues know her by. */
export const onboardingFlow = defineFlow<State, Step>({
  id: 'onboarding',
  ns: 'ob',
  roles: null,
  state: stateSchema,

  async start(ctx, args) {
    const code = normaliseInviteCode(String(args.code ?? ''));
    const status = code ? inviteStatus(await ctx.store.invites.get(code), ctx.now) : 'unknown';
    if (!code || status !== 'valid') {
      ctx.endFlow();
      ctx.services.logger.info({ status }, 'invite refused');
      ctx.say(ctx.t(`onboarding.code.${status}`));
      return;
    }
    ctx.state = { code, lang: null };
    ctx.goto('language');
    return showLanguages(ctx);
  },

  steps: {
    language: {
      show: showLanguages,
      onInput(ctx, input) {
        const lang = input.kind === 'choice' ? input.id : '';
        if (!isLang(lang)) return showLanguages(ctx);
        ctx.state = { ...ctx.state, lang };
        ctx.setLang(lang);
        ctx.goto('name');
        return askName(ctx);
      },
    },
    name: {
      show: askName,
      async onInput(ctx, input) {
        if (input.kind !== 'text') return askName(ctx);
        const problem = validateDisplayName(input.text);
        if (problem) return ctx.say(ctx.t(`onboarding.name.${problem}`));
        return register(ctx, input.text.trim().replace(/\s+/g, ' '));
      },
    },
  },
});

function showLanguages(ctx: Ctx): void {
  ctx.ask(
    ctx.t('onboarding.askLanguage'),
    LANGUAGES.map((lang) => ({ id: lang, label: LANGUAGE_NAMES[lang] })),
  );
}

function askName(ctx: Ctx): void {
  ctx.say(ctx.t('onboarding.askName'));
}

async function register(ctx: Ctx, name: string): Promise<void> {
  const { ids, logger, pseudo, i18n } = ctx.services;
  const candidate: User = {
    id: ids.id(),
    role: 'mentor',
    name,
    lang: ctx.state.lang ?? ctx.lang,
    teamId: null,
    active: true,
    addresses: [ctx.address],
    lastAddress: ctx.address,
    createdAt: ctx.now.toISOString(),
    invitedBy: null,
  };
  // Staged in this message's unit: if someone else's registration with the same code commits first, the unit
  // fails its check, the message runs again and she is told the code was used.
  const result = await redeemInvite(ctx.store, ctx.state.code, candidate, ctx.now);
  ctx.endFlow();
  if (!result.ok) {
    // Someone else used the code, or it expired, while she was typing her name.
    ctx.say(ctx.t(`onboarding.code.${result.reason}`));
    return;
  }
  const { user, invite, team } = result;
  ctx.setUser(user);
  await ctx.store.journal<AuditRecord>('audit').append({
    at: ctx.now.toISOString(),
    actor: user.id,
    action: 'user.registered',
    detail: {
      role: user.role,
      team: user.teamId,
      channel: ctx.inbound.channel,
      ...(result.coSupervisors.length > 0 ? { lead: team?.supervisorId === user.id } : {}),
    },
  });
  logger.info({ user: pseudo(user.id), role: user.role, channel: ctx.inbound.channel }, 'user registered');

  ctx.say(
    ctx.t(team ? 'onboarding.welcomeTeam' : 'onboarding.welcome', {
      name: user.name,
      role: roleLabel(ctx.t, user.role),
      team: team?.name,
    }),
  );
  // A second supervisor joins the first (never replaces her silently): both hear of it.
  const co = result.coSupervisors;
  if (co.length > 0) {
    ctx.say(ctx.t('onboarding.coSupervisors', { names: co.map((u) => u.name).join(', ') }));
    for (const other of co.filter((u) => u.id !== invite.createdBy)) {
      ctx.push(other.id, {
        type: 'text',
        text: i18n.t(other.lang)('invite.supervisorJoined', { name: user.name, team: team?.name ?? '' }),
      });
    }
  }
  const inviter = invite.createdBy ? await ctx.store.users.get(invite.createdBy) : undefined;
  if (inviter?.active) {
    const t = i18n.t(inviter.lang);
    ctx.push(inviter.id, {
      type: 'text',
      text: t('invite.redeemed', { name: user.name, role: roleLabel(t, user.role) }),
    });
  }
  await ctx.showMenu();
}
