import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/accounts/types.js';
import { createTranslations, readLocales } from '../../src/i18n/i18n.js';
import { localesDir } from '../../src/paths.js';

type Tree = { [key: string]: string | Tree };

const flatten = (tree: Tree, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(`${prefix}${key}`, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
};
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

const PLURAL = /_(zero|one|two|few|many|other)$/;
/**
 * Keys with i18next plural suffixes folded into one `key_#` per language, so that languages compare by what
 * they say, not by how many plural forms their grammar has (pt needs "many", en does not).
 */
const folded = (keys: Map<string, string>): Map<string, string> =>
  new Map([...keys].map(([key, text]) => [key.replace(PLURAL, '_#'), text]));
/**
 * The plural forms i18next can pick for a count in a language (it asks Intl.PluralRules). Counts of clients,
 * follow-ups or years stay below a million, so pt's "many" (1 000 000 "de meses") is not asked for.
 */
const formsPicked = (lang: string): string[] => {
  const rules = new Intl.PluralRules(lang);
  const counts = [...Array.from({ length: 2000 }, (_, n) => n), 10_000, 100_000, 999_999];
  return [...new Set(counts.map((n) => rules.select(n)))].sort();
};
/** The plural forms each base key has in a language: exactly those its Intl.PluralRules can pick. */
const pluralForms = (keys: Map<string, string>): Map<string, string[]> => {
  const forms = new Map<string, string[]>();
  for (const key of keys.keys()) {
    const match = PLURAL.exec(key);
    if (!match?.[1]) continue;
    const base = key.slice(0, match.index);
    forms.set(base, [...(forms.get(base) ?? []), match[1]].sort());
  }
  return forms;
};

describe('UI strings', () => {
  const resources = readLocales(localesDir);
  const namespaces = Object.keys(resources.en ?? {});

  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    for (const ns of namespaces) {
      it(`${lang} ${ns}: every key en has, with the same placeholders, and nothing extra`, () => {
        const en = folded(flatten((resources.en?.[ns] ?? {}) as Tree));
        const other = folded(flatten((resources[lang]?.[ns] ?? {}) as Tree));
        expect(
          [...en.keys()].filter((k) => !other.has(k)),
          `${lang} lacks`,
        ).toEqual([]);
        expect(
          [...other.keys()].filter((k) => !en.has(k)),
          `${lang} has extra`,
        ).toEqual([]);
        for (const [key, text] of en) {
          expect(placeholders(other.get(key) ?? ''), `${lang} ${key}`).toEqual(placeholders(text));
          expect((other.get(key) ?? '').trim(), `${lang} ${key} is empty`).not.toBe('');
        }
      });
    }
    it(`${lang}: every plural key has exactly the forms ${lang}'s plural rules need`, () => {
      const needed = formsPicked(lang);
      for (const ns of namespaces) {
        for (const [key, forms] of pluralForms(flatten((resources[lang]?.[ns] ?? {}) as Tree))) {
          expect(forms, `${lang} ${ns}:${key}`).toEqual(needed);
        }
      }
    });
    it(`${lang} has no namespace en lacks`, () => {
      expect(Object.keys(resources[lang] ?? {}).filter((ns) => !namespaces.includes(ns))).toEqual([]);
    });
  }

  it('command words do not collide within a language', () => {
    for (const lang of LANGUAGES) {
      const words = flatten(resources[lang]?.translation as Tree);
      const all = ['menu', 'help', 'cancel', 'language'].flatMap((c) =>
        (words.get(`commands.words.${c}`) ?? '').split('|').map((w) => w.toLowerCase()),
      );
      expect(new Set(all).size, lang).toBe(all.length);
    }
  });

  it('falls back to English for a key a language lacks', async () => {
    const translations = await createTranslations(
      join(import.meta.dirname, '..', 'fixtures', 'locales-partial'),
    );
    expect(translations.t('sw')('menu.help')).toBe('Help');
    expect(translations.t('sw')('menu.language')).toBe('Badilisha lugha');
  });
});
