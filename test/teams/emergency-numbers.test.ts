import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LANGUAGES } from '../../src/accounts/types.js';
import { emergencyNumbers } from '../../src/features/screening/outcome.js';
import { readLocales } from '../../src/i18n/i18n.js';
import { localesDir } from '../../src/paths.js';
import { countriesFrom, countrySchema, NUMBER_KINDS } from '../../src/teams/countries.js';

const dir = join(import.meta.dirname, '..', '..', 'content', 'countries');
const countries = countriesFrom(
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => countrySchema.parse(parse(readFileSync(join(dir, f), 'utf8')))),
);
const en = (readLocales(localesDir).en?.translation ?? {}) as { screening: Record<string, unknown> };
const t = (key: string): string => {
  const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], en);
  if (typeof value !== 'string') throw new Error(`no text for ${key}`);
  return value;
};

/** What the outcome shows her for a team in `code` (no team: `code` null). */
const shown = (code: string | null) =>
  emergencyNumbers({
    user: code ? ({ teamId: 't1' } as never) : null,
    store: { teams: { get: async () => (code ? { country: code } : undefined) } } as never,
    content: { countries } as never,
    t: t as never,
  });

describe('the numbers an emergency outcome shows', () => {
  it('every kind of number has a label in every language', () => {
    const resources = readLocales(localesDir);
    for (const lang of LANGUAGES) {
      const tree = resources[lang]?.translation as
        | { screening?: { numbers?: Record<string, string> } }
        | undefined;
      const numbers = tree?.screening?.numbers ?? {};
      for (const kind of NUMBER_KINDS) expect(numbers[kind], `${lang} ${kind}`).toBeTruthy();
    }
  });

  it('a country with a number that reaches an ambulance: the numbers, no "go to the facility" line', async () => {
    const text = await shown('UG');
    expect(text).toContain('Emergency (police, fire, ambulance): 999');
    expect(text).toContain('Child helpline: 116');
    expect(text).not.toContain('no national ambulance number');
  });

  it('a country with numbers but none for an ambulance: says so plainly first, then the numbers it has', async () => {
    const text = await shown('KE');
    expect(text.split('\n')[0]).toBe(t('screening.noAmbulanceNumber'));
    expect(text).toContain('nearest health facility now, and call your supervisor');
    expect(text).toContain('Police emergency: 999');
    expect(text).toContain('Counselling and support line: 1199');
    expect(text).not.toMatch(/Mental health[^\n]*1199/);
  });

  it('a country with no number at all: only the plain line', async () => {
    for (const code of ['AO', 'LS', 'MZ'])
      expect(await shown(code), code).toBe(t('screening.noAmbulanceNumber'));
  });

  it('no team: the general advice', async () => {
    expect(await shown(null)).toBe(t('screening.noNumbers'));
  });

  it('which countries have no national ambulance number (the line is shown there)', async () => {
    const without: string[] = [];
    for (const c of countries.list())
      if ((await shown(c.code)).includes(t('screening.noAmbulanceNumber'))) without.push(c.code);
    expect(without.sort()).toEqual(['AO', 'KE', 'LS', 'MW', 'MZ', 'TZ', 'ZM']);
  });
});
