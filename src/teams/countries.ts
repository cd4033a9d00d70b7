import { z } from 'zod';
import { LANGUAGES } from '../accounts/types.js';

/**
 * What a number reaches, as its source says. `generalEmergency` is one number for police, fire and ambulance (the
 * source must say it reaches an ambulance); `police` is a police line that the source does not say sends an
 * ambulance; `counselling` is a general counselling or psychosocial support line (not a suicide crisis line).
 */
export const NUMBER_KINDS = [
  'ambulance',
  'generalEmergency',
  'police',
  'mentalHealth',
  'counselling',
  'genderViolence',
  'childHelpline',
  'hiv',
] as const;
export type NumberKind = (typeof NUMBER_KINDS)[number];

/** The needs an emergency outcome must answer: by a number, or by saying plainly that none is known. */
export const NEEDS = ['ambulance', 'mentalHealth', 'genderViolence'] as const;
export type Need = (typeof NEEDS)[number];

/** The kinds of number that meet a need. */
export const MEETS: Record<Need, readonly NumberKind[]> = {
  ambulance: ['ambulance', 'generalEmergency'],
  mentalHealth: ['mentalHealth'],
  genderViolence: ['genderViolence'],
};

/**
 * Who published the source. Official: `ministry`, `emergencyService`, `police`, `regulator`, `government`.
 * Not official, kept only for numbers already shown and flagged for replacement: `helplineOperator` (the
 * organisation that runs the line, on its own site), `intergovernmental` (a UN agency), `press` (a news item
 * reporting an official's statement). A new number needs an official source.
 */
export const PUBLISHER_TYPES = [
  'ministry',
  'emergencyService',
  'police',
  'regulator',
  'government',
  'helplineOperator',
  'intergovernmental',
  'press',
] as const;
export const OFFICIAL_PUBLISHERS: readonly (typeof PUBLISHER_TYPES)[number][] = [
  'ministry',
  'emergencyService',
  'police',
  'regulator',
  'government',
];

const isoDate = z
  .union([z.string(), z.date()])
  .transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'));

const source = z.strictObject({
  /** The page's or document's title, as published. */
  title: z.string().min(3),
  url: z.url({ protocol: /^https?$/ }),
  /** Who published it (for a news item: the outlet and whose statement it reports). */
  publisher: z.string().min(2),
  publisherType: z.enum(PUBLISHER_TYPES),
});

const phone = z
  .strictObject({
    number: z.string().regex(/^[0-9 +]{3,20}$/, 'digits, spaces and + only'),
    /** What the number reaches, as the source says (see NUMBER_KINDS). */
    kind: z.enum(NUMBER_KINDS),
    /** The service's own name and what the source says it is for, in a line (shown to trainers, not mentors). */
    service: z.string().min(3),
    source,
    /** The day someone read the source and checked the number against it. */
    checked: isoDate,
    /** True only when someone dialled it from the country and reached the service (say who and when in `dialNote`). */
    dialTested: z.boolean(),
    dialNote: z.string().min(3).optional(),
  })
  .refine((p) => !p.dialTested || p.dialNote, {
    message: 'dialTested: true needs a dialNote (who dialled it, when, from which network)',
    path: ['dialNote'],
  });
export type EmergencyNumber = z.infer<typeof phone>;

export const countrySchema = z
  .strictObject({
    code: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. KE'),
    name: z.string().min(1),
    defaultLanguage: z.enum(LANGUAGES),
    timezone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not an IANA timezone'),
    /** Numbers shown with an emergency outcome, in the order shown; each names its source and the day it was checked. */
    numbers: z.array(phone).default([]),
    /** For each need no number meets: `none known: ` and what was searched, so nobody takes the gap for an oversight. */
    noneKnown: z
      .partialRecord(
        z.enum(NEEDS),
        z.string().regex(/^none known: .{10,}/s, 'starts with "none known: " and says why'),
      )
      .default({}),
    /** Where national guidance differs from WHO, in a sentence or two. */
    notes: z.array(z.string().min(1)).default([]),
  })
  .superRefine((c, ctx) => {
    for (const need of NEEDS) {
      const met = c.numbers.some((n) => MEETS[need].includes(n.kind));
      const said = c.noneKnown[need] !== undefined;
      if (!met && !said)
        ctx.addIssue({
          code: 'custom',
          path: ['noneKnown', need],
          message: `no number meets "${need}": add one from an official source, or say "none known: ..." here`,
        });
      if (met && said)
        ctx.addIssue({
          code: 'custom',
          path: ['noneKnown', need],
          message: `a number meets "${need}": remove "none known"`,
        });
    }
  });

export type Country = z.infer<typeof countrySchema>;

/** Whether a national number meets this need in this country. */
export const meets = (country: Country, need: Need): boolean =>
  country.numbers.some((n) => MEETS[need].includes(n.kind));

export interface Countries {
  get(code: string): Country | undefined;
  list(): Country[];
}

/** The programme's countries, from content/countries/<cc>.yaml (validated with the rest of the content). */
export function countriesFrom(list: Country[]): Countries {
  const byCode = new Map(list.map((c) => [c.code, c]));
  return {
    get: (code) => byCode.get(code.toUpperCase()),
    list: () => [...byCode.values()],
  };
}
