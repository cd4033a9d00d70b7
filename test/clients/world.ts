import type { User } from '../../src/accounts/types.js';
import { ERASE_CLIENT, eraseClientRule } from '../../src/clients/erasure.js';
import { ClientRecords, type ClientRecordsPort } from '../../src/clients/records.js';
import type { Client, ReferralEvent, ScreeningRecord } from '../../src/clients/types.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import type { AuditRecord } from '../../src/store/port.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { tempDataDir } from '../support/fakes.js';

/** A store on disk with the client records read model, and units of work over it, as the engine uses them. */
export async function openWorld(dataDir = tempDataDir()) {
  const store = await LowdbStore.open({ dataDir, lock: true, rewrites: { [ERASE_CLIENT]: eraseClientRule } });
  const records = await ClientRecords.open(store);
  let n = 0;
  return {
    dataDir,
    store,
    records,
    newId: () => `id-${++n}`,
    /** One unit of work: what `run` stages is committed together when it resolves. */
    async unit<T>(run: (unit: UnitOfWork, view: ClientRecordsPort) => Promise<T>): Promise<T> {
      const unit = new UnitOfWork(store);
      const result = await run(unit, records.view(unit));
      await unit.commit();
      return result;
    },
    /** The audit lines of one action. */
    async audit(action: string): Promise<AuditRecord[]> {
      return (await store.journal<AuditRecord>('audit').query()).filter((r) => r.action === action);
    },
    close: () => store.close(),
  };
}

export const user = (id: string, role: User['role'], teamId: string | null, active = true): User => ({
  id,
  role,
  name: id,
  lang: 'en',
  teamId,
  active,
  addresses: [`cli:${id}`],
  lastAddress: `cli:${id}`,
  createdAt: '2026-11-01T00:00:00.000Z',
  invitedBy: null,
});

export const client = (
  id: string,
  mentorId: string,
  teamId: string | null,
  extra: Partial<Client> = {},
): Client => ({
  id,
  code: `C-${id.toUpperCase()}`,
  mentorId,
  teamId,
  birthYear: 1990,
  birthDate: null,
  sex: 'female',
  groups: [],
  motherId: null,
  consent: true,
  consentAt: '2026-11-01T00:00:00.000Z',
  breastfeedingEndedAt: null,
  createdAt: '2026-11-01T00:00:00.000Z',
  ...extra,
});

export const screening = (
  id: string,
  clientId: string | null,
  at: string,
  mentorId = 'm1',
): ScreeningRecord => ({
  at,
  type: 'screening',
  id,
  clientId,
  mentorId,
  teamId: 't1',
  questionnaire: 'hypertension-bp',
  version: 1,
  answers: { systolic: 150, diastolic: 95 },
  score: null,
  band: null,
  urgency: 'routine',
  reasons: ['high'],
  consent: clientId !== null,
});

export const referral = (
  id: string,
  clientId: string,
  dueAt: string | null,
  source: Extract<ReferralEvent, { type: 'referral' }>['source'] = {
    kind: 'screening',
    screeningId: 's1',
    questionnaire: 'hypertension-bp',
  },
): ReferralEvent => ({
  at: '2026-11-01T10:00:00.000Z',
  type: 'referral',
  id,
  clientId,
  mentorId: 'm1',
  teamId: 't1',
  source,
  urgency: 'routine',
  dueAt,
});
