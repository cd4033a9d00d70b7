/**
 * Invite codes are read aloud and typed on small phones: 8 characters from an alphabet without look-alikes
 * (no 0/O, 1/I/L), shown as XXXX-XXXX. 40 bits of randomness, one-time and expiring, is plenty.
 */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 8;

export function makeInviteCode(randomBytes: Uint8Array): string {
  if (randomBytes.length < LENGTH) throw new Error('need at least 8 random bytes');
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[(randomBytes[i] ?? 0) % ALPHABET.length];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Turns what a person typed ("abcd efgh", "ABCD-EFGH") into the stored form, or null if it cannot be a code. */
export function normaliseInviteCode(text: string): string | null {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== LENGTH) return null;
  for (const ch of compact) if (!ALPHABET.includes(ch)) return null;
  return `${compact.slice(0, 4)}-${compact.slice(4)}`;
}
