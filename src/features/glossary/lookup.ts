import { LANGUAGES } from '../../accounts/types.js';
import type { GlossaryEntry } from '../../content/catalog.js';
import { foldText } from '../../search/text.js';

/** Health words are compared like search text: lowercase, accents off, punctuation to spaces. */
export const foldWord = foldText;

/** Every way a term is written, in every language, folded for matching. */
function spellings(term: GlossaryEntry): string[] {
  const words: string[] = [];
  for (const lang of LANGUAGES) {
    const word = term[lang];
    if (word) words.push(word);
    words.push(...(term.also?.[lang] ?? []));
  }
  return words.map(foldWord);
}

/**
 * Finds health words: an exact match in any language first, then words that start with or contain what she typed.
 * At most `limit` terms.
 */
export function lookUpWord(glossary: GlossaryEntry[], query: string, limit = 3): GlossaryEntry[] {
  const q = foldWord(query);
  if (q.length < 2) return [];
  const scored = glossary
    .map((term) => {
      const forms = spellings(term);
      const rank = forms.some((f) => f === q)
        ? 0
        : forms.some((f) => f.startsWith(q) || f.split(' ').includes(q))
          ? 1
          : forms.some((f) => f.includes(q) || (q.length >= 4 && q.includes(f) && f.length >= 4))
            ? 2
            : 3;
      return { term, rank };
    })
    .filter((s) => s.rank < 3)
    .sort((a, b) => a.rank - b.rank);
  return scored.slice(0, limit).map((s) => s.term);
}
