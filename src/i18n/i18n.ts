import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n as I18n, type Resource } from 'i18next';
import { LANGUAGES, type Lang } from '../accounts/types.js';

export type Translator = (key: string, options?: Record<string, unknown>) => string;

export interface Translations {
  t(lang: Lang): Translator;
  /** Every language's text for a key (to recognise command words in any language). */
  all(key: string): string[];
}

/** Reads locales/<lang>/*.json (one namespace per file name, "translation" being the default). */
export function readLocales(dir: string): Resource {
  const resources: Resource = {};
  for (const lang of LANGUAGES) {
    const langDir = join(dir, lang);
    const bundle: Record<string, unknown> = {};
    for (const file of readdirSync(langDir).filter((f) => f.endsWith('.json'))) {
      bundle[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(langDir, file), 'utf8'));
    }
    resources[lang] = bundle as Resource[string];
  }
  return resources;
}

export async function createTranslations(localesDir: string): Promise<Translations> {
  const instance: I18n = i18next.createInstance();
  await instance.init({
    resources: readLocales(localesDir),
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  const fixed = new Map<Lang, Translator>();
  for (const lang of LANGUAGES) {
    const t = instance.getFixedT(lang);
    // Texts without variables never change: look each up once (menus translate a dozen labels per message).
    const plain = new Map<string, string>();
    fixed.set(lang, (key, options) => {
      if (options !== undefined) return t(key, options) as string;
      let text = plain.get(key);
      if (text === undefined) {
        text = t(key, {}) as string;
        plain.set(key, text);
      }
      return text;
    });
  }
  return {
    t: (lang) => fixed.get(lang) ?? (fixed.get('en') as Translator),
    all: (key) => [...new Set(LANGUAGES.map((lang) => instance.getFixedT(lang)(key) as string))],
  };
}
