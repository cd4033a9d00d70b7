import { LANGUAGE_NAMES } from '../../accounts/display.js';
import type { Lang } from '../../accounts/types.js';
import type { Translator } from '../../i18n/i18n.js';
import type { Passage } from '../../search/passages.js';

/** A chat answer is read on a small phone: the passage (<= 800 characters), its title and where it comes from. */
export const MAX_ANSWER_CHARS = 800;

/** A passage as she reads it, in her language's words (and a note when the passage itself is in English). */
export function formatPassage(reader: { t: Translator; lang: Lang }, passage: Passage): string {
  const { t, lang } = reader;
  const body =
    passage.text.length > MAX_ANSWER_CHARS ? `${passage.text.slice(0, MAX_ANSWER_CHARS - 1)}…` : passage.text;
  const lines = [
    `📖 ${passage.itemTitle}: ${passage.heading}`,
    '',
    body,
    '',
    t('search.source', { source: passage.source }),
    reviewLine(t, passage.approved),
  ];
  if (passage.lang !== lang) lines.push(t('search.inEnglish', { language: LANGUAGE_NAMES[lang] }));
  return lines.join('\n');
}

/** Whether a clinician has approved what she reads: said on every answer, so a draft is never taken for reviewed. */
export function reviewLine(t: Translator, approved: { by: string; date: string } | null): string {
  return approved ? t('search.approved', approved) : t('search.notApproved');
}
