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
