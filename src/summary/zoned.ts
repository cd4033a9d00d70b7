/**
 * Local dates and times in an IANA timezone with `Intl` only (no date library). Offsets are cached per quarter hour
 * of UTC time: every timezone changes its offset on a quarter-hour boundary, and an export of a million screenings
 * would otherwise format a million dates.
 */

const DAY = 86_400_000;
const QUARTER_HOUR = 900_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown timezone: callers turn it into their own error.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA name this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local time minus UTC at an instant, in milliseconds (Nairobi: +3 h). */
export function offsetAt(ms: number, timeZone: string): number {
  let cache = offsets.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsets.set(timeZone, cache);
  }
  const bucket = Math.floor(ms / QUARTER_HOUR);
  const hit = cache.get(bucket);
  if (hit !== undefined) return hit;
  const at = bucket * QUARTER_HOUR;
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const local = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const offset = local - at;
  cache.set(bucket, offset);
  return offset;
}

/** `YYYY-MM-DD` of a UTC-midnight timestamp (a calendar date held as a number). */
export const ymd = (dayMs: number): string => new Date(dayMs).toISOString().slice(0, 10);

/** A `YYYY-MM-DD` date as the timestamp of its UTC midnight (calendar arithmetic, no timezone involved). */
export function dayOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return Number.NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return ymd(ms) === date ? ms : Number.NaN;
}

export const addDays = (date: string, days: number): string => ymd(dayOf(date) + days * DAY);

/** The local date of an instant. */
export const localDate = (ms: number, timeZone: string): string => ymd(ms + offsetAt(ms, timeZone));

/**
 * The first instant of a local date. Tried with the offsets on both sides of a possible change: where midnight
 * does not exist (a zone that springs forward at 00:00) the day starts at 01:00, the earliest candidate that falls
 * on that date.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const midnight = dayOf(date);
  const first = midnight - offsetAt(midnight, timeZone);
  const second = midnight - offsetAt(first, timeZone);
  const candidates = [first, second].filter((ms) => localDate(ms, timeZone) === date).sort((a, b) => a - b);
  return new Date(candidates[0] ?? Math.max(first, second));
}

/** ISO 8601 with the local offset and no milliseconds: `2026-11-30T10:00:00+03:00`. */
export function isoWithOffset(ms: number, timeZone: string): string {
  const offset = offsetAt(ms, timeZone);
  const local = new Date(Math.floor((ms + offset) / 1000) * 1000).toISOString().slice(0, 19);
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}
