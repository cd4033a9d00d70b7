/**
 * Dates as Mentor Mothers write them: day first, as in every programme country ("5/3/2025", "05-03-2025",
 * "5.3.2025"), ISO ("2025-03-05"), or with the month's name in any of her languages ("5 Mar 2025",
 * "5 de março de 2025", "5 Machi 2025").
 */

/** Month names, January first, in each language of the programme (Sesotho and Chichewa as commonly written). */
const MONTHS: readonly (readonly string[])[] = [
  [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ],
  [
    'janeiro',
    'fevereiro',
    'marco',
    'abril',
    'maio',
    'junho',
    'julho',
    'agosto',
    'setembro',
    'outubro',
    'novembro',
    'dezembro',
  ],
  [
    'januari',
    'februari',
    'machi',
    'aprili',
    'mei',
    'juni',
    'julai',
    'agosti',
    'septemba',
    'oktoba',
    'novemba',
    'desemba',
  ],
  [
    'phesekgong',
    'hlakola',
    'hlakubele',
    'mmesa',
    'motsheanong',
    'phupjane',
    'phupu',
    'phato',
    'lewedu',
    'mphalane',
    'pulungwana',
    'tshitwe',
  ],
  [
    'januwale',
    'febuluwale',
    'malichi',
    'epulo',
    'meyi',
    'juni',
    'julayi',
    'ogasiti',
    'seputembala',
    'okutobala',
    'novembala',
    'disembala',
  ],
];

const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The month (1-12) a word names: a whole name, or its start of three letters or more when every name starting so
 * is the same month ("mar" is March in English and Portuguese; "phu" is June or July in Sesotho: refused).
 */
export function monthOf(word: string): number | null {
  const w = fold(word).replace(/\.$/, '');
  if (w.length < 3) return null;
  const found = new Set<number>();
  for (const names of MONTHS)
    names.forEach((name, i) => {
      if (name === w || name.startsWith(w)) found.add(i + 1);
    });
  return found.size === 1 ? ([...found][0] ?? null) : null;
}

const iso = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** The date as YYYY-MM-DD when it exists in the calendar (no 31 April, no 29 February 2025), else null. */
function realDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2200) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? iso(year, month, day) : null;
}

const DAY_FIRST = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/u;
const YEAR_FIRST = /^(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})$/u;

/** A typed date as YYYY-MM-DD, or null when it is not a date or not a real one. */
export function parseTypedDate(text: string): string | null {
  const trimmed = text.trim();
  const dayFirst = DAY_FIRST.exec(trimmed);
  if (dayFirst) return realDate(Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1]));
  const yearFirst = YEAR_FIRST.exec(trimmed);
  if (yearFirst) return realDate(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3]));
  // Named months: "5 Mar 2025", "5 de março de 2025", "March 5, 2025".
  const words = fold(trimmed)
    .split(/[\s,]+/)
    .filter((w) => w !== '' && w !== 'de' && w !== 'wa' && w !== 'la' && w !== 'ya');
  if (words.length !== 3) return null;
  const [a = '', b = '', c = ''] = words;
  if (!/^\d{4}$/.test(c)) return null;
  const year = Number(c);
  if (/^\d{1,2}$/.test(a)) {
    const month = monthOf(b);
    return month ? realDate(year, month, Number(a)) : null;
  }
  if (/^\d{1,2}$/.test(b)) {
    const month = monthOf(a);
    return month ? realDate(year, month, Number(b)) : null;
  }
  return null;
}
