import type { User } from '../accounts/types.js';
import { assertNever } from '../core/assert-never.js';

/** How a supervisor (or an admin) can reach a Mentor Mother at once from an alert. */
export type MentorContact =
  | { kind: 'phone'; number: string }
  | { kind: 'telegram'; link: string }
  | { kind: 'name'; name: string };

const WHATSAPP_WEB = /^(\d{7,15})@c\.us$/;
const PHONE = /^\+?(\d{7,15})$/;

/** What one of her addresses tells about reaching her: a phone number (WhatsApp), a Telegram chat, or nothing. */
function contactOf(address: string): MentorContact | null {
  const sep = address.indexOf(':');
  const channel = address.slice(0, sep);
  const ref = address.slice(sep + 1);
  if (channel === 'whatsapp-web') {
    const digits = WHATSAPP_WEB.exec(ref)?.[1];
    return digits ? { kind: 'phone', number: `+${digits}` } : null;
  }
  if (channel === 'whatsapp-cloud') {
    const digits = PHONE.exec(ref)?.[1];
    return digits ? { kind: 'phone', number: `+${digits}` } : null;
  }
  // A private Telegram chat's id is the person's user id: the link opens a chat with her.
  if (channel === 'telegram' && /^\d{1,20}$/.test(ref))
    return { kind: 'telegram', link: `tg://user?id=${ref}` };
  return null;
}

/**
 * The ways to reach her at once, best first: her phone number when one of her channels is WhatsApp, then a tap that
 * opens her Telegram chat; on channels that tell neither (the web chat), her name, as her team knows her.
 * `current` is the address she wrote from (the one she is on now), tried first.
 */
export function mentorContacts(mentor: User, current?: string | null): MentorContact[] {
  const addresses = [...new Set([current, mentor.lastAddress, ...mentor.addresses])].filter(
    (a): a is string => typeof a === 'string' && a.includes(':'),
  );
  const found = addresses.map(contactOf).filter((c): c is MentorContact => c !== null);
  const seen = new Set<string>();
  const unique = found.filter((c) => {
    const key = JSON.stringify(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const ordered = [...unique.filter((c) => c.kind === 'phone'), ...unique.filter((c) => c.kind !== 'phone')];
  return ordered.length > 0 ? ordered : [{ kind: 'name', name: mentor.name }];
}

/** The contact lines of an alert, in the reader's language (keys screening.contact.*). */
export function contactLines(
  t: (key: string, options?: Record<string, unknown>) => string,
  contacts: readonly MentorContact[],
  name: string,
): string {
  return contacts
    .map((c) => {
      switch (c.kind) {
        case 'phone':
          return t('screening.contact.phone', { name, number: c.number });
        case 'telegram':
          return t('screening.contact.telegram', { name, link: c.link });
        case 'name':
          return t('screening.contact.name', { name: c.name });
        default:
          return assertNever(c);
      }
    })
    .join('\n');
}
