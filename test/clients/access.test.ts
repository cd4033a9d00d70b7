import { describe, expect, it } from 'vitest';
import { clientAccess, reachableClient, teamMentors } from '../../src/clients/access.js';
import { client, openWorld, user } from './world.js';

describe('who may see and act on a client', () => {
  const own = client('c1', 'm1', 't1');

  it('lets a mentor act on her own clients only', () => {
    expect(clientAccess(user('m1', 'mentor', 't1'), own)).toBe('act');
    expect(clientAccess(user('m2', 'mentor', 't1'), own)).toBeNull();
  });

  it("lets a supervisor read her own team's clients, never act, never another team's", () => {
    expect(clientAccess(user('s1', 'supervisor', 't1'), own)).toBe('read');
    expect(clientAccess(user('s2', 'supervisor', 't2'), own)).toBeNull();
    expect(clientAccess(user('s3', 'supervisor', null), client('c2', 'm1', null))).toBeNull();
  });

  it('gives nothing to trainers, admins, deactivated people or nobody', () => {
    expect(clientAccess(user('t', 'trainer', 't1'), own)).toBeNull();
    expect(clientAccess(user('a', 'admin', 't1'), own)).toBeNull();
    expect(clientAccess(user('m1', 'mentor', 't1', false), own)).toBeNull();
    expect(clientAccess(null, own)).toBeNull();
  });

  it('finds a client by id only when the access asked for is allowed', async () => {
    const world = await openWorld();
    await world.store.clients.put(own);
    const mentor = user('m1', 'mentor', 't1');
    const supervisor = user('s1', 'supervisor', 't1');
    expect(await reachableClient(world.store, mentor, 'c1', 'act')).toMatchObject({ id: 'c1' });
    expect(await reachableClient(world.store, supervisor, 'c1', 'read')).toMatchObject({ id: 'c1' });
    expect(await reachableClient(world.store, supervisor, 'c1', 'act')).toBeUndefined();
    expect(await reachableClient(world.store, mentor, 'gone', 'act')).toBeUndefined();
    expect(await reachableClient(world.store, mentor, undefined, 'act')).toBeUndefined();
    await world.close();
  });

  it("lists a supervisor's team mentors (active or not) and nobody else's", () => {
    const users = [
      user('m1', 'mentor', 't1'),
      user('m2', 'mentor', 't1', false),
      user('m3', 'mentor', 't2'),
      user('s1', 'supervisor', 't1'),
    ];
    expect(teamMentors(users, user('s1', 'supervisor', 't1')).map((u) => u.id)).toEqual(['m1', 'm2']);
    expect(teamMentors(users, user('m1', 'mentor', 't1'))).toEqual([]);
  });
});
