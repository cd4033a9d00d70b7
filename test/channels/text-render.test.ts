import { describe, expect, it } from 'vitest';
import { CLI_LIMITS, TELEGRAM_LIMITS, WHATSAPP_LIMITS } from '../../src/channels/text/limits.js';
import {
  type ChoicesMessage,
  choicesText,
  menuLines,
  renderChoices,
  renderText,
} from '../../src/channels/text/render.js';
import { splitText } from '../../src/channels/text/split.js';

const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');

/** Every part within the limit, nothing lost, no word cut. */
function expectClean(parts: string[], text: string, limit: number): void {
  for (const part of parts) expect(part.length).toBeLessThanOrEqual(limit);
  expect(words(parts.join(' '))).toEqual(words(text));
}

const question = (extra: Partial<ChoicesMessage> = {}): ChoicesMessage => ({
  type: 'choices',
  text: 'Which signs did you see?',
  choices: [
    { id: 'a', label: 'Fever' },
    { id: 'b', label: 'Cough' },
    { id: '_none', label: 'None of these' },
  ],
  multiple: false,
  ...extra,
});

describe('splitText', () => {
  it('returns a text that fits as it is, even an empty one', () => {
    expect(splitText('  hello\n', 10)).toEqual(['  hello\n']);
    expect(splitText('', 10)).toEqual(['']);
  });

  it('prefers a paragraph break, then a line break, then a space', () => {
    expect(splitText('aaaa bbbb\ncccc\n\ndddd eeee', 20)).toEqual(['aaaa bbbb\ncccc', 'dddd eeee']);
    expect(splitText('aaaa bbbb\ncccc dddd eeee', 16)).toEqual(['aaaa bbbb', 'cccc dddd eeee']);
    expect(splitText('aaaa bbbb cccc dddd eeee', 20)).toEqual(['aaaa bbbb cccc dddd', 'eeee']);
  });

  it('does not cut at an early paragraph break when a later line break leaves fuller parts', () => {
    const text = `ab\n\n${'word '.repeat(6)}\n${'more '.repeat(4)}`;
    const parts = splitText(text, 40);
    expect(parts[0]?.startsWith('ab\n\nword')).toBe(true);
    expectClean(parts, text, 40);
  });

  it('never cuts inside a word that fits, even with the only space early in the part', () => {
    const text = `a ${'x'.repeat(15)}`;
    expect(splitText(text, 10)).toEqual(['a', 'x'.repeat(10), 'x'.repeat(5)]);
    expect(splitText(`ab ${'y'.repeat(9)}`, 10)).toEqual(['ab', 'y'.repeat(9)]);
  });

  it('cuts at exactly the limit when a space follows', () => {
    expect(splitText(`${'a'.repeat(10)} b`, 10)).toEqual(['a'.repeat(10), 'b']);
  });

  it('cuts a 5,000-character text with no spaces into parts of at most 4,096', () => {
    const text = 'x'.repeat(5000);
    const parts = splitText(text, 4096);
    expect(parts.map((p) => p.length)).toEqual([4096, 904]);
    expect(parts.join('')).toBe(text);
  });

  it('keeps surrogate pairs whole when it must cut a word', () => {
    const text = '😀'.repeat(10); // 20 UTF-16 units
    const parts = splitText(text, 5);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(5);
      expect(part).not.toMatch(/[\uD800-\uDBFF]$/);
    }
    expect(parts.join('')).toBe(text);
  });

  it('splits real-sized paragraphs at paragraph breaks under every channel limit', () => {
    const paragraph = `${'word '.repeat(199)}end`; // 1000 characters
    const long = Array.from({ length: 9 }, () => paragraph).join('\n\n');
    for (const limit of [TELEGRAM_LIMITS.text, WHATSAPP_LIMITS.text, TELEGRAM_LIMITS.caption]) {
      const parts = splitText(long, limit);
      expectClean(parts, long, limit);
      expect(parts.every((p) => p.endsWith('end'))).toBe(true);
    }
    expect(splitText(long, CLI_LIMITS.text)).toEqual([long]);
  });

  it('refuses a limit too small to make progress', () => {
    expect(() => splitText('abc', 1)).toThrow(RangeError);
  });
});

