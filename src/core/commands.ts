import type { Lang } from '../accounts/types.js';
import type { Translations } from '../i18n/i18n.js';

export interface ParsedCommand {
  name: string;
  args: string;
}

/** Commands that may also be sent as a plain word ("menu", "msaada"), as WhatsApp users expect. */
export const WORD_COMMANDS = ['menu', 'help', 'cancel', 'language', 'link'] as const;

const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();

/**
 * "/start ABCD-EFGH" -> {name: start, args: ABCD-EFGH}; "/menu@m2m_bot" -> {name: menu}. A whole message that is a
 * command word in her language or in English ("menyu", "cancel") counts as that command too.
 */
export function parseCommand(text: string, lang: Lang, i18n: Translations): ParsedCommand | null {
  const slash = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (slash) return { name: (slash[1] ?? '').toLowerCase(), args: (slash[2] ?? '').trim() };
  // "link ABC-DEF" as a plain message (WhatsApp users rarely type slashes).
  const linkWords = [i18n.t(lang)('commands.words.link'), i18n.t('en')('commands.words.link')]
    .flatMap((w) => w.split('|'))
    .map(fold);
  const withArgs = /^(\S+)\s+(\S[\s\S]*)$/.exec(text.trim());
  if (withArgs && linkWords.includes(fold(withArgs[1] ?? '')))
    return { name: 'link', args: (withArgs[2] ?? '').trim() };
  const word = fold(text);
  if (word.length > 20) return null;
  for (const name of WORD_COMMANDS) {
    const words = [i18n.t(lang)(`commands.words.${name}`), i18n.t('en')(`commands.words.${name}`)]
      .flatMap((w) => w.split('|'))
      .map(fold);
    if (words.includes(word)) return { name, args: '' };
  }
  return null;
}
