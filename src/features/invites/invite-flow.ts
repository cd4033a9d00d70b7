import { z } from 'zod';
import { formatDate, roleLabel } from '../../accounts/display.js';
import { createInvite } from '../../accounts/invites.js';
import { invitableRoles, mayManageUsers } from '../../accounts/permissions.js';
import { createTeam } from '../../accounts/teams.js';
import { ROLES, type Role } from '../../accounts/types.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';

const TEAM_CHOICES = 9;

const stateSchema = z.object({
  role: z.enum(ROLES).nullable(),
  /** The name of a team to create (a supervisor's invite), once typed. */
  teamName: z.string().nullable(),
});
type State = z.infer<typeof stateSchema>;
type Step = 'role' | 'team' | 'teamName' | 'country' | 'clinician';
type Ctx = StepContext<State, Step>;

/**
 * Admins invite anyone; supervisors invite Mentor Mothers into their own team. An admin inviting a trainer or an
 * admin is also asked whether the new account may approve content (the clinician permission). Choice ids:
 * `r:<role>`, `t:<team id>`, `t:new`, `c:<country code>`, `cl:yes`, `cl:no`.
 */
export const inviteFlow = defineFlow<State, Step>({
  id: 'invite',
  ns: 'iv',
  roles: ['admin', 'supervisor'],
  state: stateSchema,

  async start(ctx) {
    ctx.state = { role: null, teamName: null };
    const roles = ctx.user ? invitableRoles(ctx.user) : [];
    if (roles.length === 0) return ctx.showMenu(ctx.t('errors.notAllowed'));
    if (ctx.user?.role === 'supervisor' && roles.length === 1 && roles[0] === 'mentor') {
      return issue(ctx, 'mentor', ctx.user.teamId);
    }
    ctx.goto('role');
    return askRole(ctx);
  },

  steps: {
    role: {
      show: askRole,
      async onInput(ctx, input) {
        const role = input.kind === 'choice' ? input.id.replace(/^r:/, '') : '';
        const allowed = ctx.user ? invitableRoles(ctx.user) : [];
        const picked = allowed.find((r) => r === role);
        if (!picked) return askRole(ctx);
        ctx.state = { ...ctx.state, role: picked };
        if (picked === 'mentor' || picked === 'supervisor') return enterTeam(ctx, picked);
        if (ctx.user && mayManageUsers(ctx.user)) {
          ctx.goto('clinician');
          return askClinician(ctx);
        }
        return issue(ctx, picked, null);
      },
    },
    clinician: {
      show: askClinician,
      async onInput(ctx, input) {
        const role = ctx.state.role;
        if (role !== 'trainer' && role !== 'admin') return ctx.showMenu();
        const id = input.kind === 'choice' ? input.id : '';
        if (id !== 'cl:yes' && id !== 'cl:no') return askClinician(ctx);
        return issue(ctx, role, null, id === 'cl:yes');
      },
    },
    team: {
      show: askTeam,
      async onInput(ctx, input) {
        const role = ctx.state.role;
        if (role !== 'mentor' && role !== 'supervisor') return ctx.showMenu();
        if (input.kind === 'choice' && input.id === 't:new' && role === 'supervisor') {
          ctx.goto('teamName');
          return askTeamName(ctx);
        }
        const team =
          input.kind === 'choice' && input.id.startsWith('t:')
            ? await ctx.store.teams.get(input.id.slice(2))
            : input.kind === 'text'
              ? await ctx.store.teams.byName(input.text)
              : undefined;
        if (team) return issue(ctx, role, team.id);
        if (input.kind === 'text' && role === 'supervisor') return takeTeamName(ctx, input.text);
        ctx.say(ctx.t('invite.noSuchTeam'));
        return askTeam(ctx);
      },
    },
    teamName: {
      show: askTeamName,
      async onInput(ctx, input) {
        if (input.kind !== 'text') return askTeamName(ctx);
        return takeTeamName(ctx, input.text);
      },
    },
    country: {
      show: askCountry,
      async onInput(ctx, input) {
        const code = input.kind === 'choice' ? input.id.replace(/^c:/, '') : '';
        const { countries } = ctx.content;
        const name = ctx.state.teamName;
        if (!name) return ctx.showMenu();
        if (!countries.get(code)) return askCountry(ctx);
        const { clock, ids } = ctx.services;
        const team = await createTeam(ctx.store, { clock, ids, countries }, ctx.user?.id ?? null, name, code);
        return issue(ctx, 'supervisor', team.id);
      },
    },
  },
});

