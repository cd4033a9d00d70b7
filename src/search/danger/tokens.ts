/**
 * How a question is read for danger: clauses (split at punctuation and "but"), words folded (case and accents off),
 * and the readings written with digits (blood pressure, temperature, breaths per minute, MUAC, glucose, age).
 */

export interface Clause {
  words: string[];
}

/** Words that end a clause as punctuation does: a negation or a past never reaches across them. */
const CLAUSE_BREAKS = new Set(['but', 'mas', 'porem', 'lakini', 'ila', 'koma', 'empa', 'however']);

/** English contractions first, so "can't" reads as "can not" and "she's" as "she is". */
export function expandContractions(s: string): string {
  return s
    .replace(
      /\b(can|won|don|doesn|didn|isn|wasn|hasn|haven|couldn|wouldn|aren|ain)[’']t\b/gi,
      (_, w: string) => {
        const base = w.toLowerCase();
        return `${base === 'won' ? 'will' : base === 'can' ? 'can' : base.replace(/n$/, '')} not`;
      },
    )
    .replace(/[’']s\b/gi, ' is')
    .replace(/[’']re\b/gi, ' are')
    .replace(/[’']ve\b/gi, ' have')
    .replace(/[’']ll\b/gi, ' will');
}

export const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** Clauses of folded words; numbers with a decimal point or a slash stay whole ("38.4", "172/114"). */
export function clausesOf(question: string): Clause[] {
  const text = fold(expandContractions(question));
  const clauses: Clause[] = [];
  for (const part of text.split(/[,;:!?()\n]+|\.(?!\d)/)) {
    let words: string[] = [];
    for (const raw of part.split(/[^\p{L}\p{N}./]+/u)) {
      const w = raw.replace(/^[./]+|[./]+$/g, '');
      if (!w) continue;
      if (CLAUSE_BREAKS.has(w)) {
        if (words.length > 0) clauses.push({ words });
        words = [];
        continue;
      }
      // A word glued to a number ("38.4c", "12wks") is read as the two.
      const glued = /^(\d+(?:[.,]\d+)?)([a-z]+)$/.exec(w);
      if (glued) words.push(glued[1] as string, glued[2] as string);
      else words.push(...w.split(/(?<=\p{L})[./]+|[./]+(?=\p{L})/u).filter(Boolean));
    }
    if (words.length > 0) clauses.push({ words });
  }
  return clauses;
}

/** A number written with digits (a comma as the decimal mark too). */
export const numberOf = (w: string): number | null =>
  /^\d+(?:[.,]\d+)?$/.test(w) ? Number(w.replace(',', '.')) : null;
