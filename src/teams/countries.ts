import { z } from 'zod';
import { LANGUAGES } from '../accounts/types.js';

const phone = z.strictObject({
  number: z.string().regex(/^[0-9 +]{3,20}$/, 'digits, spaces and + only'),
  /** The official page or document that gives this number. */
  source: z.string().min(5),
});

export const countrySchema = z.strictObject({
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
  /** Numbers shown with an emergency outcome; each names its official source. Omitted when not confirmed. */
  numbers: z
    .strictObject({
      ambulance: phone.optional(),
      mentalHealth: phone.optional(),
      genderViolence: phone.optional(),
      hiv: phone.optional(),
    })
    .default({}),
  /** Where national guidance differs from WHO, in a sentence or two. */
  notes: z.array(z.string().min(1)).default([]),
});

export type Country = z.infer<typeof countrySchema>;

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