describe('numbered menus', () => {
  it('numbers the choices "1. label" per line, under the question', () => {
    expect(menuLines(question())).toEqual(['1. Fever', '2. Cough', '3. None of these']);
    expect(choicesText(question())).toBe('Which signs did you see?\n\n1. Fever\n2. Cough\n3. None of these');
  });

  it('does not number again labels that carry their own numbers (PHQ-9)', () => {
    const phq = question({
      text: 'Little interest or pleasure in doing things?',
      choices: [
        { id: 'a:0', label: '0 Not at all' },
        { id: 'a:1', label: '1 Several days' },
        { id: 'back', label: 'Back' },
      ],
      labelsNumbered: true,
    });
    expect(choicesText(phq)).toBe(
      'Little interest or pleasure in doing things?\n\n0 Not at all\n1 Several days\nBack',
    );
  });

  it('shows the engine’s hint for several answers when there is one, and none of its own', () => {
    expect(choicesText(question({ multiple: true, hint: 'Andika namba, mfano 1, 3' }))).toBe(
      'Which signs did you see?\n\n1. Fever\n2. Cough\n3. None of these\n\nAndika namba, mfano 1, 3',
    );
    expect(choicesText(question({ multiple: true }))).toBe(
      'Which signs did you see?\n\n1. Fever\n2. Cough\n3. None of these',
    );
  });

  it('keeps the menu and its hint in one piece under the end of a long question', () => {
    const text = Array.from({ length: 3 }, (_, i) => `Paragraph ${i}: ${'word '.repeat(60)}`.trim()).join(
      '\n\n',
    );
    const message = question({ text, multiple: true, hint: 'Type the numbers, e.g. 1, 3' });
    const parts = renderChoices(message, 400);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(400);
    const last = parts.at(-1) ?? '';
    expect(last).toContain('1. Fever\n2. Cough\n3. None of these\n\nType the numbers, e.g. 1, 3');
    expect(parts.slice(0, -1).some((p) => p.includes('1. Fever'))).toBe(false);
    expect(words(parts.join(' '))).toEqual(words(choicesText(message)));
  });

  it('sends the menu on its own when it does not fit under the question’s last part', () => {
    const choices = Array.from({ length: 8 }, (_, i) => ({
      id: `c${i}`,
      label: `Choice ${i} ${'x'.repeat(20)}`,
    }));
    const text = 'y '.repeat(150).trim(); // 299 characters
    const parts = renderChoices(question({ text, choices }), 300);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(text);
    expect(parts[1]?.startsWith('1. Choice 0')).toBe(true);
    expect(parts[1]?.split('\n')).toHaveLength(8);
  });

  it('splits a menu too long for one message between its lines', () => {
    const choices = Array.from({ length: 30 }, (_, i) => ({ id: `c${i}`, label: `Choice number ${i}` }));
    const parts = renderChoices(question({ choices }), 200);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(200);
    const lines = parts.join('\n').split('\n');
    for (let i = 0; i < 30; i++) expect(lines).toContain(`${i + 1}. Choice number ${i}`);
  });
});

describe('renderText', () => {
  it('renders texts, menus and files within a channel’s limits, a long caption after its file', () => {
    const parts = renderText(
      [
        { type: 'text', text: 'x'.repeat(5000) },
        question({ multiple: true, hint: 'Type the numbers' }),
        { type: 'image', path: '/tmp/chart.png', caption: 'Your team' },
        { type: 'document', path: '/tmp/report.pdf', caption: 'c '.repeat(600).trim() },
        { type: 'document', path: '/tmp/plain.pdf' },
      ],
      WHATSAPP_LIMITS,
    );
    expect(parts.map((p) => p.kind)).toEqual(['text', 'text', 'text', 'media', 'media', 'text', 'media']);
    expect(parts[2]).toEqual({
      kind: 'text',
      text: 'Which signs did you see?\n\n1. Fever\n2. Cough\n3. None of these\n\nType the numbers',
    });
    expect(parts[3]).toEqual({ kind: 'media', type: 'image', path: '/tmp/chart.png', caption: 'Your team' });
    expect(parts[4]).toEqual({ kind: 'media', type: 'document', path: '/tmp/report.pdf' });
    expect(parts[5]).toEqual({ kind: 'text', text: 'c '.repeat(600).trim() });
    expect(parts[6]).toEqual({ kind: 'media', type: 'document', path: '/tmp/plain.pdf' });
  });

  it('leaves everything in one piece in the terminal', () => {
    const parts = renderText([{ type: 'text', text: 'x'.repeat(10_000) }], CLI_LIMITS);
    expect(parts).toEqual([{ kind: 'text', text: 'x'.repeat(10_000) }]);
  });
});
