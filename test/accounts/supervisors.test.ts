import { describe, expect, it } from 'vitest';
import { createInvite, redeemInvite } from '../../src/accounts/invites.js';
import type { Team, User } from '../../src/accounts/types.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import { FixedClock, SeededIds, tempDataDir } from '../support/fakes.js';

const AT = new Date('2026-11-02T08:00:00.000Z');
const env = () => ({
  clock: new FixedClock(AT),
  ids: new SeededIds(),
  config: { INVITE_TTL_DAYS: 14 } as never,
});
const person = (id: string): User => ({
  id,
  role: 'mentor',
  name: id,
  lang: 'en',
  teamId: null,
  active: true,
  addresses: [`cli:${id}`],
  lastAddress: `cli:${id}`,
  createdAt: AT.toISOString(),
  invitedBy: null,
});
const team: Team = {
  id: 't1',
  name: 'Eldoret',
  country: 'KE',
  timezone: 'Africa/Nairobi',
  supervisorId: null,
  createdAt: AT.toISOString(),
};

/** The product rule: a team may have several supervisors; a new one never replaces the one there is silently. */
describe("a team's supervisors", () => {
  it('a second supervisor joins the first: the lead stays, and the first is named so she can be told', async () => {
    const store = await LowdbStore.open({ dataDir: tempDataDir(), lock: true });
    try {
      await store.teams.put(team);
      const first = await createInvite(store, env(), null, 'supervisor', 't1');
      const r1 = await redeemInvite(store, first.code, person('wanjiru'), AT);
      expect(r1).toMatchObject({ ok: true, team: { supervisorId: 'wanjiru' }, coSupervisors: [] });
      const second = await createInvite(store, env(), null, 'supervisor', 't1');
      const r2 = await redeemInvite(store, second.code, person('grace'), AT);
      expect(r2.ok && r2.coSupervisors.map((u) => u.id)).toEqual(['wanjiru']);
      expect((await store.teams.get('t1'))?.supervisorId).toBe('wanjiru');
      expect((await store.users.get('grace'))?.role).toBe('supervisor');
    } finally {
      await store.close();
    }
  });

  it('a new supervisor leads a team whose lead is deactivated', async () => {
    const store = await LowdbStore.open({ dataDir: tempDataDir(), lock: true });
    try {
      await store.teams.put({ ...team, supervisorId: 'old' });
      await store.users.put({ ...person('old'), role: 'supervisor', teamId: 't1', active: false });
      const invite = await createInvite(store, env(), null, 'supervisor', 't1');
      const r = await redeemInvite(store, invite.code, person('new'), AT);
      expect(r).toMatchObject({ ok: true, team: { supervisorId: 'new' }, coSupervisors: [] });
    } finally {
      await store.close();
    }
  });
});
