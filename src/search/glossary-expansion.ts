import { LANGUAGES, type Lang } from '../accounts/types.js';
import type { GlossaryEntry } from '../content/catalog.js';
import { foldText } from './text.js';

interface Form {
  words: string;
  term: GlossaryEntry;
}

/**
 * Finds glossary terms mentioned in a question, in any of the five languages, so a Swahili or Portuguese word
 * also finds the English passage ("kifua kikuu" -> tuberculosis). Longest forms win, and a form must be a whole
 * word sequence of the question.
 */
export class GlossaryExpander {
  private readonly forms: Form[];

  constructor(glossary: GlossaryEntry[]) {
    const forms: Form[] = [];
    for (const term of glossary) {
      const spellings = new Set<string>();
      for (const lang of LANGUAGES) {
        const word = term[lang];
        if (word) spellings.add(word);
        for (const other of term.also?.[lang] ?? []) spellings.add(other);
      }
      for (const spelling of spellings) {
        const words = foldText(spelling);
        if (words.length >= 3) forms.push({ words, term });
      }
    }
    this.forms = forms.sort((a, b) => b.words.length - a.words.length);
  }

  /** The terms mentioned, each once. */
  termsIn(question: string): GlossaryEntry[] {
    let text = ` ${foldText(question)} `;
    const found: GlossaryEntry[] = [];
    for (const form of this.forms) {
      const needle = ` ${form.words} `;
      if (!text.includes(needle)) continue;
      if (!found.includes(form.term)) found.push(form.term);
      text = text.replaceAll(needle, ' ');
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
