import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Invite, User } from '../../src/accounts/types.js';
import { ERASE_CLIENT, eraseClientRule } from '../../src/clients/erasure.js';
import { ClientRecords } from '../../src/clients/records.js';
import type { ScreeningRecord } from '../../src/clients/types.js';
import { emptySession } from '../../src/core/session.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import { type AuditRecord, ConflictError } from '../../src/store/port.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { tempDataDir } from '../support/fakes.js';

const user = (id: string): User => ({
  id,
  role: 'mentor',
  name: `User ${id}`,
  lang: 'en',
  teamId: null,
  active: true,
  addresses: [`cli:${id}`],
  lastAddress: `cli:${id}`,
  createdAt: '2026-11-01T00:00:00.000Z',
  invitedBy: null,
});

const invite: Invite = {
  code: 'ABCD-EFGH',
  role: 'mentor',
  teamId: null,
  createdBy: null,
  createdAt: '2026-11-01T00:00:00.000Z',
  expiresAt: '2026-11-15T00:00:00.000Z',
  usedBy: null,
  usedAt: null,
};

const screening = (
  id: string,
  clientId: string | null,
  at = '2026-11-02T10:00:00.000Z',
): ScreeningRecord => ({
  at,
  type: 'screening',
  id,
  clientId,
  mentorId: 'm1',
  teamId: 't1',
  questionnaire: 'hypertension-bp',
  version: 1,
  answers: { systolic: 182, note: 'SECRET-ANSWER' },
  score: null,
  band: null,
  urgency: 'emergency',
  reasons: ['severe'],
  consent: true,
});

const audit = (n: number): AuditRecord => ({ at: '2026-11-02T10:00:00.000Z', actor: 'm1', action: `a${n}` });

const open = (dataDir: string, delay = 60_000) =>
  LowdbStore.open({
    dataDir,
    lock: true,
    checkpointDelayMs: delay,
    rewrites: { [ERASE_CLIENT]: eraseClientRule },
  });

/** What a crash leaves: the files as they are this instant, without the lock (the process is gone). */
function crashCopy(dataDir: string): string {
  const copy = tempDataDir();
  cpSync(dataDir, copy, { recursive: true });
  rmSync(join(copy, 'bot.lock'), { force: true });
  return copy;
}

const grepDir = (dir: string, needle: string): string[] => {
  const hits: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (readFileSync(path, 'utf8').includes(needle)) hits.push(path);
  }
  return hits;
};

