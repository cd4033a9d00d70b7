import { LANGUAGES, type Lang } from '../accounts/types.js';
import type { GlossaryEntry } from '../content/catalog.js';
import { foldText } from './text.js';

interface Form {
  words: string[];
  term: GlossaryEntry;
}

/**
 * Finds glossary terms mentioned in a question, in any of the five languages, so a Swahili or Portuguese word
 * also finds the English passage ("kifua kikuu" -> tuberculosis). Longest forms win, and a form must be a whole
 * word sequence of the question.
 */
export class GlossaryExpander {
  /** Forms by their first word, longest first, so a question is scanned word by word, not form by form. */
  private readonly byFirstWord = new Map<string, Form[]>();

  constructor(glossary: GlossaryEntry[]) {
    for (const term of glossary) {
      const spellings = new Set<string>();
      for (const lang of LANGUAGES) {
        const word = term[lang];
        if (word) spellings.add(word);
        for (const other of term.also?.[lang] ?? []) spellings.add(other);
      }
      for (const spelling of spellings) {
        const words = foldText(spelling).split(' ').filter(Boolean);
        if (words.join(' ').length < 3 || !words[0]) continue;
        const list = this.byFirstWord.get(words[0]) ?? [];
        list.push({ words, term });
        this.byFirstWord.set(words[0], list);
      }
    }
    for (const list of this.byFirstWord.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  /** The terms mentioned, each once; where forms overlap, the longest wins. */
  termsIn(question: string): GlossaryEntry[] {
    const words = foldText(question).split(' ');
    const found: GlossaryEntry[] = [];
    for (let i = 0; i < words.length; ) {
      const match = this.byFirstWord
        .get(words[i] as string)
        ?.find((form) => form.words.every((w, j) => words[i + j] === w));
      if (!match) {
        i++;
        continue;
      }
      if (!found.includes(match.term)) found.push(match.term);
      i += match.words.length;
    }
    return found;
  }

  /** Words to add to the question: each term in English and in her language. */
  expansion(question: string, lang: Lang): string[] {
    const words: string[] = [];
    for (const term of this.termsIn(question)) {
      words.push(term.en, ...(term.also?.en ?? []));
      const own = term[lang];
      if (own) words.push(own);
    }
    return [...new Set(words)];
  }
}
