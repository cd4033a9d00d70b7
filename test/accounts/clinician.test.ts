import { describe, expect, it } from 'vitest';
import { createInvite, redeemInvite } from '../../src/accounts/invites.js';
import { mayApproveContent } from '../../src/accounts/permissions.js';
import { createTeam } from '../../src/accounts/teams.js';
import type { User } from '../../src/accounts/types.js';
import { setClinician } from '../../src/accounts/users.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import type { AuditRecord, Store } from '../../src/store/port.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import type { Countries } from '../../src/teams/countries.js';
import { FixedClock, SeededIds, tempDataDir } from '../support/fakes.js';
import { run } from '../support/processes.js';

const AT = new Date('2026-11-02T08:00:00.000Z');

const person = (id: string, role: User['role'] = 'trainer', teamId: string | null = null): User => ({
  id,
  role,
  name: `Person ${id}`,
  lang: 'en',
  teamId,
  active: true,
  addresses: [`cli:${id}`],
  lastAddress: `cli:${id}`,
  createdAt: AT.toISOString(),
  invitedBy: null,
});

const countries: Countries = {
  get: (code) =>
    code === 'ZA'
      ? {
          code: 'ZA',
          name: 'South Africa',
          defaultLanguage: 'en',
          timezone: 'Africa/Johannesburg',
          numbers: [],
          noneKnown: {},
          notes: [],
        }
      : undefined,
  list() {
    const za = this.get('ZA');
    return za ? [za] : [];
  },
};

const env = () => ({
  clock: new FixedClock(AT),
  ids: new SeededIds(),
  config: { INVITE_TTL_DAYS: 14, TZ: 'Africa/Johannesburg', REMINDER_TIME: '08:00', SESSION_IDLE_HOURS: 24 },
  countries,
});

async function setUp(): Promise<{ store: Store; admin: User }> {
  const store = await LowdbStore.open({ dataDir: tempDataDir(), lock: true });
  const admin = person('admin', 'admin');
  await store.users.put(admin);
  await store.users.put(person('t'));
  return { store, admin };
}

const audit = async (store: Store) =>
  (await store.journal<AuditRecord>('audit').query()).map((r) => ({ action: r.action, target: r.target }));

describe('setClinician', () => {
  it('an admin gives and takes back the permission, staged in the unit with an audit record each', async () => {
    const { store, admin } = await setUp();
    const unit = new UnitOfWork(store);
    const given = await setClinician(unit, admin, 't', true, AT);
    expect(given).toMatchObject({ ok: true, changed: true, user: { id: 't', clinician: true } });
    expect((await store.users.get('t'))?.clinician).toBeUndefined();
    await unit.commit();
    const trainer = await store.users.get('t');
    expect(trainer?.clinician).toBe(true);
    expect(trainer && mayApproveContent(trainer)).toBe(true);

    const taken = await setClinician(store, admin, 't', false, AT);
    expect(taken).toMatchObject({ ok: true, changed: true });
    const after = await store.users.get('t');
    // Absent means no: the key goes rather than staying false.
    expect(after && 'clinician' in after).toBe(false);
    expect(after && mayApproveContent(after)).toBe(false);
    expect(await audit(store)).toEqual([
      { action: 'user.clinicianGiven', target: 't' },
      { action: 'user.clinicianTaken', target: 't' },
    ]);
    await store.close();
  });

  it('says what it should become: run twice, it changes and audits once', async () => {
    const { store, admin } = await setUp();
    await setClinician(store, admin, 't', true, AT);
    expect(await setClinician(store, admin, 't', true, AT)).toMatchObject({ ok: true, changed: false });
    expect(await audit(store)).toHaveLength(1);
    await store.close();
  });

  it('refuses anyone but an active admin, an unknown account, and giving it to a deactivated one', async () => {
    const { store, admin } = await setUp();
    await store.users.put({ ...person('gone'), active: false, clinician: true });
    await store.users.put({ ...person('off'), active: false });
    expect(await setClinician(store, person('t2'), 't', true, AT)).toEqual({
      ok: false,
      reason: 'notAllowed',
    });
    expect(await setClinician(store, person('sup', 'supervisor'), 't', true, AT)).toEqual({
      ok: false,
      reason: 'notAllowed',
    });
    expect(await setClinician(store, { ...admin, active: false }, 't', true, AT)).toEqual({
      ok: false,
      reason: 'notAllowed',
    });
    expect(await setClinician(store, admin, 'nobody', true, AT)).toEqual({ ok: false, reason: 'unknown' });
    expect(await setClinician(store, admin, 'off', true, AT)).toEqual({ ok: false, reason: 'inactive' });
    expect((await store.users.get('t'))?.clinician).toBeUndefined();
    expect(await audit(store)).toEqual([]);
    // Taking it back always works, even from a deactivated account.
    expect(await setClinician(store, admin, 'gone', false, AT)).toMatchObject({ ok: true, changed: true });
    await store.close();
  });

  it('mayApproveContent needs both the permission and an active account', () => {
    expect(mayApproveContent(person('a'))).toBe(false);
    expect(mayApproveContent({ ...person('a'), clinician: true })).toBe(true);
    expect(mayApproveContent({ ...person('a'), clinician: true, active: false })).toBe(false);
  });
});

