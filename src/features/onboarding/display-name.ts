export type NameProblem = 'tooShort' | 'tooLong' | 'noLetters' | 'looksLikeNumber';

/**
 * The name colleagues know her by. Checked so a phone number or a stray reply does not become someone's name.
 * Returns null when the name is fine.
 */
export function validateDisplayName(raw: string): NameProblem | null {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length < 2) return 'tooShort';
  if (name.length > 50) return 'tooLong';
  if ((name.match(/\d/g) ?? []).length >= 4) return 'looksLikeNumber';
  if (!/\p{L}/u.test(name)) return 'noLetters';
  return null;
}
