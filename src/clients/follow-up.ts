import type { Urgency } from '../screening/schema.js';
import type { InfantTest } from './types.js';

const DAY = 86_400_000;

/** When a referral is followed up (shared docs/screening.md, Outcome): emergency next day, urgent 2 days, routine 14. */
export function referralDueAt(urgency: Urgency, at: Date): Date | null {
  switch (urgency) {
    case 'emergency':
      return new Date(at.getTime() + DAY);
    case 'urgent':
      return new Date(at.getTime() + 2 * DAY);
    case 'routine':
      return new Date(at.getTime() + 14 * DAY);
    default:
      return null;
  }
}

const addMonths = (date: Date, months: number): Date => {
  const d = new Date(date);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
};

/**
 * The HIV-exposed infant's tests (WHO 2021, shared docs/screening.md; WHO keeps the 4-6 week test for every baby):
 * NAT at 6 weeks, NAT at 9 months, and the final antibody test at 18 months or 3 months after breastfeeding ends,
 * whichever is later. Until she records the end of breastfeeding, the final test has no date (pending).
 */
export function infantTestDueAt(
  test: InfantTest,
  birthDate: Date,
  breastfeedingEndedAt: Date | null,
): Date | null {
  switch (test) {
    case 'nat_6_weeks':
      return new Date(birthDate.getTime() + 42 * DAY);
    case 'nat_9_months':
      return addMonths(birthDate, 9);
    case 'final_antibody': {
      if (!breastfeedingEndedAt) return null;
      const eighteen = addMonths(birthDate, 18);
      const afterWeaning = addMonths(breastfeedingEndedAt, 3);
      return new Date(Math.max(eighteen.getTime(), afterWeaning.getTime()));
    }
    default:
      return null;
  }
}
