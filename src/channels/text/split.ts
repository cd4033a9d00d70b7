/**
 * Splits a long text into parts of at most `limit` UTF-16 units. A cut goes, in this order of preference, at a
 * paragraph break, a line break or a space in the second half of the part; failing that, at the last whitespace
 * anywhere in it. A word is cut only when it is longer than the limit on its own (and never inside a surrogate
 * pair). Whitespace at a cut is dropped; a text that fits is returned as it is.
 */
export function splitText(text: string, limit: number): string[] {
  if (!(limit >= 2)) throw new RangeError(`splitText: limit must be at least 2, got ${limit}`);
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const at = cutAt(rest, limit);
    const part = rest.slice(0, at).trimEnd();
    if (part !== '') parts.push(part);
    rest = rest.slice(at).trimStart();
  }
  if (rest !== '' || parts.length === 0) parts.push(rest);
  return parts;
}

/** Where to cut `text` (longer than `limit`): the length of the first part, between 1 and `limit`. */
function cutAt(text: string, limit: number): number {
  // A separator starting at `limit` is fine too: the part before it is exactly `limit` long.
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = text.lastIndexOf(separator, limit);
    if (at >= limit / 2) return at;
  }
  const window = text.slice(0, limit + 1);
  for (let at = window.length - 1; at > 0; at--) if (/\s/.test(window.charAt(at))) return at;
  // One word longer than the limit: cut it, but not between the two halves of a surrogate pair.
  const high = text.charCodeAt(limit - 1);
  return high >= 0xd800 && high <= 0xdbff ? limit - 1 : limit;
}
