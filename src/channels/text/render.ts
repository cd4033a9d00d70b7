import { assertNever } from '../../core/assert-never.js';
import type { OutMessage } from '../../core/messages.js';
import type { TextLimits } from './limits.js';
import { splitText } from './split.js';

export type ChoicesMessage = Extract<OutMessage, { type: 'choices' }>;

/** What a text channel sends: texts within its limit, and files with a caption within its limit. */
export type TextPart =
  | { kind: 'text'; text: string }
  | { kind: 'media'; type: 'image' | 'document'; path: string; caption?: string };

/**
 * The menu lines of a choices message: "1. label" per choice, the way the engine takes typed answers (the
 * number, the label, or "1, 3" for several). Labels that carry their own numbers (a scored questionnaire:
 * "0 Not at all") are what the engine matches, so they are not numbered again.
 */
export function menuLines(message: ChoicesMessage): string[] {
  return message.choices.map((c, i) => (message.labelsNumbered ? c.label : `${i + 1}. ${c.label}`));
}

/** The menu and, when the engine gave one (several answers), the hint on how to type them, below it. */
export function menuText(message: ChoicesMessage): string {
  return join([menuLines(message).join('\n'), message.hint ?? '']);
}

/** A choices message as one text: the question, the numbered menu, the hint; blank lines between. */
export function choicesText(message: ChoicesMessage): string {
  return join([message.text, menuText(message)]);
}

/**
 * A choices message as texts of at most `limit`: the question split where it must, and the menu (with its hint)
 * kept in one piece where it fits, under the end of the question when there is room, else on its own.
 */
export function renderChoices(message: ChoicesMessage, limit: number): string[] {
  const menu = menuText(message);
  const whole = join([message.text, menu]);
  if (whole.length <= limit) return [whole];
  if (message.text === '' || menu === '') return splitText(whole, limit);
  const question = splitText(message.text, limit);
  if (menu.length > limit) return [...question, ...splitText(menu, limit)];
  const last = question.pop() ?? '';
  const together = join([last, menu]);
  return together.length <= limit ? [...question, together] : [...question, last, menu];
}

/** Neutral outputs -> what a text channel sends, each part within `limits`. */
export function renderText(messages: OutMessage[], limits: TextLimits): TextPart[] {
  const parts: TextPart[] = [];
  const texts = (list: string[]) => {
    for (const text of list) parts.push({ kind: 'text', text });
  };
  for (const message of messages) {
    switch (message.type) {
      case 'text':
        texts(splitText(message.text, limits.text));
        break;
      case 'choices':
        texts(renderChoices(message, limits.text));
        break;
      case 'image':
      case 'document': {
        const { type, path, caption } = message;
        if (!caption || caption.length <= (limits.caption ?? Number.POSITIVE_INFINITY)) {
          parts.push({ kind: 'media', type, path, ...(caption ? { caption } : {}) });
        } else {
          // A caption too long for the file goes after it as text.
          parts.push({ kind: 'media', type, path });
          texts(splitText(caption, limits.text));
        }
        break;
      }
      default:
        return assertNever(message);
    }
  }
  return parts;
}

const join = (blocks: string[]): string => blocks.filter((b) => b !== '').join('\n\n');
