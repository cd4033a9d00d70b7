import { describe, expect, it } from 'vitest';
import { DONE_ID, matchTypedChoice, NONE_ID } from '../../src/core/choice-input.js';
import type { PendingChoices } from '../../src/core/session.js';

const one: PendingChoices = {
  choices: [
    { id: 'lang:en', label: 'English' },
    { id: 'lang:pt', label: 'Português' },
  ],
  multiple: false,
  selected: [],
  allowText: false,
};
const several: PendingChoices = {
  ...one,
  multiple: true,
  choices: [
    { id: 'a', label: 'Cough' },
    { id: 'b', label: 'Fever' },
    { id: 'c', label: 'Night sweats' },
    { id: NONE_ID, label: 'None of these' },
    { id: DONE_ID, label: 'Done' },
  ],
};

describe('typed answers to choices', () => {
  it('takes a number, or a label in any case and without accents', () => {
    expect(matchTypedChoice('2', one)).toEqual({ kind: 'choice', id: 'lang:pt' });
    expect(matchTypedChoice(' portugues ', one)).toEqual({ kind: 'choice', id: 'lang:pt' });
    expect(matchTypedChoice('ENGLISH', one)).toEqual({ kind: 'choice', id: 'lang:en' });
  });

  it('refuses numbers out of range and passes other text on', () => {
    expect(matchTypedChoice('0', one)).toEqual({ kind: 'invalid', reason: 'range' });
    expect(matchTypedChoice('3', one)).toEqual({ kind: 'invalid', reason: 'range' });
    expect(matchTypedChoice('1, 2', one)).toEqual({ kind: 'no-match' });
    expect(matchTypedChoice('hello', one)).toEqual({ kind: 'no-match' });
    expect(matchTypedChoice('!!!', one)).toEqual({ kind: 'no-match' });
  });

  it('takes several numbers separated by commas, spaces or semicolons, once each', () => {
    expect(matchTypedChoice('1, 3', several)).toEqual({ kind: 'choices', ids: ['a', 'c'] });
    expect(matchTypedChoice('3 1 3', several)).toEqual({ kind: 'choices', ids: ['c', 'a'] });
    expect(matchTypedChoice('1;2', several)).toEqual({ kind: 'choices', ids: ['a', 'b'] });
    expect(matchTypedChoice('4', several)).toEqual({ kind: 'choices', ids: [NONE_ID] });
    expect(matchTypedChoice('fever', several)).toEqual({ kind: 'choices', ids: ['b'] });
  });

  it('refuses "none of these" together with other answers, and numbers out of range', () => {
    expect(matchTypedChoice('1, 4', several)).toEqual({ kind: 'invalid', reason: 'none-with-others' });
    expect(matchTypedChoice('1, 9', several)).toEqual({ kind: 'invalid', reason: 'range' });
  });
});
