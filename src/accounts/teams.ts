import type { Clock, Ids } from '../core/clock.js';
import type { AuditRecord, StoreView } from '../store/port.js';
import type { Countries } from '../teams/countries.js';
import type { Team } from './types.js';

export class UnknownCountryError extends Error {
  constructor(code: string) {
    super(`unknown country ${code}`);
    this.name = 'UnknownCountryError';
  }
}

/** What making a team needs besides the store: the time, ids and the programme's countries. */
export interface TeamEnv {
  clock: Clock;
  ids: Ids;
  countries: Countries;
}

/**
 * Creates a team in one of the programme's countries; its timezone defaults to the country's. Staged in `store`:
 * a message's unit of work, or the store itself (committed at once).
 */
export async function createTeam(
  store: StoreView,
  env: TeamEnv,
  actorId: string | null,
  name: string,
  countryCode: string,
  timezone?: string,
): Promise<Team> {
  const country = env.countries.get(countryCode);
  if (!country) throw new UnknownCountryError(countryCode);
  const team: Team = {
    id: env.ids.id(),
    name: name.trim(),
    country: country.code,
    timezone: timezone ?? country.timezone,
    supervisorId: null,
    createdAt: env.clock.now().toISOString(),
  };
  await store.teams.put(team);
  await store.journal<AuditRecord>('audit').append({
    at: team.createdAt,
    actor: actorId ?? 'cli',
    action: 'team.created',
    target: team.id,
    detail: { country: team.country },
  });
  return team;
}
