import type { OutMessage } from '../../core/messages.js';

/**
 * Joins what belongs together into fewer messages: texts in a row, and texts followed by a question, become one
 * message (the question's text after them), as long as the whole stays within `limit` characters. Fewer messages
 * mean fewer notifications and less prepaid data on her phone, and fewer calls to the platform's API.
 */
export function coalesce(messages: readonly OutMessage[], limit: number): OutMessage[] {
  const out: OutMessage[] = [];
  for (const message of messages) {
    const last = out.at(-1);
    if (last?.type === 'text' && (message.type === 'text' || message.type === 'choices')) {
      const joined = `${last.text}\n\n${message.text}`;
      if (joined.length <= limit) {
        out[out.length - 1] = { ...message, text: joined };
        continue;
      }
    }
    out.push(message);
  }
  return out;
}
