import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClientRecords } from '../../src/clients/records.js';
import type { ScreeningRecord } from '../../src/clients/types.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import { tempDataDir } from '../support/fakes.js';

const screening = (id: string, clientId: string, at: string): ScreeningRecord => ({
  at,
  type: 'screening',
  id,
  clientId,
  mentorId: 'm1',
  teamId: 't1',
  questionnaire: 'hypertension-bp',
  version: 1,
  answers: { systolic: 150, diastolic: 95 },
  score: null,
  band: null,
  urgency: 'routine',
  reasons: ['high'],
  consent: true,
});

describe('erasing a client on request', () => {
  it('removes her from every journal file, keeps anonymous counts, and survives a reopen', async () => {
    const dir = tempDataDir();
    const store = await LowdbStore.open({ dataDir: dir, lock: true });
    const records = new ClientRecords(store);
    await records.addScreening(screening('s1', 'erase-me', '2026-10-01T10:00:00.000Z'));
    await records.addScreening(screening('s2', 'erase-me', '2026-11-01T10:00:00.000Z'));
    await records.addScreening(screening('s3', 'keep-me', '2026-11-02T10:00:00.000Z'));
    await records.addReferralEvent({
      at: '2026-11-01T10:00:00.000Z',
      type: 'referral',
      id: 'r1',
      clientId: 'erase-me',
      mentorId: 'm1',
      teamId: 't1',
      source: { kind: 'screening', screeningId: 's2', questionnaire: 'hypertension-bp' },
      urgency: 'routine',
      dueAt: '2026-11-15T10:00:00.000Z',
    });
    await records.eraseClient('erase-me');
    expect(records.history('erase-me')).toEqual([]);
    expect(records.counts(() => true).routine).toBe(3);
    await store.close();

    const files = ['screenings', 'referrals'].flatMap((j) =>
      readdirSync(join(dir, 'journals', j)).map((f) => readFileSync(join(dir, 'journals', j, f), 'utf8')),
    );
    expect(files.join('')).not.toContain('erase-me');
    expect(files.join('')).toContain('keep-me');

    const again = await LowdbStore.open({ dataDir: dir, lock: true });
    const reopened = new ClientRecords(again);
    expect(reopened.history('keep-me')).toHaveLength(1);
    expect(reopened.counts(() => true).routine).toBe(3);
    expect(reopened.followUpsOf('erase-me')).toEqual([]);
    await again.close();
  });
});