function askRole(ctx: Ctx): void {
  const roles = ctx.user ? invitableRoles(ctx.user) : [];
  ctx.ask(
    ctx.t('invite.askRole'),
    roles.map((role) => ({ id: `r:${role}`, label: roleLabel(ctx.t, role) })),
  );
}

async function enterTeam(ctx: Ctx, role: 'mentor' | 'supervisor'): Promise<void> {
  if (role === 'mentor' && (await ctx.store.teams.list()).length === 0) {
    return ctx.showMenu(ctx.t('invite.noTeamsYet'));
  }
  ctx.goto('team');
  return askTeam(ctx);
}

async function askTeam(ctx: Ctx): Promise<void> {
  const supervisor = ctx.state.role === 'supervisor';
  const teams = (await ctx.store.teams.list()).sort((a, b) => a.name.localeCompare(b.name));
  const shown = teams.slice(0, TEAM_CHOICES).map((team) => ({ id: `t:${team.id}`, label: team.name }));
  if (supervisor) shown.push({ id: 't:new', label: ctx.t('invite.newTeam') });
  const more = teams.length > TEAM_CHOICES ? `\n${ctx.t('invite.typeTeamName')}` : '';
  ctx.ask(`${ctx.t(supervisor ? 'invite.askTeamForSupervisor' : 'invite.askTeam')}${more}`, shown, {
    allowText: true,
  });
}

function askTeamName(ctx: Ctx): void {
  ctx.say(ctx.t('invite.askTeamName'));
}

async function takeTeamName(ctx: Ctx, rawName: string): Promise<void> {
  const name = rawName.trim().replace(/\s+/g, ' ');
  if (name.length < 2 || name.length > 60) {
    ctx.goto('teamName');
    return ctx.say(ctx.t('invite.teamNameLength'));
  }
  if (await ctx.store.teams.byName(name)) {
    ctx.goto('teamName');
    return ctx.say(ctx.t('invite.teamExists', { team: name }));
  }
  ctx.state = { ...ctx.state, teamName: name };
  ctx.goto('country');
  return askCountry(ctx);
}

function askCountry(ctx: Ctx): void {
  ctx.ask(
    ctx.t('invite.askCountry', { team: ctx.state.teamName ?? '' }),
    [...ctx.content.countries.list()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => ({ id: `c:${c.code}`, label: c.name })),
  );
}

function askClinician(ctx: Ctx): void {
  ctx.ask(ctx.t('people:askClinician'), [
    { id: 'cl:yes', label: ctx.t('people:clinicianYes') },
    { id: 'cl:no', label: ctx.t('people:clinicianNo') },
  ]);
}

/** Makes the code (staged with this message) and tells her; the menu follows. */
async function issue(ctx: Ctx, role: Role, teamId: string | null, clinician = false): Promise<void> {
  const team = teamId ? await ctx.store.teams.get(teamId) : undefined;
  const invite = await createInvite(ctx.store, ctx.services, ctx.user, role, teamId, { clinician });
  const timeZone = team?.timezone ?? ctx.services.config.TZ;
  const created = ctx.t(team ? 'invite.createdTeam' : 'invite.created', {
    role: roleLabel(ctx.t, role),
    team: team?.name,
    code: invite.code,
    expires: formatDate(invite.expiresAt, ctx.lang, timeZone),
  });
  ctx.say(invite.clinician ? `${created}\n\n${ctx.t('people:inviteClinician')}` : created);
  await ctx.showMenu();
}
