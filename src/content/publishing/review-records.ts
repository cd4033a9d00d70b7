import { isMap, isScalar, type Node, parse, parseDocument } from 'yaml';
import type { ContentSet } from '../content-set.js';
import type { ContentTree } from '../versions/content-tree.js';
import { contentItems } from './content-items.js';
import type { ItemKind } from './types.js';

export interface Approval {
  /** The clinician's name, as the review record shows it. */
  name: string;
  /** YYYY-MM-DD. */
  date: string;
}

/**
 * The same YAML text with its review record approved: `status: approved`, `by` and `date` set, `checks` kept.
 * Only those three values are rewritten in place, so comments, folding and layout stay as the author wrote them
 * (a round trip through the yaml package's printer re-wraps every long line). Null when the text has no review
 * record (a country) or does not parse.
 */
export function approveReview(text: string, approval: Approval): string | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return null;
  const review = doc.get('review', true);
  if (!isMap(review)) return null;
  const edited = review.flow ? null : editInPlace(text, review.items, approval);
  if (edited !== null && isApproved(edited, approval)) return edited;
  // An unusual layout (a flow map, keys missing): the Document API's printer, correct if less tidy.
  doc.setIn(['review', 'status'], 'approved');
  doc.setIn(['review', 'by'], approval.name);
  doc.setIn(['review', 'date'], approval.date);
  const printed = doc.toString({ lineWidth: 0 });
  return isApproved(printed, approval) ? printed : null;
}

type Pair = { key: unknown; value: unknown };

function editInPlace(text: string, pairs: Pair[], approval: Approval): string | null {
  const valueAt = (key: string): Node | null => {
    const pair = pairs.find((p) => isScalar(p.key) && p.key.value === key);
    return pair && isScalar(pair.value) && pair.value.range ? pair.value : null;
  };
  const status = valueAt('status');
  if (!status?.range) return null;
  const edits: { start: number; end: number; text: string }[] = [
    { start: status.range[0], end: status.range[1], text: 'approved' },
  ];
  // A missing `by` or `date` (they default to null) goes on new lines after status, at its indentation.
  const statusKey = pairs.find((p) => isScalar(p.key) && p.key.value === 'status')?.key;
  const keyStart = isScalar(statusKey) ? (statusKey.range?.[0] ?? null) : null;
  if (keyStart === null) return null;
  const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  const lineEnd = text.indexOf('\n', status.range[1]);
  const insertAt = lineEnd === -1 ? text.length : lineEnd;
  let inserted = '';
  for (const [key, value] of [
    ['by', scalar(approval.name)],
    ['date', approval.date],
  ] as const) {
    const node = valueAt(key);
    if (node?.range) edits.push({ start: node.range[0], end: node.range[1], text: value });
    else if (pairs.some((p) => isScalar(p.key) && p.key.value === key)) return null;
    else inserted += `\n${' '.repeat(indent)}${key}: ${value}`;
  }
  if (inserted) edits.push({ start: insertAt, end: insertAt, text: inserted });
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/** A name as a plain scalar when it reads back as the same string, else double-quoted (JSON is valid YAML). */
function scalar(value: string): string {
  const plain = /^[\p{L}][\p{L}\p{M}\p{N} .'-]*$/u.test(value) && !/ #|: /.test(value);
  if (plain) {
    try {
      if (parse(value) === value) return value;
    } catch {
      // quoted below
    }
  }
  return JSON.stringify(value);
}

function isApproved(text: string, approval: Approval): boolean {
  try {
    const review = (parse(text) as { review?: Record<string, unknown> } | null)?.review;
    return review?.status === 'approved' && review.by === approval.name && review.date === approval.date;
  } catch {
    return false;
  }
}

/** An item a clinician may approve, as `drafts()` lists it. */
export interface DraftItem {
  kind: ItemKind;
  id: string;
  lang: string | null;
  title: string;
  topic: string | null;
}

const reviewOf = (value: unknown): { status?: unknown } | undefined =>
  (value as { review?: { status?: unknown } }).review;

/** Items of a content set whose review record is still draft (earlier questionnaire versions left out). */
export function draftItems(content: ContentSet): DraftItem[] {
  const topics = new Map(content.questionnaires.map((q) => [q.id, q.topic]));
  const drafts: DraftItem[] = [];
  for (const item of contentItems(content).values()) {
    if (item.archived !== undefined || reviewOf(item.value)?.status !== 'draft') continue;
    const topic = (item.value as { topic?: unknown }).topic;
    drafts.push({
      kind: item.kind,
      id: item.id,
      lang: item.lang,
      title: item.title,
      topic: typeof topic === 'string' ? topic : (topics.get(item.id) ?? null),
    });
  }
  return drafts;
}

/**
 * The files holding the given items (matched by id and language) with their review records approved. Items
 * without a review record, or already approved, are left out.
 */
export function approvedFiles(
  content: ContentSet,
  tree: ContentTree,
  items: { id: string; lang: string | null }[],
  approval: Approval,
): { path: string; text: string }[] {
  const wanted = new Set(items.map((i) => `${i.id}|${i.lang ?? ''}`));
  const files: { path: string; text: string }[] = [];
  for (const item of contentItems(content).values()) {
    if (item.archived !== undefined || !wanted.has(`${item.id}|${item.lang ?? ''}`)) continue;
    if (reviewOf(item.value)?.status !== 'draft') continue;
    const path = [item.file, item.file.replace(/\.yaml$/, '.yml')].find((p) => tree.has(p));
    const bytes = path ? tree.get(path) : undefined;
    if (!path || !bytes || files.some((f) => f.path === path)) continue;
    const text = approveReview(Buffer.from(bytes).toString('utf8'), approval);
    if (text !== null) files.push({ path, text });
  }
  return files;
}
