import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type Country,
  countrySchema,
  MEETS,
  NEEDS,
  NUMBER_KINDS,
  type NumberKind,
  OFFICIAL_PUBLISHERS,
} from '../../src/teams/countries.js';

const dir = join(import.meta.dirname, '..', '..', 'content', 'countries');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const countries: Country[] = files.map((f) => countrySchema.parse(parse(readFileSync(join(dir, f), 'utf8'))));
const all = countries.flatMap((c) => c.numbers.map((n) => ({ country: c.code, ...n })));

const number = {
  number: '112',
  kind: 'generalEmergency',
  service: 'One number for police, fire and ambulance',
  source: {
    title: 'Emergency numbers',
    url: 'https://example.gov/emergency',
    publisher: 'Ministry of Health',
    publisherType: 'ministry',
  },
  checked: '2026-12-02',
  dialTested: false,
};
const country = (numbers: unknown[], noneKnown: Record<string, string> = {}) => ({
  code: 'XX',
  name: 'Testland',
  defaultLanguage: 'en',
  timezone: 'Africa/Nairobi',
  numbers,
  noneKnown: {
    mentalHealth: 'none known: nothing found in the test',
    genderViolence: 'none known: nothing found in the test',
    ...noneKnown,
  },
});
const problems = (data: unknown): string[] => {
  const r = countrySchema.safeParse(data);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('country files', () => {
  it('the ten programme countries are there', () => {
    expect(countries.map((c) => c.code).sort()).toEqual(
      ['AO', 'GH', 'KE', 'LS', 'MW', 'MZ', 'TZ', 'UG', 'ZA', 'ZM'].sort(),
    );
  });

  for (const file of files) {
    it(`${file} validates and is named after its code`, () => {
      const data = parse(readFileSync(join(dir, file), 'utf8'));
      expect(problems(data)).toEqual([]);
      expect(file).toBe(`${String(data.code).toLowerCase()}.yaml`);
    });
  }

  it('every need is met by a number or said plainly to be unknown', () => {
    for (const c of countries)
      for (const need of NEEDS) {
        const met = c.numbers.some((n) => MEETS[need].includes(n.kind));
        expect(met !== (c.noneKnown[need] !== undefined), `${c.code} ${need}`).toBe(true);
      }
  });

  it('nobody claims a number was dial-tested without saying who dialled it', () => {
    for (const n of all) if (n.dialTested) expect(n.dialNote, `${n.country} ${n.number}`).toBeTruthy();
  });
});

describe('the schema refuses', () => {
  it('a number without a source', () => {
    const { source: _, ...noSource } = number;
    expect(problems(country([noSource])).join()).toMatch(/source/);
  });
  it('a source without a title or url, or with a url that is not one', () => {
    expect(problems(country([{ ...number, source: { ...number.source, title: undefined } }])).join()).toMatch(
      /title/,
    );
    expect(
      problems(country([{ ...number, source: { ...number.source, url: 'see the ministry' } }])).join(),
    ).toMatch(/url/);
  });
  it('a number without the date it was checked, or with a date that is not one', () => {
    const { checked: _, ...noDate } = number;
    expect(problems(country([noDate])).join()).toMatch(/checked/);
    expect(problems(country([{ ...number, checked: 'last year' }])).join()).toMatch(/YYYY-MM-DD/);
  });
  it('a number that does not say whether it was dial-tested, or claims it without a note', () => {
    const { dialTested: _, ...noDial } = number;
    expect(problems(country([noDial])).join()).toMatch(/dialTested/);
    expect(problems(country([{ ...number, dialTested: true }])).join()).toMatch(/dialNote/);
    expect(
      problems(
        country([{ ...number, dialTested: true, dialNote: 'Dialled by X from Airtel on 2026-12-01' }]),
      ),
    ).toEqual([]);
  });
  it('a kind of number it does not know', () => {
    expect(problems(country([{ ...number, kind: 'hotline' }])).join()).toMatch(/kind/);
  });
  it('a need neither met by a number nor said to be unknown, and "none known" beside a number that meets it', () => {
    expect(problems(country([])).join()).toMatch(/noneKnown.ambulance: no number meets "ambulance"/);
    expect(
      problems(country([number], { ambulance: 'none known: but there is one right above' })).join(),
    ).toMatch(/remove "none known"/);
  });
  it('a gap that does not start with "none known: " and say why', () => {
    expect(problems(country([], { ambulance: 'unknown' })).join()).toMatch(/none known/);
  });
  it('accepts a dated YAML value as the checked date', () => {
    expect(problems(country([{ ...number, checked: new Date('2026-12-02T00:00:00Z') }]))).toEqual([]);
  });
});

/**
 * Labels the source does not support. The kind a number is shown as must be what its source says it reaches: the
 * `service` line carries what the source says, and each kind needs its words there. Known mistakes are listed too.
 */
describe('labels match what the source says', () => {
  const KNOWN_WRONG: { country: string; number: string; not: NumberKind[]; why: string }[] = [
    {
      country: 'KE',
      number: '1199',
      not: ['mentalHealth', 'ambulance', 'generalEmergency'],
      why: 'the Kenya Red Cross line: counselling',
    },
    { country: 'UG', number: '116', not: ['genderViolence'], why: 'the Uganda Child Helpline' },
    { country: 'TZ', number: '116', not: ['genderViolence'], why: 'the National Child Helpline' },
    {
      country: 'KE',
      number: '999',
      not: ['ambulance', 'generalEmergency'],
      why: 'the police: no source says it sends an ambulance',
    },
    {
      country: 'TZ',
      number: '112',
      not: ['ambulance', 'generalEmergency'],
      why: 'the police: no source says it sends an ambulance',
    },
    {
      country: 'ZM',
      number: '933',
      not: ['mentalHealth'],
      why: 'Lifeline began as a suicide line; now the GBV line',
    },
  ];
  for (const k of KNOWN_WRONG)
    it(`${k.country} ${k.number} is not shown as ${k.not.join(' or ')} (${k.why})`, () => {
      const found = all.filter((n) => n.country === k.country && n.number === k.number);
      for (const n of found) expect(k.not).not.toContain(n.kind);
    });

  /** The words the service line must have for a kind (what the source says it reaches). */
  const SUPPORTS: Record<NumberKind, RegExp> = {
    ambulance: /ambulance/i,
    generalEmergency: /ambulance/i,
    police: /police/i,
    mentalHealth: /suicide|mental/i,
    counselling: /counselling|psychosocial/i,
    genderViolence: /gender|GBV/i,
    childHelpline: /child/i,
    hiv: /HIV|AIDS/i,
  };
  it('every number has the words for its kind in what its source says', () => {
    const bad = all
      .filter((n) => !SUPPORTS[n.kind].test(n.service))
      .map((n) => `${n.country} ${n.number} ${n.kind}`);
    expect(bad).toEqual([]);
  });
  it('a child helpline is shown as a child helpline, a Red Cross line never as a crisis or ambulance line', () => {
    for (const n of all) {
      if (/child helpline/i.test(n.service)) expect(n.kind, `${n.country} ${n.number}`).toBe('childHelpline');
      if (/red cross/i.test(n.service))
        expect(['mentalHealth', 'ambulance', 'generalEmergency'], `${n.country} ${n.number}`).not.toContain(
          n.kind,
        );
    }
  });
  it('every kind has words to check it by', () => {
    expect(Object.keys(SUPPORTS).sort()).toEqual([...NUMBER_KINDS].sort());
  });

  /**
   * Numbers shown before 2026-12-02 whose source is not an official publication (a news item, the line's operator,
   * a UN agency). They stay until an official source replaces them; any other number needs an official source.
   */
  const NOT_YET_OFFICIAL = [
    'GH 112',
    'GH 0800 111 222',
    'KE 999',
    'KE 1199',
    'KE 1195',
    'MW 5600',
    'TZ 116',
    'TZ 117',
    'ZA 10177',
    'ZA 0800 567 567',
    'ZA 0800 012 322',
    'ZM 933',
  ];
  it('a number added from now on names an official source (ministry, emergency service, police, regulator, government)', () => {
    const unofficial = all
      .filter((n) => !OFFICIAL_PUBLISHERS.includes(n.source.publisherType))
      .map((n) => `${n.country} ${n.number}`);
    expect(unofficial.filter((n) => !NOT_YET_OFFICIAL.includes(n))).toEqual([]);
    // When one gets an official source, take it off the list.
    expect(NOT_YET_OFFICIAL.filter((n) => !unofficial.includes(n))).toEqual([]);
  });
});
