import { describe, expect, it } from 'vitest';
import {
  birthYearRange,
  needsBirthDate,
  needsMother,
  newClient,
  parseBirthDate,
  parseBirthYear,
  possibleMothers,
  uniqueClientCode,
} from '../../src/clients/registration.js';
import type { Client } from '../../src/clients/types.js';

const NOW = new Date('2026-11-02T09:00:00.000Z');
const draft = {
  code: 'ABC-DEFG',
  birthYear: 2026,
  sex: 'female' as const,
  groups: ['hiv_exposed_infant' as const],
  motherId: null,
  birthDate: '2026-10-05',
};
const baby = newClient(draft, { id: 'm1', teamId: 't1' }, 'c1', NOW);
const mother = (groups: Client['groups']): Client =>
  newClient(
    { ...draft, code: 'MUM-0001', birthYear: 1995, groups, birthDate: null },
    { id: 'm1', teamId: 't1' },
    'c0',
    NOW,
  );

describe('registration rules', () => {
  it('takes a year of birth from 110 years ago to this year', () => {
    expect(birthYearRange(NOW)).toEqual({ min: 1916, max: 2026 });
    expect(parseBirthYear(' 1994 ', NOW)).toBe(1994);
    for (const bad of ['1915', '2027', '94', '1994.5', 'nineteen', ''])
      expect(parseBirthYear(bad, NOW)).toBeNull();
  });

  it('asks for a mother for children (by group or under five) and a date of birth for babies', () => {
    expect(needsMother(['infant'], 2026, NOW)).toBe(true);
    expect(needsMother([], 2022, NOW)).toBe(true);
    expect(needsMother(['pregnant'], 1996, NOW)).toBe(false);
    expect(needsBirthDate(2024, NOW)).toBe(true);
    expect(needsBirthDate(2023, NOW)).toBe(false);
  });

  it('takes a date of birth in the year given, not in the future, as YYYY-MM-DD', () => {
    expect(parseBirthDate('2026-10-05', 2026, NOW)).toBe('2026-10-05');
    for (const bad of ['2026-12-01', '2025-10-05', '05/10/2026', '2026-02-30', '2026-13-01'])
      expect(parseBirthDate(bad, 2026, NOW)).toBeNull();
  });

  it('offers as mothers only her female clients of twelve or older', () => {
    const list = [mother(['living_with_hiv']), baby, { ...mother([]), id: 'x', sex: 'male' as const }];
    expect(possibleMothers(list, NOW).map((c) => c.id)).toEqual(['c0']);
  });

  it('registers her with consent, under a code only', () => {
    expect(baby).toMatchObject({ id: 'c1', code: 'ABC-DEFG', mentorId: 'm1', teamId: 't1', consent: true });
    expect(baby.consentAt).toBe(NOW.toISOString());
  });

  it('makes a code no client has', async () => {
    const bytes = [new Uint8Array(6), new Uint8Array([1, 2, 3, 4, 5, 6])];
    const store = { clients: { list: async () => [{ ...baby, code: 'AAA-AAAA' }] } } as never;
    const code = await uniqueClientCode(store, { bytes: () => bytes.shift() ?? new Uint8Array(6) });
    expect(code).not.toBe('AAA-AAAA');
    expect(code).toMatch(/^[A-Z2-9]{3}-[A-Z2-9]{4}$/);
  });
});
