import { describe, expect, it } from 'vitest';
import { parseWeek, previousWeek, WeekError, weekOf } from '../../src/summary/week.js';
import { startOfLocalDay } from '../../src/summary/zoned.js';

const NAIROBI = 'Africa/Nairobi';

describe('ISO weeks in a timezone', () => {
  it('puts Sunday 23:59 and Monday 00:00 in Nairobi (UTC+3) in different weeks', () => {
    const sunday = weekOf(new Date('2026-11-29T20:59:00Z'), NAIROBI);
    const monday = weekOf(new Date('2026-11-29T21:00:00Z'), NAIROBI);
    expect(sunday).toMatchObject({ id: '2026-W48', from: '2026-11-23', to: '2026-11-29' });
    expect(monday).toMatchObject({ id: '2026-W49', from: '2026-11-30', to: '2026-12-06', timeZone: NAIROBI });
    expect(monday.start.toISOString()).toBe('2026-11-29T21:00:00.000Z');
    expect(monday.end.toISOString()).toBe('2026-12-06T21:00:00.000Z');
    // In UTC the same two instants are both on Sunday.
    expect(weekOf(new Date('2026-11-29T21:00:00Z'), 'UTC').id).toBe('2026-W48');
  });

  it('reads this, last and YYYY-Www as of now', () => {
    const now = new Date('2026-12-02T06:00:00Z');
    expect(parseWeek('this', now, NAIROBI).id).toBe('2026-W49');
    expect(parseWeek('last', now, NAIROBI).id).toBe('2026-W48');
    expect(parseWeek(' 2026-w49 ', now, NAIROBI)).toEqual(parseWeek('this', now, NAIROBI));
  });

  it('knows 53-week years and crosses the year boundary', () => {
    const now = new Date('2026-12-02T06:00:00Z');
    expect(parseWeek('2026-W53', now, 'UTC')).toMatchObject({ from: '2026-12-28', to: '2027-01-03' });
    expect(previousWeek(parseWeek('2027-W01', now, 'UTC')).id).toBe('2026-W53');
    expect(parseWeek('2021-W01', now, 'UTC').from).toBe('2021-01-04');
  });

  it('refuses weeks that do not exist and words it can not read, with a clear message', () => {
    const now = new Date('2026-12-02T06:00:00Z');
    expect(() => parseWeek('2027-W53', now, NAIROBI)).toThrow(/2027 has weeks 01 to 52/);
    expect(() => parseWeek('2026-W00', now, NAIROBI)).toThrow(WeekError);
    expect(() => parseWeek('next', now, NAIROBI)).toThrow(/expected this, last or YYYY-Www/);
    expect(() => parseWeek('this', now, 'Mars/Olympus')).toThrow(/unknown timezone/);
  });

  it('bounds a week across a DST change by local midnights (23 h Sunday in Berlin)', () => {
    const week = parseWeek('2026-W13', new Date(), 'Europe/Berlin');
    expect(week.start.toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(previousWeek(parseWeek('2026-W14', new Date(), 'Europe/Berlin'))).toEqual(week);
  });

  it('starts a day at its first instant where DST changes at midnight (Santiago)', () => {
    expect(startOfLocalDay('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(startOfLocalDay('2026-09-05', 'America/Santiago').toISOString()).toBe('2026-09-05T04:00:00.000Z');
    // Falling back at 00:00 (to 23:00 the day before): the day begins for good at 00:00 -04.
    expect(startOfLocalDay('2026-04-05', 'America/Santiago').toISOString()).toBe('2026-04-05T04:00:00.000Z');
  });
});
