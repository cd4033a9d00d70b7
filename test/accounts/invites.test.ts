import { describe, expect, it } from 'vitest';
import { createInvite, redeemInvite } from '../../src/accounts/invites.js';
import { createTeam, UnknownCountryError } from '../../src/accounts/teams.js';
import type { Invite, User } from '../../src/accounts/types.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import { type AuditRecord, type Change, ConflictError, type Store } from '../../src/store/port.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import type { Countries } from '../../src/teams/countries.js';
import { allText, ChatDriver } from '../support/chat-driver.js';
import { FixedClock, makeTestApp, SeededIds, tempDataDir } from '../support/fakes.js';

const AT = new Date('2026-11-02T08:00:00.000Z');

const candidate = (id: string, address: string): User => ({
  id,
  role: 'mentor',
  name: `Person ${id}`,
  lang: 'en',
  teamId: null,
  active: true,
  addresses: [address],
  lastAddress: address,
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

async function openStore(): Promise<Store> {
  return LowdbStore.open({ dataDir: tempDataDir(), lock: true });
}

/** A store with a team and an invite for it, made by an admin (created at once, as the command line does). */
async function withInvite(role: Invite['role'] = 'mentor') {
  const store = await openStore();
  const e = env();
  const team = await createTeam(store, e, null, ' Soweto ', 'ZA');
  const invite = await createInvite(store, e, null, role, team.id);
  return { store, team, invite, e };
}

describe('createTeam and createInvite', () => {
  it('stage in a unit of work: nothing is visible until it commits, then the team, invite and audit all are', async () => {
    const store = await openStore();
    const unit = new UnitOfWork(store);
    const team = await createTeam(unit, env(), 'admin-1', 'Soweto', 'ZA');
    const invite = await createInvite(unit, env(), null, 'supervisor', team.id);
    expect(team).toMatchObject({ name: 'Soweto', country: 'ZA', timezone: 'Africa/Johannesburg' });
    expect(invite).toMatchObject({ role: 'supervisor', teamId: team.id, usedBy: null });
    expect(invite.expiresAt).toBe('2026-11-16T08:00:00.000Z');
    expect(await unit.invites.get(invite.code)).toEqual(invite);
    expect(await store.teams.get(team.id)).toBeUndefined();
    expect(await store.invites.get(invite.code)).toBeUndefined();
    expect(await store.journal<AuditRecord>('audit').query()).toEqual([]);
    await unit.commit();
    expect(await store.teams.get(team.id)).toEqual(team);
    expect(await store.invites.get(invite.code)).toEqual(invite);
    const actions = (await store.journal<AuditRecord>('audit').query()).map((a) => [a.action, a.actor]);
    expect(actions).toEqual([
      ['team.created', 'admin-1'],
      ['invite.created', 'cli'],
    ]);
    await store.close();
  });

  it('on the store itself commit at once; an unknown country is refused', async () => {
    const { store, team, invite } = await withInvite();
    expect(await store.teams.byName('soweto')).toEqual(team);
    expect(await store.invites.get(invite.code)).toEqual(invite);
    await expect(createTeam(store, env(), null, 'Nowhere', 'XX')).rejects.toBeInstanceOf(UnknownCountryError);
    await store.close();
  });

  it('refuses an actor who may not invite that role', async () => {
    const store = await openStore();
    const mentor = candidate('m', 'cli:m');
    await expect(createInvite(store, env(), mentor, 'admin', null)).rejects.toThrow(/not allowed/);
    await store.close();
  });
});

describe('redeemInvite', () => {
  it('registers her with the invite role and team, uses the code up, all staged in the unit', async () => {
    const { store, team, invite } = await withInvite('mentor');
    const unit = new UnitOfWork(store);
    const result = await redeemInvite(unit, invite.code, candidate('a', 'cli:a'), AT);
    expect(result).toMatchObject({ ok: true, user: { id: 'a', role: 'mentor', teamId: team.id } });
    expect(await store.users.get('a')).toBeUndefined();
    expect((await store.invites.get(invite.code))?.usedBy).toBeNull();
    await unit.commit();
    expect((await store.users.byAddress('cli:a'))?.teamId).toBe(team.id);
    expect(await store.invites.get(invite.code)).toMatchObject({ usedBy: 'a', usedAt: AT.toISOString() });
    expect((await store.teams.get(team.id))?.supervisorId).toBeNull();
    await store.close();
  });

  it('makes a supervisor the lead of the invite team', async () => {
    const { store, team, invite } = await withInvite('supervisor');
    const result = await redeemInvite(store, invite.code, candidate('s', 'cli:s'), AT);
    expect(result).toMatchObject({ ok: true, user: { role: 'supervisor' }, team: { supervisorId: 's' } });
    expect((await store.teams.get(team.id))?.supervisorId).toBe('s');
    await store.close();
  });

  it('records who invited her', async () => {
    const store = await openStore();
    const admin: User = { ...candidate('boss', 'cli:boss'), role: 'admin' };
    await store.users.put(admin);
    const invite = await createInvite(store, env(), admin, 'trainer', null);
    const result = await redeemInvite(store, invite.code, candidate('t', 'cli:t'), AT);
    expect(result).toMatchObject({ ok: true, user: { role: 'trainer', teamId: null, invitedBy: 'boss' } });
    await store.close();
  });

  it('refuses an unknown, an expired and a used code, staging nothing', async () => {
    const { store, invite } = await withInvite();
    const unit = new UnitOfWork(store);
    expect(await redeemInvite(unit, 'NOPE-NOPE', candidate('a', 'cli:a'), AT)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    const late = new Date(Date.parse(invite.expiresAt));
    expect(await redeemInvite(unit, invite.code, candidate('a', 'cli:a'), late)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(unit.changes()).toEqual([]);
    await redeemInvite(store, invite.code, candidate('b', 'cli:b'), AT);
    expect(await redeemInvite(store, invite.code, candidate('c', 'cli:c'), AT)).toEqual({
      ok: false,
      reason: 'used',
    });
    expect(await store.users.get('c')).toBeUndefined();
    await store.close();
  });

  it('lets only one of two racing units win: the other conflicts at commit and, run again, finds the code used', async () => {
    const { store, invite } = await withInvite('supervisor');
    const first = new UnitOfWork(store);
    const second = new UnitOfWork(store);
    expect((await redeemInvite(first, invite.code, candidate('a', 'cli:a'), AT)).ok).toBe(true);
    expect((await redeemInvite(second, invite.code, candidate('b', 'cli:b'), AT)).ok).toBe(true);
    await first.commit();
    await expect(second.commit()).rejects.toBeInstanceOf(ConflictError);
    const again = new UnitOfWork(store);
    expect(await redeemInvite(again, invite.code, candidate('b', 'cli:b'), AT)).toEqual({
      ok: false,
      reason: 'used',
    });
    expect((await store.users.list()).map((u) => u.id)).toEqual(['a']);
    expect((await store.teams.list())[0]?.supervisorId).toBe('a');
    await store.close();
  });
});

describe('two people redeeming one code at the same moment, through the engine', () => {
  it('registers exactly one; the other is told the code was used', async () => {
    const app = await makeTestApp();
    const chat = new ChatDriver(app);
    const { store } = app.services;
    const team = await createTeam(store, app.services, null, 'Soweto', 'ZA');
    const invite = await createInvite(store, app.services, null, 'mentor', team.id);
    for (const who of ['one', 'two']) {
      await chat.text(who, invite.code);
      await chat.tap(who, 'English');
    }

    // Hold the first two commits until both units are ready to commit, so each read the invite unused.
    const commit = store.commit.bind(store);
    const conflicts: string[] = [];
    let waiting: (() => void)[] = [];
    let held = 0;
    store.commit = async (changes: readonly Change[]) => {
      if (held < 2) {
        held++;
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 2) {
            for (const go of waiting) go();
            waiting = [];
          }
        });
      }
      try {
        return await commit(changes);
      } catch (error) {
        if (error instanceof ConflictError) conflicts.push(`${error.collection}`);
        throw error;
      }
    };

    const [one, two] = await Promise.all([chat.text('one', 'Lindiwe'), chat.text('two', 'Naledi')]);
    const replies = [allText(one ?? []), allText(two ?? [])];
    const won = replies.filter((r) => r.includes('You are registered as Mentor Mother'));
    const lost = replies.filter((r) => r.includes('already been used'));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).not.toContain('Main menu');
    expect(conflicts).toEqual(['invites']);

    const users = await store.users.list();
    expect(users).toHaveLength(1);
    expect((await store.invites.get(invite.code))?.usedBy).toBe(users[0]?.id);
    const registered = await store
      .journal<AuditRecord>('audit')
      .query({ where: { actor: users[0]?.id ?? '' } });
    expect(registered.filter((a) => a.action === 'user.registered')).toHaveLength(1);
    // The loser has no account: she is a stranger again.
    const loser = replies[0] === lost[0] ? 'one' : 'two';
    expect(await store.users.byAddress(`cli:${loser}`)).toBeUndefined();
    expect(allText(await chat.text(loser, '/menu'))).toContain('I am only for m2m staff');
    await app.close();
  });
});
