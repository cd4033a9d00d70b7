import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { client, openWorld, referral, screening } from '../clients/world.js';

describe('erasing a client on request', () => {
  it('removes her from every journal file, keeps anonymous counts, and survives a reopen', async () => {
    const world = await openWorld();
    await world.unit(async (unit, records) => {
      await unit.clients.put(client('erase-me', 'm1', 't1'));
      await unit.clients.put(client('keep-me', 'm1', 't1'));
      await records.addScreening(screening('s1', 'erase-me', '2026-10-01T10:00:00.000Z'));
      await records.addScreening(screening('s2', 'erase-me', '2026-11-01T10:00:00.000Z'));
      await records.addScreening(screening('s3', 'keep-me', '2026-11-02T10:00:00.000Z'));
      await records.addReferralEvent(referral('r1', 'erase-me', '2026-11-15T10:00:00.000Z'));
    });
    // One unit: the client record goes with her journal records (the erasure rewrite), never one without the other.
    await world.unit(async (_unit, records) => {
      await records.eraseClient('erase-me', 'm1', '2026-11-20T10:00:00.000Z');
      expect(records.history('erase-me')).toEqual([]);
    });
    expect(await world.store.clients.get('erase-me')).toBeUndefined();
    expect(world.records.index.history('erase-me')).toEqual([]);
    expect(world.records.index.counts(() => true).routine).toBe(3);
    await world.close();

    const dir = world.dataDir;
    const files = ['screenings', 'referrals'].flatMap((j) =>
      readdirSync(join(dir, 'journals', j)).map((f) => readFileSync(join(dir, 'journals', j, f), 'utf8')),
    );
    expect(files.join('')).not.toContain('erase-me');
    expect(files.join('')).toContain('keep-me');

    const again = await openWorld(dir);
    expect(again.records.index.history('keep-me')).toHaveLength(1);
    expect(again.records.index.counts(() => true).routine).toBe(3);
    expect(again.records.index.followUpsOf('erase-me')).toEqual([]);
    expect(await again.store.clients.get('erase-me')).toBeUndefined();
    await again.close();
  });
});
