import type { Urgency } from '../screening/schema.js';
import type { AuditRecord, Change, Store, StoreView } from '../store/port.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { ERASE_CLIENT } from './erasure.js';
import { type FollowUp, RecordIndex, type RecordsReader } from './record-index.js';
import type { ReferralEvent, ScreeningJournalRecord, ScreeningRecord, VoidRecord } from './types.js';

export type { FollowUp, RecordsReader } from './record-index.js';

/** Reading and recording clients' screenings and referrals within one unit of work. */
export interface ClientRecordsPort extends RecordsReader {
  addScreening(record: ScreeningRecord): Promise<void>;
  /** Voids a mistaken screening: its open referrals are cancelled with it, and the audit log says who. */
  voidScreening(record: VoidRecord): Promise<void>;
  addReferralEvent(event: ReferralEvent): Promise<void>;
  /** Erasure on request: the client record goes, and her journal records by the erasure rule. */
  eraseClient(clientId: string, actorId: string, at: string): Promise<void>;
}

/**
 * The committed read model of clients' records: built from the journals at start, then kept current from every
 * committed unit of work (so it only ever shows what is durable).
 */
export class ClientRecords {
  private constructor(readonly index: RecordIndex) {}

  static async open(store: Store): Promise<ClientRecords> {
    const index = new RecordIndex();
    for (const r of await store.journal<ScreeningJournalRecord>('screenings').query()) index.addScreening(r);
    for (const r of await store.journal<ReferralEvent>('referrals').query()) index.addReferral(r);
    const records = new ClientRecords(index);
    store.onCommit((changes) => records.apply(changes));
    return records;
  }

  /**
   * The records as one unit of work sees them: committed, plus what it has staged. Given the store itself (commands
   * outside a conversation), each write commits at once.
   */
  view(unit: StoreView): ClientRecordsPort {
    return new RecordsView(this.index, unit);
  }

  private apply(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.kind === 'append' && change.journal === 'screenings')
        this.index.addScreening(change.record as ScreeningJournalRecord);
      else if (change.kind === 'append' && change.journal === 'referrals')
        this.index.addReferral(change.record as ReferralEvent);
      else if (change.kind === 'rewrite' && change.rule === ERASE_CLIENT) this.index.erase(change.arg);
    }
  }
}

/**
 * Reads merge the committed index with what this unit staged: the clients the unit touched are re-indexed from
 * their committed records plus the staged ones; every other client reads straight from the committed index.
 */
class RecordsView implements ClientRecordsPort {
  private readonly staged: (ScreeningJournalRecord | ReferralEvent)[] = [];
  private readonly erased = new Set<string>();
  private overlay: RecordIndex | null = null;
  private touched = new Set<string>();

  constructor(
    private readonly base: RecordIndex,
    private readonly store: StoreView | UnitOfWork,
  ) {}

  async addScreening(record: ScreeningRecord): Promise<void> {
    await this.store.journal<ScreeningJournalRecord>('screenings').append(record);
    this.stage(record);
  }

  async voidScreening(record: VoidRecord): Promise<void> {
    await this.store.journal<ScreeningJournalRecord>('screenings').append(record);
    this.stage(record);
    const open = record.clientId ? this.followUpsOf(record.clientId) : [];
    for (const f of open) {
      const source = f.referral.source;
      if (source.kind === 'screening' && source.screeningId === record.screeningId && f.status !== 'closed') {
        await this.addReferralEvent({
          at: record.at,
          type: 'cancelled',
          id: `${record.id}:${f.referral.id}`,
          referralId: f.referral.id,
          clientId: f.referral.clientId,
          mentorId: record.mentorId,
          reason: 'screening voided',
        });
      }
    }
    await this.store.journal<AuditRecord>('audit').append({
      at: record.at,
      actor: record.mentorId,
      action: 'screening.voided',
      target: record.screeningId,
    });
  }

  async addReferralEvent(event: ReferralEvent): Promise<void> {
    await this.store.journal<ReferralEvent>('referrals').append(event);
    this.stage(event);
  }

  async eraseClient(clientId: string, actorId: string, at: string): Promise<void> {
    await this.store.clients.remove(clientId);
    const rewrite: Change = { kind: 'rewrite', rule: ERASE_CLIENT, arg: clientId };
    if ('add' in this.store) this.store.add(rewrite);
    else throw new Error('erasure runs inside a unit of work');
    // The audit names no client: the record is gone, and so is the link to it.
    await this.store.journal<AuditRecord>('audit').append({ at, actor: actorId, action: 'client.erased' });
    this.erased.add(clientId);
    this.overlay = null;
  }

  screening(id: string): ScreeningRecord | undefined {
    const s = this.view().screening(id) ?? this.base.screening(id);
    return s?.clientId && this.erased.has(s.clientId) ? undefined : s;
  }

  isVoided(screeningId: string): boolean {
    return this.view().isVoided(screeningId) || this.base.isVoided(screeningId);
  }

  history(clientId: string): ScreeningRecord[] {
    if (this.erased.has(clientId)) return [];
    return this.touched.has(clientId) ? this.view().history(clientId) : this.base.history(clientId);
  }

  followUp(id: string): FollowUp | undefined {
    const f = this.view().followUp(id) ?? this.base.followUp(id);
    return f && this.erased.has(f.referral.clientId) ? undefined : f;
  }

  followUpsOf(clientId: string): FollowUp[] {
    if (this.erased.has(clientId)) return [];
    return this.touched.has(clientId) ? this.view().followUpsOf(clientId) : this.base.followUpsOf(clientId);
  }

  openFollowUps(clientIds: ReadonlySet<string>): FollowUp[] {
    const mine = new Set([...clientIds].filter((id) => !this.erased.has(id)));
    const own = new Set([...mine].filter((id) => this.touched.has(id)));
    const rest = new Set([...mine].filter((id) => !this.touched.has(id)));
    return [...this.base.openFollowUps(rest), ...this.view().openFollowUps(own)].sort((a, b) =>
      (a.dueAt ?? '') < (b.dueAt ?? '') ? -1 : 1,
    );
  }

  counts(filter: (r: ScreeningRecord) => boolean): Record<Urgency, number> {
    const out = this.base.counts(filter);
    for (const r of this.staged) if (r.type === 'screening' && filter(r)) out[r.urgency]++;
    return out;
  }

  private stage(record: ScreeningJournalRecord | ReferralEvent): void {
    // Outside a unit the write committed at once and the committed index already has it.
    if (!('add' in this.store)) return;
    this.staged.push(record);
    if (record.clientId) this.touched.add(record.clientId);
    this.overlay = null;
  }

  /** The touched clients, re-indexed from their committed records plus the staged ones. */
  private view(): RecordIndex {
    if (this.overlay) return this.overlay;
    const overlay = new RecordIndex();
    for (const clientId of this.touched) {
      for (const r of this.base.recordsOf(clientId)) add(overlay, r);
    }
    for (const r of this.staged) add(overlay, r);
    this.overlay = overlay;
    return overlay;
  }
}

function add(index: RecordIndex, r: ScreeningJournalRecord | ReferralEvent): void {
  if (r.type === 'screening' || r.type === 'void') index.addScreening(r);
  else index.addReferral(r);
}
