import { formatDate, roleLabel } from '../../accounts/display.js';
import { createInvite } from '../../accounts/invites.js';
import { invitableRoles } from '../../accounts/permissions.js';
import { createTeam } from '../../accounts/teams.js';
import { ROLES, type Role, type Team } from '../../accounts/types.js';
import type { Flow, FlowContext } from '../../core/flow.js';

const TEAM_CHOICES = 9;

/** Admins invite anyone; supervisors invite Mentor Mothers into their own team. */
export const inviteFlow: Flow = {
  id: 'invite',
  roles: ['admin', 'supervisor'],

  async start(ctx) {
    const user = ctx.user;
    if (!user) return;
    const roles = invitableRoles(user);
    if (user.role === 'supervisor' && roles.length === 1 && roles[0] === 'mentor') {
      return finish(ctx, 'mentor', user.teamId);
    }
    ctx.goto('role');
    ctx.ask(
      ctx.t('invite.askRole'),
      roles.map((role) => ({ id: `role:${role}`, label: roleLabel(ctx.t, role) })),
    );
  },

  async onInput(ctx, input) {
    const data = ctx.session.data;
    switch (ctx.session.step) {
      case 'role': {
        const role = input.kind === 'choice' ? (input.id.replace(/^role:/, '') as Role) : undefined;
        if (!role || !ROLES.includes(role)) return ctx.showMenu();
        data.role = role;
        if (role === 'mentor' || role === 'supervisor') return askTeam(ctx, role);
        return finish(ctx, role, null);
      }
      case 'team': {
        const role = data.role as Role;
        if (input.kind === 'choice' && input.id === 'team:new') {
          ctx.goto('teamName');
          return ctx.say(ctx.t('invite.askTeamName'));
        }
        const team =
          input.kind === 'choice'
            ? await ctx.services.store.teams.get(input.id.replace(/^team:/, ''))
            : input.kind === 'text'
              ? await ctx.services.store.teams.byName(input.text)
              : undefined;
        if (team) return finish(ctx, role, team.id);
        if (input.kind === 'text' && role === 'supervisor') return askCountry(ctx, input.text);
        ctx.say(ctx.t('invite.noSuchTeam'));
        return askTeam(ctx, role);
      }
      case 'teamName': {
        if (input.kind !== 'text') return ctx.say(ctx.t('invite.askTeamName'));
        return askCountry(ctx, input.text);
      }
      case 'country': {
        const code = input.kind === 'choice' ? input.id.replace(/^cc:/, '') : '';
        if (!ctx.services.countries.get(code)) return ctx.showMenu();
        const team = await createTeam(ctx.services, ctx.user?.id ?? null, String(data.teamName), code);
        return finish(ctx, 'supervisor', team.id);
      }
      default:
        return ctx.showMenu();
    }
  },
};

async function askTeam(ctx: FlowContext, role: Role): Promise<void> {
  const teams = (await ctx.services.store.teams.list()).sort((a, b) => a.name.localeCompare(b.name));
  if (role === 'mentor' && teams.length === 0) {
    return ctx.showMenu(ctx.t('invite.noTeamsYet'));
  }
  ctx.goto('team');
  const shown = teams.slice(0, TEAM_CHOICES).map((team) => ({ id: `team:${team.id}`, label: team.name }));
  if (role === 'supervisor') shown.push({ id: 'team:new', label: ctx.t('invite.newTeam') });
  const more = teams.length > TEAM_CHOICES ? `\n${ctx.t('invite.typeTeamName')}` : '';
  ctx.ask(
    `${ctx.t(role === 'supervisor' ? 'invite.askTeamForSupervisor' : 'invite.askTeam')}${more}`,
    shown,
    {
      allowText: true,
    },
  );
}

async function askCountry(ctx: FlowContext, rawName: string): Promise<void> {
  const name = rawName.trim().replace(/\s+/g, ' ');
  if (name.length < 2 || name.length > 60) {
    ctx.goto('teamName');
    return ctx.say(ctx.t('invite.teamNameLength'));
  }
  if (await ctx.services.store.teams.byName(name)) {
    ctx.goto('teamName');
    return ctx.say(ctx.t('invite.teamExists', { team: name }));
  }
  ctx.session.data.teamName = name;
  ctx.goto('country');
  ctx.ask(
    ctx.t('invite.askCountry', { team: name }),
    ctx.services.countries
      .list()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => ({ id: `cc:${c.code}`, label: c.name })),
  );
}

async function finish(ctx: FlowContext, role: Role, teamId: string | null): Promise<void> {
  const team: Team | undefined = teamId ? await ctx.services.store.teams.get(teamId) : undefined;
  const invite = await createInvite(ctx.services, ctx.user, role, teamId);
  const timeZone = team?.timezone ?? ctx.services.config.TZ;
  ctx.say(
    ctx.t(team ? 'invite.createdTeam' : 'invite.created', {
      role: roleLabel(ctx.t, role),
      team: team?.name,
      code: invite.code,
      expires: formatDate(invite.expiresAt, ctx.lang, timeZone),
    }),
  );
  await ctx.showMenu();
}
