import type { Urgency } from '../screening/schema.js';
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

/** Outcomes that close a referral; "not yet" leaves it open with a new date. */
const CLOSING = new Set(['attended', 'declined', 'moved', 'negative', 'positive']);

/** What a person may ask of clients' screenings and referrals. */
export interface RecordsReader {
  screening(id: string): ScreeningRecord | undefined;
  isVoided(screeningId: string): boolean;
  /** A client's screenings, newest first. */
  history(clientId: string): ScreeningRecord[];
  followUp(id: string): FollowUp | undefined;
  followUpsOf(clientId: string): FollowUp[];
  /** Open follow-ups of these clients, most overdue first. */
  openFollowUps(clientIds: ReadonlySet<string>): FollowUp[];
  /** Completed screenings (not voided) matching a filter, by urgency. */
  counts(filter: (r: ScreeningRecord) => boolean): Record<Urgency, number>;
}

/**
 * Screenings and referrals indexed for the questions chat flows ask: a pure in-memory index, fed records in
 * journal order. Follow-up state is derived from referral events (opened, outcomes, cancelled).
 */
export class RecordIndex implements RecordsReader {
  private readonly screenings = new Map<string, ScreeningRecord>();
  private readonly voided = new Map<string, VoidRecord>();
  private readonly byClient = new Map<string, string[]>();
  private readonly followUps = new Map<string, FollowUp>();
  /** Every record about a client, in order, so a view can rebuild one client's state with staged records. */
  private readonly raw = new Map<string, (ScreeningJournalRecord | ReferralEvent)[]>();

  addScreening(r: ScreeningJournalRecord): void {
    if (r.clientId) this.rawList(r.clientId).push(r);
    if (r.type === 'void') {
      this.voided.set(r.screeningId, r);
      return;
    }
    this.screenings.set(r.id, r);
    if (r.clientId) this.byClient.set(r.clientId, [...(this.byClient.get(r.clientId) ?? []), r.id]);
  }

  addReferral(e: ReferralEvent): void {
    this.rawList(e.clientId).push(e);
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

  /** Erasure on request: her referrals go, her screenings stay only as anonymous counts. */
  erase(clientId: string): void {
    for (const id of this.byClient.get(clientId) ?? []) {
      const s = this.screenings.get(id);
      if (s) this.screenings.set(id, anonymised(s));
    }
    this.byClient.delete(clientId);
    this.raw.delete(clientId);
    for (const [id, f] of this.followUps) if (f.referral.clientId === clientId) this.followUps.delete(id);
  }

  recordsOf(clientId: string): readonly (ScreeningJournalRecord | ReferralEvent)[] {
    return this.raw.get(clientId) ?? [];
  }

  screening(id: string): ScreeningRecord | undefined {
    return this.screenings.get(id);
  }

  isVoided(screeningId: string): boolean {
    return this.voided.has(screeningId);
  }

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

  openFollowUps(clientIds: ReadonlySet<string>): FollowUp[] {
    return [...this.followUps.values()]
      .filter((f) => f.status === 'open' && clientIds.has(f.referral.clientId))
      .sort((a, b) => ((a.dueAt ?? '') < (b.dueAt ?? '') ? -1 : 1));
  }

  counts(filter: (r: ScreeningRecord) => boolean): Record<Urgency, number> {
    const out: Record<Urgency, number> = { none: 0, routine: 0, urgent: 0, emergency: 0 };
    for (const r of this.screenings.values()) if (!this.voided.has(r.id) && filter(r)) out[r.urgency]++;
    return out;
  }

  private rawList(clientId: string): (ScreeningJournalRecord | ReferralEvent)[] {
    let list = this.raw.get(clientId);
    if (!list) {
      list = [];
      this.raw.set(clientId, list);
    }
    return list;
  }
}

/** What stays of a screening after its client asked to be erased: an anonymous count. */
export const anonymised = (s: ScreeningRecord): ScreeningRecord => ({
  ...s,
  clientId: null,
  answers: null,
  score: null,
  band: null,
  reasons: [],
  consent: false,
});
