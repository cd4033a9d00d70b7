import { clearFlow, type Session } from '../core/session.js';
import type { JournalRecord, RewriteRule } from '../store/port.js';
import { anonymised } from './record-index.js';
import type { ReferralEvent, ScreeningJournalRecord } from './types.js';

/** The name under which the store knows the erasure rewrite. */
export const ERASE_CLIENT = 'erase-client';

/**
 * Erasure of a client on request (the rule every store applies, in the journals, in stored conversations and
 * anywhere else it keeps copies):
 * her referrals go; her screenings stay only as anonymous counts (questionnaire, urgency, mentor, date); the
 * voids that named her go.
 */
export const eraseClientRule: RewriteRule = (clientId) => ({
  screenings: (record: JournalRecord) => {
    const r = record as ScreeningJournalRecord;
    if (r.clientId !== clientId) return record;
    return r.type === 'void' ? null : anonymised(r);
  },
  referrals: (record: JournalRecord) => ((record as ReferralEvent).clientId === clientId ? null : record),
  // Anyone whose conversation is on her (a supervisor on her page, a mentor choosing among clients) is taken back
  // to the start: what they had on screen named her. Message ids and language are kept.
  sessions: (session) => {
    if (!JSON.stringify(session ?? null).includes(clientId)) return session;
    const reset = { ...(session as Session) };
    clearFlow(reset);
    return reset;
  },
});
