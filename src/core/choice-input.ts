import type { PendingChoices } from './session.js';

export const DONE_ID = '_done';
export const NONE_ID = '_none';

export type ChoiceMatch =
  | { kind: 'choice'; id: string }
  | { kind: 'choices'; ids: string[] }
  | { kind: 'invalid'; reason: 'range' | 'none-with-others' }
  | { kind: 'no-match' };

const fold = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Matches typed text against the question on screen: its number ("2"), its label ("Kiswahili", any case or
 * accents), or for several answers numbers separated by commas or spaces ("1, 3").
 */
export function matchTypedChoice(text: string, pending: PendingChoices): ChoiceMatch {
  const trimmed = text.trim();
  const { choices } = pending;
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    const choice = pending.numbersAreLabels
      ? choices.find((c) => c.label.startsWith(`${n} `))
      : choices[n - 1];
    // A number no label starts with is not a position: let the question say what it accepts.
    if (!choice && pending.numbersAreLabels) return { kind: 'no-match' };
    if (!choice) return { kind: 'invalid', reason: 'range' };
    return pending.multiple ? { kind: 'choices', ids: [choice.id] } : { kind: 'choice', id: choice.id };
  }
  if (pending.multiple && /^\d+([\s,;]+\d+)+$/.test(trimmed)) {
    const ids: string[] = [];
    for (const part of trimmed.split(/[\s,;]+/)) {
      const choice = choices[Number(part) - 1];
      if (!choice) return { kind: 'invalid', reason: 'range' };
      if (!ids.includes(choice.id)) ids.push(choice.id);
    }
    if (ids.includes(NONE_ID) && ids.length > 1) return { kind: 'invalid', reason: 'none-with-others' };
    return { kind: 'choices', ids };
  }
  const wanted = fold(trimmed);
  if (wanted === '') return { kind: 'no-match' };
  const byLabel = choices.find((c) => fold(c.label) === wanted);
  if (byLabel)
    return pending.multiple ? { kind: 'choices', ids: [byLabel.id] } : { kind: 'choice', id: byLabel.id };
  return { kind: 'no-match' };
}

/** For several answers a "None of these" choice always ends the list; "Done" is added for tapping channels. */
export function withMultipleExtras(
  choices: { id: string; label: string }[],
  noneLabel: string,
): { id: string; label: string }[] {
  return choices.some((c) => c.id === NONE_ID) ? choices : [...choices, { id: NONE_ID, label: noneLabel }];
}

/** Edits (insert, delete, change, swap of neighbours) from a to b, counted only up to 2: 2 means "two or more". */
function edits(a: string, b: string): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > 1) return 2;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const restA = a.slice(i + 1);
  const restB = b.slice(i + 1);
  if (a.length === b.length) {
    if (restA === restB) return 1; // one letter changed
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2) ? 1 : 2; // two swapped
  }
  return (a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)) ? 1 : 2;
}

/** A typed word fits a label's word: the same, or one edit away when the label's word has 5 letters or more. */
const wordFits = (typed: string, word: string): boolean =>
  typed === word || (word.length >= 5 && typed.length >= 4 && edits(typed, word) <= 1);

/** The typed words are the label's start: whole words, the last one possibly cut short, small typos allowed. */
function startsLabel(typed: string[], label: string[]): boolean {
  if (typed.length === 0 || typed.length > label.length) return false;
  return typed.every((w, i) => {
    const word = label[i] ?? '';
    if (wordFits(w, word)) return true;
    if (i < typed.length - 1) return false;
    // The last word cut short: "Emerg" for "Emergency", or "Emreg" (one edit from its start, 5 letters or more).
    return word.startsWith(w) || (w.length >= 5 && edits(w, word.slice(0, w.length)) <= 1);
  });
}

/** A label as compared word by word: without a leading answer number ("0 Not at all") or symbol. */
const labelWords = (label: string): string[] =>
  fold(label)
    .replace(/^\d+\s+/, '')
    .split(' ')
    .filter((w) => w !== '');

/**
 * The one choice a typed text probably means, when it is not exact: the start of its label ("Emerg" for
 * "Emergency ...", at least two letters) or a small typo ("Feverr"), case and accents ignored; a whole label
 * wins. Null when no label or several fit (an ambiguous start is not guessed) and for numbers, which mean
 * positions.
 */
export function guessTypedChoice<C extends { id: string; label: string }>(
  text: string,
  choices: readonly C[],
): C | null {
  const wanted = fold(text);
  if (wanted.replace(/\s/g, '').length < 2 || /^[\d\s]+$/.test(wanted)) return null;
  const typed = wanted.split(' ');
  // A whole label wins over longer labels it starts ("Fever" and "Fever with a rash").
  const exact = choices.filter((c) => labelWords(c.label).join(' ') === typed.join(' '));
  if (exact.length === 1) return exact[0] ?? null;
  const fitting = choices.filter((c) => startsLabel(typed, labelWords(c.label)));
  return fitting.length === 1 ? (fitting[0] ?? null) : null;
}
