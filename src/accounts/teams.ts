import type { Services } from '../core/services.js';
import type { AuditRecord } from '../store/port.js';
import type { Team } from './types.js';

export class UnknownCountryError extends Error {
  constructor(code: string) {
    super(`unknown country ${code}`);
    this.name = 'UnknownCountryError';
  }
}

/** Creates a team in one of the programme's countries; its timezone defaults to the country's. */
export async function createTeam(
  services: Services,
  actorId: string | null,
  name: string,
  countryCode: string,
  timezone?: string,
): Promise<Team> {
  const country = services.countries.get(countryCode);
  if (!country) throw new UnknownCountryError(countryCode);
  const team: Team = {
    id: services.ids.id(),
    name: name.trim(),
    country: country.code,
    timezone: timezone ?? country.timezone,
    supervisorId: null,
    createdAt: services.clock.now().toISOString(),
  };
  await services.store.teams.put(team);
  await services.store.journal<AuditRecord>('audit').append({
    at: team.createdAt,
    actor: actorId ?? 'cli',
    action: 'team.created',
    target: team.id,
    detail: { country: team.country },
  });
  return team;
}
