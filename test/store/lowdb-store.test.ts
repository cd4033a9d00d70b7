import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/types.js';
import { emptySession } from '../../src/core/session.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import { CURRENT_SCHEMA_VERSION, migrateToLatest } from '../../src/store/lowdb/migrations.js';
import { StoreLockedError } from '../../src/store/port.js';
import { tempDataDir } from '../support/fakes.js';

const user = (id: string, address: string): User => ({
  id,
  role: 'mentor',
  name: `User ${id}`,
  lang: 'en',
  teamId: null,
  active: true,
  addresses: [address],
  lastAddress: address,
  createdAt: '2026-11-01T00:00:00.000Z',
  invitedBy: null,
});

describe('lowdb store', () => {
  it('keeps users across a reopen, indexed by channel address, in owner-only files', async () => {
    const dir = tempDataDir();
    const store = await LowdbStore.open({ dataDir: dir, lock: true });
    await store.users.put(user('u1', 'telegram:1'));
    await store.users.put({ ...user('u1', 'telegram:1'), addresses: ['telegram:1', 'webchat:abc'] });
    await store.close();
    const again = await LowdbStore.open({ dataDir: dir, lock: true });
    expect((await again.users.byAddress('webchat:abc'))?.id).toBe('u1');
    expect(await again.users.list()).toHaveLength(1);
    await again.close();
    expect(statSync(join(dir, 'state.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('allows one writer per DATA_DIR; read-only opens may run beside it; a stale lock is taken over', async () => {
    const dir = tempDataDir();
    const first = await LowdbStore.open({ dataDir: dir, lock: true });
    await expect(LowdbStore.open({ dataDir: dir, lock: true })).rejects.toBeInstanceOf(StoreLockedError);
    const reader = await LowdbStore.open({ dataDir: dir, lock: false });
    await expect(reader.users.put(user('u2', 'cli:x'))).rejects.toThrow(/read-only/);
    await reader.close();
    await first.close();
    writeFileSync(join(dir, 'bot.lock'), '999999999');
    const after = await LowdbStore.open({ dataDir: dir, lock: true });
    await after.close();
  });

  it('keeps conversation state with the units of work, in sessions.json after a checkpoint', async () => {
    const dir = tempDataDir();
    const store = await LowdbStore.open({ dataDir: dir, lock: true, checkpointDelayMs: 10_000 });
    for (let i = 0; i < 50; i++) {
      await store.sessions.set('cli:a', { ...emptySession(new Date()), step: `s${i}` });
    }
    await store.close();
    const saved = JSON.parse(readFileSync(join(dir, 'sessions.json'), 'utf8'));
    expect(saved.sessions['cli:a'].step).toBe('s49');
    expect(saved.appliedUnit).toBe(50);
  });

  it('reads sessions.json as it was before units of work (a plain map of sessions)', async () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, 'sessions.json'), JSON.stringify({ 'cli:a': { flow: 'menu', step: '' } }));
    const store = await LowdbStore.open({ dataDir: dir, lock: true });
    expect(await store.sessions.get('cli:a')).toEqual({ flow: 'menu', step: '' });
    await store.close();
  });
});

describe('schema migrations', () => {
  it('brings an unversioned file to the current schema', () => {
    expect(migrateToLatest({ users: [] })).toEqual({
      schemaVersion: CURRENT_SCHEMA_VERSION,
      users: [],
      teams: [],
      invites: [],
      progress: [],
      clients: [],
    });
  });

  it('1 -> 2 adds training progress and keeps everything else', () => {
    const v1 = { schemaVersion: 1, users: [{ id: 'u' }], teams: [], invites: [] };
    expect(migrateToLatest(v1)).toEqual({ ...v1, schemaVersion: 3, progress: [], clients: [] });
  });

  it('2 -> 3 adds clients', () => {
    const v2 = { schemaVersion: 2, users: [], teams: [], invites: [], progress: [] };
    expect(migrateToLatest(v2)).toEqual({ ...v2, schemaVersion: 3, clients: [] });
  });

  it('leaves a current file as it is', () => {
    const current = {
      schemaVersion: CURRENT_SCHEMA_VERSION,
      users: [],
      teams: [],
      invites: [],
      progress: [],
    };
    expect(migrateToLatest(current)).toEqual(current);
  });

  it('refuses data written by a newer version, and a file that is not an object', () => {
    expect(() => migrateToLatest({ schemaVersion: CURRENT_SCHEMA_VERSION + 1 })).toThrow(/newer version/);
    expect(() => migrateToLatest([])).toThrow(/not an object/);
  });

  it('runs on open and writes the migrated file', async () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ users: [] }));
    const store = await LowdbStore.open({ dataDir: dir, lock: true });
    await store.close();
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).schemaVersion).toBe(
      CURRENT_SCHEMA_VERSION,
    );
  });

  it('stops with a clear message on a damaged state file', async () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, 'state.json'), '{"users": [');
    await expect(LowdbStore.open({ dataDir: dir, lock: true })).rejects.toThrow(/not valid JSON.*backup/);
  });
});

describe('strangers', () => {
  it('leave nothing in the store unless they are registering', async () => {
    const { makeTestApp } = await import('../support/fakes.js');
    const { ChatDriver } = await import('../support/chat-driver.js');
    const app = await makeTestApp();
    const chat = new ChatDriver(app);
    for (let i = 0; i < 20; i++) await chat.text(`stranger-${i}`, 'hello, my name is Nomsa');
    expect(await app.services.store.sessions.get('cli:stranger-3')).toBeUndefined();
    await app.close();
    const saved = readFileSync(join(app.dataDir, 'sessions.json'), 'utf8');
    expect(saved).not.toContain('stranger');
  });
});