describe('unit of work', () => {
  it('stages writes: the unit reads them, nobody else does until it commits, and then all at once', async () => {
    const store = await open(tempDataDir());
    const unit = new UnitOfWork(store);
    await unit.users.put(user('u1'));
    await unit.journal<AuditRecord>('audit').append(audit(1));
    expect((await unit.users.byAddress('cli:u1'))?.id).toBe('u1');
    expect(await unit.journal('audit').query()).toHaveLength(1);
    expect(await store.users.get('u1')).toBeUndefined();
    expect(await store.journal('audit').query()).toHaveLength(0);
    await unit.commit();
    expect((await store.users.get('u1'))?.name).toBe('User u1');
    expect(await store.journal('audit').query()).toHaveLength(1);
    await expect(unit.users.put(user('u2'))).rejects.toThrow(/already committed/);
    await store.close();
  });

  it('a unit that is never committed leaves nothing behind', async () => {
    const dir = tempDataDir();
    const store = await open(dir);
    const unit = new UnitOfWork(store);
    await unit.users.put(user('u1'));
    await unit.journal<AuditRecord>('audit').append(audit(1));
    await store.close();
    const again = await open(dir);
    expect(await again.users.list()).toEqual([]);
    expect(await again.journal('audit').query()).toEqual([]);
    await again.close();
  });

  it('gives copies: changing what a unit read does not change the committed state', async () => {
    const store = await open(tempDataDir());
    await store.users.put(user('u1'));
    const unit = new UnitOfWork(store);
    const read = (await unit.users.get('u1')) as User;
    read.name = 'Changed in place';
    expect((await store.users.get('u1'))?.name).toBe('User u1');
    await store.close();
  });

  it('lets only one of two units that read and then change the same record commit', async () => {
    const store = await open(tempDataDir());
    await store.invites.put(invite);
    const first = new UnitOfWork(store);
    const second = new UnitOfWork(store);
    for (const [unit, who] of [
      [first, 'a'],
      [second, 'b'],
    ] as const) {
      const found = (await unit.invites.get(invite.code)) as Invite;
      expect(found.usedBy).toBeNull();
      await unit.invites.put({ ...found, usedBy: who, usedAt: '2026-11-02T00:00:00.000Z' });
      await unit.users.put(user(who));
    }
    const results = await Promise.allSettled([first.commit(), second.commit()]);
    expect(results[0]?.status).toBe('fulfilled');
    expect(results[1]?.status === 'rejected' && results[1].reason).toBeInstanceOf(ConflictError);
    expect((await store.invites.get(invite.code))?.usedBy).toBe('a');
    // Nothing of the losing unit was applied.
    expect(await store.users.get('b')).toBeUndefined();
    await store.close();
  });

  it('takes a unit back whole when its log write fails', async () => {
    const store = await open(tempDataDir());
    const wal = (store as unknown as { wal: { append: () => Promise<void> } }).wal;
    const append = wal.append;
    wal.append = () => Promise.reject(new Error('disk full'));
    const unit = new UnitOfWork(store);
    await unit.users.put(user('u1'));
    await unit.journal<AuditRecord>('audit').append(audit(1));
    await expect(unit.commit()).rejects.toThrow(/disk full/);
    expect(await store.users.get('u1')).toBeUndefined();
    expect(await store.journal('audit').query()).toEqual([]);
    wal.append = append;
    await store.users.put(user('u2'));
    await store.close();
  });
});

