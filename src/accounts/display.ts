import type { Translator } from '../i18n/i18n.js';
import type { Lang } from './types.js';

/** Each language named in itself, as the language menu shows it. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: 'English',
  pt: 'Português',
  sw: 'Kiswahili',
  st: 'Sesotho',
  ny: 'Chichewa',
};

/** A date as people read it in her language (falls back to English where the runtime lacks that locale). */
export function formatDate(date: Date | string, lang: Lang, timeZone: string): string {
  const value = typeof date === 'string' ? new Date(date) : date;
  return new Intl.DateTimeFormat([lang, 'en'], { dateStyle: 'medium', timeZone }).format(value);
}

export const roleLabel = (t: Translator, role: string): string => t(`roles.${role}`);