describe('clinician invites', () => {
  it('an admin invites a clinician trainer; redeeming it gives the new account the permission', async () => {
    const { store, admin } = await setUp();
    const invite = await createInvite(store, env(), admin, 'trainer', null, { clinician: true });
    expect(invite.clinician).toBe(true);
    expect((await store.invites.get(invite.code))?.clinician).toBe(true);
    const created = (await store.journal<AuditRecord>('audit').query()).find(
      (r) => r.action === 'invite.created',
    );
    expect(created?.detail).toMatchObject({ role: 'trainer', clinician: true });

    const result = await redeemInvite(store, invite.code, person('new', 'mentor'), AT);
    expect(result).toMatchObject({ ok: true, user: { id: 'new', role: 'trainer', clinician: true } });
    const user = await store.users.get('new');
    expect(user && mayApproveContent(user)).toBe(true);
    await store.close();
  });

  it('an ordinary invite gives no permission', async () => {
    const { store, admin } = await setUp();
    const invite = await createInvite(store, env(), admin, 'trainer', null);
    expect(invite).not.toHaveProperty('clinician');
    const result = await redeemInvite(store, invite.code, person('new', 'mentor'), AT);
    expect(result.ok && result.user.clinician).toBeFalsy();
    await store.close();
  });

  it('a supervisor cannot make a clinician invite, even for a mentor of her own team', async () => {
    const { store } = await setUp();
    const e = env();
    const team = await createTeam(store, e, null, 'Soweto', 'ZA');
    const supervisor = person('sup', 'supervisor', team.id);
    await store.users.put(supervisor);
    await expect(createInvite(store, e, supervisor, 'mentor', team.id, { clinician: true })).rejects.toThrow(
      /not allowed/,
    );
    // The same invite without the permission is hers to make.
    await expect(createInvite(store, e, supervisor, 'mentor', team.id)).resolves.toMatchObject({
      role: 'mentor',
    });
    const made = (await store.journal<AuditRecord>('audit').query()).filter(
      (r) => r.action === 'invite.created',
    );
    expect(made.map((r) => r.detail)).toEqual([{ role: 'mentor', team: team.id }]);
    await store.close();
  });

  it('the command line prints "clinician": true with --clinician, and the invite carries it', async () => {
    const dataDir = tempDataDir();
    const cli = (args: string[]) =>
      run('src/cli/main.ts', ['invite', ...args], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const plain = await cli(['--role', 'trainer', '--json']);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).not.toHaveProperty('clinician');
    const clinician = await cli(['--role', 'trainer', '--clinician', '--json']);
    expect(clinician.code).toBe(0);
    const printed = JSON.parse(clinician.stdout);
    expect(printed).toMatchObject({ role: 'trainer', clinician: true });
    const text = await cli(['--role', 'admin', '--clinician']);
    expect(text.stdout).toContain('who may approve content (clinician)');
    const store = await LowdbStore.open({ dataDir, lock: true });
    expect((await store.invites.get(printed.code))?.clinician).toBe(true);
    expect((await store.invites.get(JSON.parse(plain.stdout).code))?.clinician).toBeUndefined();
    await store.close();
  }, 60_000);
});
