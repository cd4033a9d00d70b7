import type { ClientGroup, Urgency } from '../screening/schema.js';

/**
 * A client of a Mentor Mother, by pseudonymous code only: no name and no phone number is ever stored. Records
 * about her are kept only with her consent; without it, only anonymous counts.
 */
export interface Client {
  id: string;
  code: string;
  mentorId: string;
  teamId: string | null;
  birthYear: number;
  /** For babies under two (the infant test schedule needs the date). */
  birthDate: string | null;
  sex: 'female' | 'male';
  groups: ClientGroup[];
  /** A child linked to its mother (another client of the same team). */
  motherId: string | null;
  consent: boolean;
  consentAt: string | null;
  /** When breastfeeding ended (HIV-exposed infants: decides the final antibody test date). */
  breastfeedingEndedAt: string | null;
  createdAt: string;
}

/** One completed screening, in the screenings journal. `clientId` and `answers` are null without consent. */
export interface ScreeningRecord {
  at: string;
  type: 'screening';
  id: string;
  clientId: string | null;
  mentorId: string;
  teamId: string | null;
  questionnaire: string;
  version: number;
  answers: Record<string, unknown> | null;
  score: number | null;
  band: string | null;
  urgency: Urgency;
  reasons: string[];
  consent: boolean;
}

/** A mistaken screening voided by its mentor, with the reason; the original stays for the audit trail. */
export interface VoidRecord {
  at: string;
  type: 'void';
  id: string;
  screeningId: string;
  clientId: string | null;
  mentorId: string;
  reason: string;
}

export type ScreeningJournalRecord = ScreeningRecord | VoidRecord;

export const OUTCOMES = ['attended', 'not_yet', 'declined', 'moved'] as const;
export type FollowUpOutcome = (typeof OUTCOMES)[number];
export const INFANT_RESULTS = ['negative', 'positive'] as const;

/** The life of a referral or a scheduled test, as events in the referrals journal. */
export type ReferralEvent =
  | {
      at: string;
      type: 'referral';
      id: string;
      clientId: string;
      mentorId: string;
      teamId: string | null;
      /** A screening's referral, or a test of the HIV-exposed infant schedule. */
      source:
        | { kind: 'screening'; screeningId: string; questionnaire: string }
        | { kind: 'infant-test'; test: InfantTest };
      urgency: Urgency;
      /** null: waiting for something (the final infant test waits for the end of breastfeeding). */
      dueAt: string | null;
    }
  | {
      at: string;
      type: 'outcome';
      id: string;
      referralId: string;
      clientId: string;
      mentorId: string;
      outcome: FollowUpOutcome | 'negative' | 'positive';
      /** What the clinic found or started, in her words (short). */
      note: string | null;
      /** A new due date when the outcome leaves it open ("not yet"). */
      dueAt: string | null;
    }
  | {
      at: string;
      type: 'cancelled';
      id: string;
      referralId: string;
      clientId: string;
      mentorId: string;
      reason: string;
    };

export const INFANT_TESTS = ['nat_6_weeks', 'nat_9_months', 'final_antibody'] as const;
export type InfantTest = (typeof INFANT_TESTS)[number];
