import type { Week } from './types.js';
import { addDays, dayOf, isTimeZone, localDate, startOfLocalDay, ymd } from './zoned.js';

const DAY = 86_400_000;

/** A week that cannot be read ("2026-W60", "next", an unknown timezone): the message says what is expected. */
export class WeekError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeekError';
  }
}

/** ISO weekday of a calendar date held as UTC midnight: Monday 1 ... Sunday 7. */
const isoDay = (dayMs: number): number => new Date(dayMs).getUTCDay() || 7;

/** Monday of ISO week 1 of an ISO year: the week with January 4th in it. */
function mondayOfWeekOne(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - (isoDay(jan4) - 1) * DAY;
}

const weeksIn = (year: number): number => (mondayOfWeekOne(year + 1) - mondayOfWeekOne(year)) / (7 * DAY);

/** The week whose Monday is this local date. */
function weekFromMonday(monday: string, timeZone: string): Week {
  const mondayMs = dayOf(monday);
  // The ISO year is the year of the week's Thursday.
  const year = new Date(mondayMs + 3 * DAY).getUTCFullYear();
  const number = Math.round((mondayMs - mondayOfWeekOne(year)) / (7 * DAY)) + 1;
  const nextMonday = addDays(monday, 7);
  return {
    id: `${year}-W${String(number).padStart(2, '0')}`,
    timeZone,
    from: monday,
    to: addDays(monday, 6),
    start: startOfLocalDay(monday, timeZone),
    end: startOfLocalDay(nextMonday, timeZone),
  };
}

function checkZone(timeZone: string): void {
  if (!isTimeZone(timeZone))
    throw new WeekError(`unknown timezone "${timeZone}" (expected an IANA name such as Africa/Nairobi)`);
}

/** The ISO week (Monday to Sunday, local) an instant falls in. */
export function weekOf(instant: Date, timeZone: string): Week {
  checkZone(timeZone);
  const today = dayOf(localDate(instant.getTime(), timeZone));
  return weekFromMonday(ymd(today - (isoDay(today) - 1) * DAY), timeZone);
}

export function previousWeek(week: Week): Week {
  return weekFromMonday(addDays(week.from, -7), week.timeZone);
}

/** `this`, `last` or an ISO week `YYYY-Www` (as of `now`, in `timeZone`). */
export function parseWeek(spec: string, now: Date, timeZone: string): Week {
  checkZone(timeZone);
  const text = spec.trim().toLowerCase();
  if (text === 'this') return weekOf(now, timeZone);
  if (text === 'last') return previousWeek(weekOf(now, timeZone));
  const m = /^(\d{4})-w(\d{2})$/.exec(text);
  if (!m) throw new WeekError(`cannot read week "${spec}": expected this, last or YYYY-Www (e.g. 2026-W49)`);
  const year = Number(m[1]);
  const number = Number(m[2]);
  if (number < 1 || number > weeksIn(year)) {
    throw new WeekError(`week "${spec}" does not exist: ${year} has weeks 01 to ${weeksIn(year)}`);
  }
  return weekFromMonday(ymd(mondayOfWeekOne(year) + (number - 1) * 7 * DAY), timeZone);
}
