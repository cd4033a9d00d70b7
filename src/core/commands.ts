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
  const words = commandWords(i18n, lang);
  // "link ABC-DEF" as a plain message (WhatsApp users rarely type slashes).
  const withArgs = /^(\S+)\s+(\S[\s\S]*)$/.exec(text.trim());
  if (withArgs && words.get('link')?.includes(fold(withArgs[1] ?? '')))
    return { name: 'link', args: (withArgs[2] ?? '').trim() };
  const word = fold(text);
  if (word.length > 20) return null;
  for (const name of WORD_COMMANDS) if (words.get(name)?.includes(word)) return { name, args: '' };
  return null;
}

/** Command words per language (hers and English), worked out once: every message is checked against them. */
const wordCache = new WeakMap<Translations, Map<Lang, Map<string, string[]>>>();

function commandWords(i18n: Translations, lang: Lang): Map<string, string[]> {
  let byLang = wordCache.get(i18n);
  if (!byLang) {
    byLang = new Map();
    wordCache.set(i18n, byLang);
  }
  let words = byLang.get(lang);
  if (!words) {
    words = new Map(
      WORD_COMMANDS.map((name) => [
        name,
        [i18n.t(lang)(`commands.words.${name}`), i18n.t('en')(`commands.words.${name}`)]
          .flatMap((w) => w.split('|'))
          .map(fold),
      ]),
    );
    byLang.set(lang, words);
  }
  return words;
}
