import { describe, expect, it } from 'vitest';
import { DONE_ID, guessTypedChoice, matchTypedChoice, NONE_ID } from '../../src/core/choice-input.js';
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

describe('guessing a typed label', () => {
  const urgency = [
    { id: 'e', label: 'Emergency: go to hospital now' },
    { id: 'u', label: 'Urgent visit' },
    { id: 'n', label: 'Não' },
    { id: 's', label: 'Sim' },
  ];
  const label = (text: string) => guessTypedChoice(text, urgency)?.label ?? null;

  it('takes the start of one label, case and accents ignored', () => {
    expect(label('Emerg')).toBe('Emergency: go to hospital now');
    expect(label('emergency go')).toBe('Emergency: go to hospital now');
    expect(label('URG')).toBe('Urgent visit');
    expect(label('na')).toBe('Não');
    expect(label('si')).toBe('Sim');
  });

  it('takes one typo in a word of five letters or more', () => {
    expect(label('Emergncy')).toBe('Emergency: go to hospital now');
    expect(label('Emreg')).toBe('Emergency: go to hospital now');
    expect(label('urgnet visit')).toBe('Urgent visit');
    expect(label('Emergencyy')).toBe('Emergency: go to hospital now');
  });

  it('does not guess short words with typos, two typos, one letter, numbers or what fits several labels', () => {
    expect(label('Sin')).toBeNull();
    expect(label('Emregnecy')).toBeNull();
    expect(label('e')).toBeNull();
    expect(label('2')).toBeNull();
    expect(label('visit')).toBeNull();
    const two = [
      { id: 'a', label: 'Fever' },
      { id: 'b', label: 'Fever with a rash' },
      { id: 'c', label: 'Fatigue' },
    ];
    expect(guessTypedChoice('f', two)).toBeNull();
    expect(guessTypedChoice('fe', two)).toBeNull();
    expect(guessTypedChoice('fever', two)?.id).toBe('a');
    expect(guessTypedChoice('fever w', two)?.id).toBe('b');
  });

  it('reads numbered labels without their number', () => {
    const phq = [
      { id: '0', label: '0 Not at all' },
      { id: '1', label: '1 Several days' },
    ];
    expect(guessTypedChoice('sever', phq)?.id).toBe('1');
    expect(guessTypedChoice('not at', phq)?.id).toBe('0');
  });

  it('leaves exact numbers and labels to the exact match, as before', () => {
    expect(matchTypedChoice('Emerg', { ...one, choices: urgency })).toEqual({ kind: 'no-match' });
    expect(matchTypedChoice('sim', { ...one, choices: urgency })).toEqual({ kind: 'choice', id: 's' });
  });
});
