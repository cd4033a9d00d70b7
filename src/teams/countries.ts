import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
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

/** The programme's countries, from content/countries/<cc>.yaml. */
export function loadCountries(dir: string): Countries {
  const byCode = new Map<string, Country>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const parsed = countrySchema.safeParse(parse(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) {
      throw new Error(
        `${join(dir, file)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    byCode.set(parsed.data.code, parsed.data);
  }
  return {
    get: (code) => byCode.get(code.toUpperCase()),
    list: () => [...byCode.values()],
  };
}
