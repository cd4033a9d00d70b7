/** Comparing parsed content (plain YAML data): equality and the places where two values differ. */

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys with a value: an optional key left out and one set to undefined read the same. */
const keysOf = (o: Record<string, unknown>): string[] => Object.keys(o).filter((k) => o[k] !== undefined);

/** Deep equality of plain data; the order of an object's keys does not matter, the order of a list does. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = keysOf(a);
    return keys.length === keysOf(b).length && keys.every((k) => sameData(a[k], b[k]));
  }
  return false;
}

export interface PlacesOptions {
  /** Top-level keys left out of the comparison (a review record when only the content matters). */
  skip?: readonly string[];
  /** Top-level objects named as one place (`review`, not `review.status` and `review.date`). */
  whole?: readonly string[];
  max?: number;
}

/**
 * Where two items differ, top level or one level deep: `title`, `sections[2]`, `words.bleeding`, at most `max`
 * (default 10) so a phone screen shows what matters rather than every shifted list entry.
 */
export function differingPlaces(before: unknown, after: unknown, options: PlacesOptions = {}): string[] {
  const max = options.max ?? 10;
  const a = isRecord(before) ? before : {};
  const b = isRecord(after) ? after : {};
  const places: string[] = [];
  const keys = [...new Set([...keysOf(b), ...keysOf(a)])].filter((k) => !options.skip?.includes(k));
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (sameData(x, y)) continue;
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++)
        if (!sameData(x[i], y[i])) places.push(`${key}[${i}]`);
    } else if (isRecord(x) && isRecord(y) && !options.whole?.includes(key)) {
      for (const sub of new Set([...keysOf(y), ...keysOf(x)]))
        if (!sameData(x[sub], y[sub])) places.push(`${key}.${sub}`);
    } else places.push(key);
    if (places.length >= max) break;
  }
  return places.slice(0, max);
}
