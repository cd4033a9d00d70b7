import { describe, expect, it } from 'vitest';
import { answerFrom } from '../../src/features/screening/answer-parsing.js';
import { monthOf, parseTypedDate } from '../../src/features/screening/date-input.js';
import { parseBloodPressure, parseNumber } from '../../src/features/screening/number-input.js';
import type { Question } from '../../src/screening/schema.js';

describe('numbers with units', () => {
  it('takes a plain number, a decimal comma or point, and spaces', () => {
    expect(parseNumber('62')).toBe(62);
    expect(parseNumber(' 62,5 ')).toBe(62.5);
    expect(parseNumber('62.5')).toBe(62.5);
    expect(parseNumber('-3')).toBe(-3);
  });

  it("takes the question's unit in any spelling, with or without a space", () => {
    expect(parseNumber('13 cm', ['cm'])).toBe(13);
    expect(parseNumber('13cm', ['cm'])).toBe(13);
    expect(parseNumber('38,5 °C', ['°C'])).toBe(38.5);
    expect(parseNumber('38.5C', ['°C'])).toBe(38.5);
    expect(parseNumber('120 mmHg', ['mmHg'])).toBe(120);
    expect(parseNumber('120 mm Hg', ['mmHg'])).toBe(120);
    expect(parseNumber('12 meses', ['months', 'meses'])).toBe(12);
    expect(parseNumber('12 months', ['months', 'meses'])).toBe(12);
  });

  it('takes a known unit when the question names none', () => {
    expect(parseNumber('13 cm')).toBe(13);
    expect(parseNumber('38,5 °C')).toBe(38.5);
  });

  it('refuses a unit that contradicts the question, an unknown word, and what is not a number', () => {
    expect(parseNumber('13 kg', ['cm'])).toBeNull();
    expect(parseNumber('13 mm', ['cm'])).toBeNull();
    expect(parseNumber('13 apples')).toBeNull();
    expect(parseNumber('about 13')).toBeNull();
    expect(parseNumber('165/100', ['mmHg'])).toBeNull();
    expect(parseNumber('')).toBeNull();
  });
});

describe('a blood pressure in one answer', () => {
  it('takes both numbers separated by a slash, spaces or a word', () => {
    const bp = { systolic: 165, diastolic: 100 };
    for (const text of [
      '165/100',
      '165 100',
      '165 / 100',
      '165 over 100',
      '165 por 100',
      '165-100',
      '165/100 mmHg',
    ])
      expect(parseBloodPressure(text), text).toEqual(bp);
    expect(parseBloodPressure('90/60')).toEqual({ systolic: 90, diastolic: 60 });
  });

  it('refuses one number, three numbers and other words', () => {
    for (const text of ['165', '165/100/80', '165 and then 100', '1650/100', 'abc/def'])
      expect(parseBloodPressure(text), text).toBeNull();
  });
});

describe('typed dates, day first', () => {
  it('takes day/month/year with slashes, dashes or dots, and ISO', () => {
    for (const text of ['5/3/2025', '05/03/2025', '05-03-2025', '5.3.2025', '2025-03-05', '2025/3/5'])
      expect(parseTypedDate(text), text).toBe('2025-03-05');
  });

  it("takes a month's name or its start in the programme's languages", () => {
    for (const text of [
      '5 Mar 2025',
      '5 March 2025',
      'March 5, 2025',
      '5 março 2025',
      '5 de março de 2025',
      '5 Machi 2025',
      '5 Hlakubele 2025',
      '5 Malichi 2025',
    ])
      expect(parseTypedDate(text), text).toBe('2025-03-05');
    expect(parseTypedDate('1 Okt 2026')).toBe('2026-10-01');
  });

  it('refuses dates that do not exist, ambiguous month starts and other text', () => {
    for (const text of [
      '31/4/2025',
      '29/2/2025',
      '5/13/2025',
      '0/3/2025',
      '5 Phu 2025',
      '5 Ma 2025',
      'yesterday',
      '5/3',
    ])
      expect(parseTypedDate(text), text).toBeNull();
    expect(parseTypedDate('29/2/2024')).toBe('2024-02-29');
  });

  it('names a month by a start every language agrees on', () => {
    expect(monthOf('jun')).toBe(6);
    expect(monthOf('Mei')).toBe(5);
    expect(monthOf('dez.')).toBe(12);
    expect(monthOf('hla')).toBeNull(); // Sesotho February and March
  });
});

describe('answers from typed text', () => {
  const muac: Question = {
    id: 'muac',
    type: 'number',
    text: 'MUAC?',
    min: 6,
    max: 30,
    integer: false,
    unit: 'cm',
    checks: [],
  };

  it("reads a number with the question's unit and refuses another unit", () => {
    expect(answerFrom(muac, { kind: 'text', text: '13 cm' }, ['cm'])).toEqual({ value: 13 });
    expect(answerFrom(muac, { kind: 'text', text: '12,5cm' }, ['cm'])).toEqual({ value: 12.5 });
    expect(answerFrom(muac, { kind: 'text', text: '13 kg' }, ['cm'])).toEqual({
      problem: { code: 'number' },
    });
  });
});
