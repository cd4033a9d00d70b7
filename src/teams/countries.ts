import { z } from 'zod';
import { LANGUAGES } from '../accounts/types.js';

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
