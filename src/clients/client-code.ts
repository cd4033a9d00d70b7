/**
 * Pseudonymous client codes, read aloud and written in a register: 6 characters from an alphabet without
 * look-alikes plus a check character (weighted sum mod 31), so a mistyped code is caught, shown as XXX-XXXX.
 */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function checkChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (i + 1) * ALPHABET.indexOf(body[i] as string);
  return ALPHABET[sum % ALPHABET.length] as string;
}

export function makeClientCode(random: Uint8Array): string {
  let body = '';
  for (let i = 0; i < 6; i++) body += ALPHABET[(random[i] ?? 0) % ALPHABET.length];
  const code = body + checkChar(body);
  return `${code.slice(0, 3)}-${code.slice(3)}`;
}

/** The stored form of a generated code as typed, or null if it is not one (wrong length, letters or check). */
export function parseClientCode(text: string): string | null {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== 7 || [...compact].some((c) => !ALPHABET.includes(c))) return null;
  const body = compact.slice(0, 6);
  if (checkChar(body) !== compact[6]) return null;
  return `${compact.slice(0, 3)}-${compact.slice(3)}`;
}

/**
 * Her own register number instead of a generated code: letters, digits and - / only, 3 to 20 characters, and
 * never something that looks like a phone number (7 or more digits in a row).
 */
export function parseRegisterNumber(text: string): string | null {
  const value = text.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9/-]{2,19}$/.test(value)) return null;
  if (/\d{7,}/.test(value.replace(/[-/]/g, ''))) return null;
  return value;
}
