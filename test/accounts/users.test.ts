import { describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/types.js';
import { setUserActive } from '../../src/accounts/users.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import type { AuditRecord } from '../../src/store/port.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { tempDataDir } from '../support/fakes.js';

const AT = new Date('2026-11-02T08:00:00.000Z');

const person = (id: string, role: User['role'] = 'mentor'): User => ({
  id,
  role,
  name: `Person ${id}`,
  lang: 'en',
  teamId: null,
  active: true,
  addresses: [`cli:${id}`],
  lastAddress: `cli:${id}`,
  createdAt: AT.toISOString(),
  invitedBy: null,
});

async function setUp() {
  const store = await LowdbStore.open({ dataDir: tempDataDir(), lock: true });
  const admin = person('admin', 'admin');
  await store.users.put(admin);
  await store.users.put(person('m'));
  return { store, admin };
}

describe('setUserActive', () => {
  it('deactivates and reactivates in the unit, with an audit record each, committed together', async () => {
    const { store, admin } = await setUp();
    const unit = new UnitOfWork(store);
    const off = await setUserActive(unit, admin, 'm', false, AT);
    expect(off).toMatchObject({ ok: true, changed: true, user: { id: 'm', active: false } });
    expect((await store.users.get('m'))?.active).toBe(true);
    await unit.commit();
    expect((await store.users.get('m'))?.active).toBe(false);
    await setUserActive(store, admin, 'm', true, AT);
    const audit = await store.journal<AuditRecord>('audit').query();
    expect(audit.map((a) => [a.action, a.actor, a.target])).toEqual([
      ['user.deactivated', 'admin', 'm'],
      ['user.reactivated', 'admin', 'm'],
    ]);
    await store.close();
  });

  it('does nothing when she already is as asked (a message run again does not undo it)', async () => {
    const { store, admin } = await setUp();
    await setUserActive(store, admin, 'm', false, AT);
    expect(await setUserActive(store, admin, 'm', false, AT)).toMatchObject({ ok: true, changed: false });
    expect(await store.journal<AuditRecord>('audit').query()).toHaveLength(1);
    await store.close();
  });

  it('refuses non-admins, her own account and unknown ids', async () => {
    const { store, admin } = await setUp();
    const unit = new UnitOfWork(store);
    expect(await setUserActive(unit, person('m'), 'admin', false, AT)).toEqual({
      ok: false,
      reason: 'notAllowed',
    });
    expect(await setUserActive(unit, { ...admin, active: false }, 'm', false, AT)).toEqual({
      ok: false,
      reason: 'notAllowed',
    });
    expect(await setUserActive(unit, admin, 'admin', false, AT)).toEqual({ ok: false, reason: 'self' });
    expect(await setUserActive(unit, admin, 'nobody', false, AT)).toEqual({ ok: false, reason: 'unknown' });
    expect(unit.changes()).toEqual([]);
    await store.close();
  });
});
