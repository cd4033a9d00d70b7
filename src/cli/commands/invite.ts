import { formatDate } from '../../accounts/display.js';
import { createInvite } from '../../accounts/invites.js';
import { createTeam } from '../../accounts/teams.js';
import { ROLES, type Role, type Team } from '../../accounts/types.js';
import { UnitOfWork } from '../../store/unit-of-work.js';
import { CliError, openApp } from '../open-app.js';

export interface InviteOptions {
  role: string;
  team?: string;
  country?: string;
  timezone?: string;
  /** The new account may approve content (the clinician permission). */
  clinician?: boolean;
  json?: boolean;
}

/** Prints a one-time invite code. This is how the first admin is made. */
export async function inviteCommand(options: InviteOptions): Promise<void> {
  const role = options.role as Role;
  if (!ROLES.includes(role))
    throw new CliError(`--role must be one of ${ROLES.join(', ')} (got "${options.role}")`, 2);
  if (options.timezone && !isTimezone(options.timezone)) {
    throw new CliError(`--timezone "${options.timezone}" is not an IANA timezone (e.g. Africa/Nairobi)`, 2);
  }
  const app = await openApp({ writes: true });
  try {
    const { services } = app;
    // A new team and its invite are kept together, or neither.
    const unit = new UnitOfWork(services.store);
    let team: Team | undefined;
    if (options.team) {
      if (role !== 'mentor' && role !== 'supervisor')
        throw new CliError('--team is for mentors and supervisors', 2);
      team = await unit.teams.byName(options.team);
      if (!team && role === 'mentor') {
        throw new CliError(
          `no team "${options.team}": invite its supervisor first with --role supervisor --team`,
          2,
        );
      }
      if (!team) {
        const country = (options.country ?? 'ZA').toUpperCase();
        if (!services.countries.get(country)) {
          const known = services.countries
            .list()
            .map((c) => c.code)
            .join(', ');
          throw new CliError(`--country "${options.country}" is not a programme country (${known})`, 2);
        }
        team = await createTeam(unit, services, null, options.team, country, options.timezone);
      }
    } else if (role === 'mentor' || role === 'supervisor') {
      throw new CliError(`a ${role} belongs to a team: add --team NAME`, 2);
    }
    const invite = await createInvite(unit, services, null, role, team?.id ?? null, {
      clinician: options.clinician === true,
    });
    await unit.commit();
    if (options.json) {
      const printed = { code: invite.code, role, team: team?.name ?? null, expires: invite.expiresAt };
      process.stdout.write(
        `${JSON.stringify(invite.clinician ? { ...printed, clinician: true } : printed)}\n`,
      );
    } else {
      const where = team ? ` in the team ${team.name} (${team.country}, ${team.timezone})` : '';
      const clinician = invite.clinician ? ' who may approve content (clinician)' : '';
      process.stdout.write(
        `Invite code for a new ${role}${where}${clinician}: ${invite.code}\n` +
          `It works once, until ${formatDate(invite.expiresAt, 'en', team?.timezone ?? services.config.TZ)}. ` +
          `Send it to the bot (or /start ${invite.code}) on any channel.\n`,
      );
    }
  } finally {
    await app.close();
  }
}

function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
