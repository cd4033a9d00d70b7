/**
 * Numbers as people type them on a phone: "13 cm", "38,5 °C", "120 mmHg", and a blood pressure as one answer
 * ("165/100", "165 over 100").
 */

/** Units she may type after a number although the question names none, or names another spelling of it. */
const KNOWN_UNITS = ['cm', 'mm', 'm', 'kg', 'g', 'mmhg', 'mmol/l', 'mmol', 'mg/dl', 'c', 'f', 'bpm'] as const;

/** Spellings of one unit: what she types is folded to the first (degrees and spaces do not matter). */
const SAME_UNIT: Record<string, string> = { mmol: 'mmol/l', 'mm/hg': 'mmhg' };

/** A unit as compared: lower case, no spaces, no degree sign or final dot ("°C" and "c" are one unit). */
function foldUnit(unit: string): string {
  const folded = unit
    .toLowerCase()
    .replace(/[\s°º.]+/g, '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
  return SAME_UNIT[folded] ?? folded;
}

const NUMBER = /^(-?\d+(?:[.,]\d+)?)\s*(.*)$/su;

/**
 * The number she typed, with or without a unit; a decimal comma is a decimal point. A unit must be the question's
 * own (any of its spellings, e.g. the English and her language's) or, when the question names none, a known unit;
 * another unit contradicts the question and is refused (null), as is anything that is not a number.
 */
export function parseNumber(text: string, units: readonly string[] = []): number | null {
  const match = NUMBER.exec(text.trim());
  if (!match?.[1]) return null;
  const value = Number(match[1].replace(',', '.'));
  const unit = foldUnit(match[2] ?? '');
  if (unit === '') return value;
  const own = units.map(foldUnit);
  const fits = own.length > 0 ? own.includes(unit) : (KNOWN_UNITS as readonly string[]).includes(unit);
  return fits ? value : null;
}

/** Words between the two numbers of a blood pressure, in the programme's languages ("165 over 100"). */
const OVER = ['over', 'por', 'sobre', 'kwa', 'juu ya', 'ho', 'pa'];

const BLOOD_PRESSURE = new RegExp(
  `^(\\d{2,3})\\s*(?:/|\\\\|-|\\s|${OVER.map((w) => `\\s${w.replace(' ', '\\s+')}\\s`).join('|')})\\s*(\\d{2,3})\\s*(?:mm\\s*hg)?$`,
  'iu',
);

/** Both numbers of a blood pressure typed as one answer ("165/100", "165 100", "165 / 100", "165 over 100"). */
export function parseBloodPressure(text: string): { systolic: number; diastolic: number } | null {
  const match = BLOOD_PRESSURE.exec(text.trim());
  if (!match?.[1] || !match[2]) return null;
  return { systolic: Number(match[1]), diastolic: Number(match[2]) };
}
