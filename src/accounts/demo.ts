import type { Services } from '../core/services.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { createTeam } from './teams.js';
import { ROLES, type Role, type User } from './types.js';

export const DEMO_TEAM = 'Demo team';

const DEMO_NAMES: Record<Role, string> = {
  mentor: 'Thandi (demo Mentor Mother)',
  supervisor: 'Grace (demo supervisor)',
  trainer: 'Amina (demo trainer)',
  admin: 'Joao (demo admin)',
};

/** The demo ref of a role on the web chat and the CLI chat: `demo-mentor`, `demo-admin`... */
export const demoRef = (role: Role): string => `demo-${role}`;

/**
 * A demo team with one person of every role, reachable from the web chat's demo identities and the CLI chat
 * (`{"from": "demo-mentor"}`). Idempotent: existing demo users are kept as they are.
 */
export async function ensureDemoUsers(services: Services): Promise<User[]> {
  const { clock, ids } = services;
  // One unit: the team and every demo person are kept together, or none of them.
  const store = new UnitOfWork(services.store);
  const team =
    (await store.teams.byName(DEMO_TEAM)) ?? (await createTeam(store, services, null, DEMO_TEAM, 'ZA'));
  const users: User[] = [];
  for (const role of ROLES) {
    const addresses = [`webchat:${demoRef(role)}`, `cli:${demoRef(role)}`];
    const existing = await store.users.byAddress(addresses[0] as string);
    if (existing) {
      users.push(existing);
      continue;
    }
    const user: User = {
      id: ids.id(),
      role,
      name: DEMO_NAMES[role],
      lang: 'en',
      teamId: role === 'mentor' || role === 'supervisor' ? team.id : null,
      active: true,
      addresses,
      lastAddress: null,
      createdAt: clock.now().toISOString(),
      invitedBy: null,
    };
    await store.users.put(user);
    users.push(user);
  }
  const supervisor = users.find((u) => u.role === 'supervisor');
  if (supervisor && !team.supervisorId) await store.teams.put({ ...team, supervisorId: supervisor.id });
  await store.commit();
  return users;
}