describe('write-ahead log', () => {
  it('keeps every committed unit through a crash before any checkpoint', async () => {
    const dir = tempDataDir();
    const store = await open(dir);
    for (let n = 0; n < 20; n++) {
      const unit = new UnitOfWork(store);
      await unit.users.put(user(`u${n}`));
      await unit.journal<AuditRecord>('audit').append(audit(n));
      await unit.commit();
    }
    // Nothing has been checkpointed yet: the state file is as it was at open, the units are in the log only.
    const crashed = crashCopy(dir);
    await store.close();
    expect(JSON.parse(readFileSync(join(crashed, 'state.json'), 'utf8')).users).toEqual([]);
    const recovered = await open(crashed);
    expect(await recovered.users.list()).toHaveLength(20);
    expect((await recovered.journal('audit').query()).map((r) => (r as AuditRecord).action)).toEqual(
      Array.from({ length: 20 }, (_, n) => `a${n}`),
    );
    await recovered.close();
    // The recovery checkpointed: the log is gone, the records are in the journal files once.
    const reopened = await open(crashed);
    expect(await reopened.journal('audit').query()).toHaveLength(20);
    await reopened.close();
  });

  it('replays the log idempotently when a crash hit in the middle of a checkpoint', async () => {
    const dir = tempDataDir();
    const store = await open(dir);
    await store.journal<AuditRecord>('audit').append(audit(1));
    await store.journal<AuditRecord>('audit').append(audit(2));
    const crashed = crashCopy(dir);
    await store.close();
    // The checkpoint had written the journal line of unit 1 (tagged with its unit) but not the state files.
    appendFileSync(
      join(crashed, 'journals', 'audit', '2026-11.jsonl'),
      `${JSON.stringify({ ...audit(1), _u: 1 })}\n`,
    );
    const recovered = await open(crashed);
    expect((await recovered.journal('audit').query()).map((r) => (r as AuditRecord).action)).toEqual([
      'a1',
      'a2',
    ]);
    await recovered.close();
  });

  it('drops a torn last line of the log: that unit was never confirmed', async () => {
    const dir = tempDataDir();
    const store = await open(dir);
    await store.users.put(user('u1'));
    const crashed = crashCopy(dir);
    await store.close();
    const [file] = readdirSync(join(crashed, 'wal'));
    appendFileSync(join(crashed, 'wal', file as string), '{"unit":2,"changes":[{"kind":"put","coll');
    const torn: string[] = [];
    const recovered = await LowdbStore.open({
      dataDir: crashed,
      lock: true,
      onTornLine: (f) => torn.push(f),
    });
    expect(torn).toHaveLength(1);
    expect((await recovered.users.list()).map((u) => u.id)).toEqual(['u1']);
    await recovered.users.put(user('u3'));
    await recovered.close();
  });

  it('erases a client from the journals and from the log at once, and from the read model', async () => {
    const dir = tempDataDir();
    const store = await open(dir);
    const records = await ClientRecords.open(store);
    const unit = new UnitOfWork(store);
    const view = records.view(unit);
    await view.addScreening(screening('s1', 'client-x'));
    await view.addScreening(screening('s2', 'client-y'));
    expect(view.history('client-x')).toHaveLength(1);
    await unit.commit();
    await store.flush();
    expect(grepDir(dir, 'client-x').length).toBeGreaterThan(0);

    const later = new UnitOfWork(store);
    await later.journal<AuditRecord>('audit').append(audit(9));
    await later.commit();
    // Her supervisor is looking at her page: the session names her (id in the state and the buttons, code in a label).
    await store.sessions.set('cli:sup', {
      ...emptySession(new Date('2026-11-03T00:00:00.000Z')),
      flow: 'team-clients',
      step: 'client',
      state: { client: 'client-x' },
      pending: {
        choices: [{ id: 'tm.c:client-x', label: 'CODE-OF-X' }],
        multiple: false,
        selected: [],
        allowText: false,
      },
      recent: ['m-1'],
    });
    const erase = new UnitOfWork(store);
    await records.view(erase).eraseClient('client-x', 'm1', '2026-11-03T00:00:00.000Z');
    await erase.commit();
    expect(grepDir(dir, 'client-x')).toEqual([]);
    expect(grepDir(dir, 'CODE-OF-X')).toEqual([]);
    // The supervisor's conversation starts afresh; the message ids she sent are still known.
    expect(await store.sessions.get('cli:sup')).toMatchObject({ flow: null, state: null, recent: ['m-1'] });
    expect(records.index.history('client-x')).toEqual([]);
    // Her screening stays as an anonymous count; the other client's is untouched.
    expect(records.index.counts(() => true).emergency).toBe(2);
    expect(records.index.history('client-y')).toHaveLength(1);
    await store.close();
    expect(grepDir(dir, 'client-x')).toEqual([]);
  });

  it('shows a unit its own staged records over the committed ones (follow-ups included)', async () => {
    const store = await open(tempDataDir());
    const records = await ClientRecords.open(store);
    const first = new UnitOfWork(store);
    await records.view(first).addReferralEvent({
      at: '2026-11-02T10:00:00.000Z',
      type: 'referral',
      id: 'r1',
      clientId: 'c1',
      mentorId: 'm1',
      teamId: 't1',
      source: { kind: 'screening', screeningId: 's1', questionnaire: 'hypertension-bp' },
      urgency: 'urgent',
      dueAt: '2026-11-04T10:00:00.000Z',
    });
    await first.commit();
    const second = new UnitOfWork(store);
    const view = records.view(second);
    await view.addReferralEvent({
      at: '2026-11-04T10:00:00.000Z',
      type: 'outcome',
      id: 'o1',
      referralId: 'r1',
      clientId: 'c1',
      mentorId: 'm1',
      outcome: 'attended',
      note: null,
      dueAt: null,
    });
    expect(view.followUp('r1')?.status).toBe('closed');
    expect(view.openFollowUps(new Set(['c1']))).toEqual([]);
    // Not committed yet: everyone else still sees it open.
    expect(records.index.followUp('r1')?.status).toBe('open');
    await second.commit();
    expect(records.index.followUp('r1')?.status).toBe('closed');
    await store.close();
  });
});
