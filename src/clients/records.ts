import type { Urgency } from '../screening/schema.js';
import type { AuditRecord, Store } from '../store/port.js';
import type { ReferralEvent, ScreeningJournalRecord, ScreeningRecord, VoidRecord } from './types.js';

type ReferralOpened = Extract<ReferralEvent, { type: 'referral' }>;
type ReferralOutcome = Extract<ReferralEvent, { type: 'outcome' }>;

export interface FollowUp {
  referral: ReferralOpened;
  outcomes: ReferralOutcome[];
  /** open: due (or overdue) on dueAt; pending: waits for something; closed: done. */
  status: 'open' | 'pending' | 'closed';
  dueAt: string | null;
}

const CLOSING = new Set(['attended', 'declined', 'moved', 'negative', 'positive']);

/**
 * Screenings and referrals of clients, from the append-only journals, indexed in memory at start: every
 * write is appended (fsync) before it is confirmed, then indexed.
 */
export class ClientRecords {
  private readonly screenings = new Map<string, ScreeningRecord>();
  private readonly voided = new Map<string, VoidRecord>();
  private readonly byClient = new Map<string, string[]>();
  private readonly followUps = new Map<string, FollowUp>();

  constructor(private readonly store: Store) {
    for (const r of store.journal<ScreeningJournalRecord>('screenings').all()) this.indexScreening(r);
    for (const r of store.journal<ReferralEvent>('referrals').all()) this.indexReferral(r);
  }

  async addScreening(record: ScreeningRecord): Promise<void> {
    await this.store.journal<ScreeningJournalRecord>('screenings').append(record);
    this.indexScreening(record);
  }

  async voidScreening(record: VoidRecord): Promise<void> {
    await this.store.journal<ScreeningJournalRecord>('screenings').append(record);
    this.indexScreening(record);
    // Referrals of a voided screening are cancelled with it.
    for (const f of this.followUps.values()) {
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
    this.indexReferral(event);
  }

  screening(id: string): ScreeningRecord | undefined {
    return this.screenings.get(id);
  }

  isVoided(screeningId: string): boolean {
    return this.voided.has(screeningId);
  }

  /** A client's screenings, newest first. */
  history(clientId: string): ScreeningRecord[] {
    return (this.byClient.get(clientId) ?? [])
      .map((id) => this.screenings.get(id))
      .filter((s): s is ScreeningRecord => s !== undefined)
      .sort((a, b) => (a.at < b.at ? 1 : -1));
  }

  followUp(id: string): FollowUp | undefined {
    return this.followUps.get(id);
  }

  followUpsOf(clientId: string): FollowUp[] {
    return [...this.followUps.values()].filter((f) => f.referral.clientId === clientId);
  }

  /** Open follow-ups of these clients, most overdue first. */
  openFollowUps(clientIds: ReadonlySet<string>): FollowUp[] {
    return [...this.followUps.values()]
      .filter((f) => f.status === 'open' && clientIds.has(f.referral.clientId))
      .sort((a, b) => ((a.dueAt ?? '') < (b.dueAt ?? '') ? -1 : 1));
  }

  /** Erasure on request: her referrals go, her screenings stay only as anonymous counts. */
  async eraseClient(clientId: string): Promise<void> {
    await this.store.journal<ScreeningJournalRecord>('screenings').rewrite((r) => {
      if (r.clientId !== clientId) return r;
      if (r.type === 'void') return null;
      return { ...r, clientId: null, answers: null, score: null, band: null, reasons: [], consent: false };
    });
    await this.store.journal<ReferralEvent>('referrals').remove((r) => r.clientId === clientId);
    for (const id of this.byClient.get(clientId) ?? []) {
      const s = this.screenings.get(id);
      if (s)
        this.screenings.set(id, {
          ...s,
          clientId: null,
          answers: null,
          score: null,
          band: null,
          reasons: [],
          consent: false,
        });
    }
    this.byClient.delete(clientId);
    for (const [id, f] of this.followUps) if (f.referral.clientId === clientId) this.followUps.delete(id);
  }

  /** Counts for summaries: completed screenings (not voided) in a period, by urgency. */
  counts(filter: (r: ScreeningRecord) => boolean): Record<Urgency, number> {
    const out: Record<Urgency, number> = { none: 0, routine: 0, urgent: 0, emergency: 0 };
    for (const r of this.screenings.values()) if (!this.voided.has(r.id) && filter(r)) out[r.urgency]++;
    return out;
  }

  private indexScreening(r: ScreeningJournalRecord): void {
    if (r.type === 'void') {
      this.voided.set(r.screeningId, r);
      return;
    }
    this.screenings.set(r.id, r);
    if (r.clientId) this.byClient.set(r.clientId, [...(this.byClient.get(r.clientId) ?? []), r.id]);
  }

  private indexReferral(e: ReferralEvent): void {
    if (e.type === 'referral') {
      this.followUps.set(e.id, {
        referral: e,
        outcomes: [],
        status: e.dueAt ? 'open' : 'pending',
        dueAt: e.dueAt,
      });
      return;
    }
    const f = this.followUps.get(e.referralId);
    if (!f) return;
    if (e.type === 'cancelled') {
      f.status = 'closed';
      return;
    }
    f.outcomes.push(e);
    if (CLOSING.has(e.outcome)) f.status = 'closed';
    else {
      f.dueAt = e.dueAt;
      f.status = e.dueAt ? 'open' : 'pending';
    }
  }
}
