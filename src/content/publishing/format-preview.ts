import type { Translator } from '../../i18n/i18n.js';
import type { ItemChange, LogicChange, Preview } from './types.js';

/** A phone screen: the first items, then how many more. */
const MAX_ITEMS = 25;
const MAX_LOGIC = 15;
/** Longer values show the part that changed with a little context. */
const MAX_VALUE = 60;
const CONTEXT = 20;

const MARK: Record<ItemChange['change'], string> = { added: '➕', changed: '✏️', removed: '➖' };

/**
 * The preview as a trainer (or a clinician) reads it in the chat: how many items are added, changed and removed,
 * one line per item, each questionnaire logic change before and after, the test cases, and what needs a clinician.
 */
export function formatPreview(t: Translator, preview: Preview): string {
  const count = (change: ItemChange['change']) => preview.items.filter((i) => i.change === change).length;
  const lines = [
    t('preview:headline', { added: count('added'), changed: count('changed'), removed: count('removed') }),
  ];

  lines.push(...preview.items.slice(0, MAX_ITEMS).map((item) => itemLine(t, item)));
  if (preview.items.length > MAX_ITEMS)
    lines.push(t('preview:more', { count: preview.items.length - MAX_ITEMS }));

  const other = otherFiles(preview);
  if (preview.items.length === 0 && other.length > 0) lines.push(t('preview:noItems'));
  if (other.length > 0) {
    const shown = other.slice(0, 5).join(', ') + (other.length > 5 ? ', …' : '');
    lines.push(t('preview:otherFiles', { files: shown }));
  }

  const logic = preview.logic.filter((c) => shownLogic(preview, c));
  lines.push(...logic.slice(0, MAX_LOGIC).map((c) => logicLine(t, c)));
  if (logic.length > MAX_LOGIC) lines.push(t('preview:moreLogic', { count: logic.length - MAX_LOGIC }));

  const passed = preview.tests.filter((r) => r.failed.length === 0);
  if (passed.length > 0) {
    const list = passed.map((r) => `${r.questionnaire} ${r.passed}/${r.passed}`).join(', ');
    lines.push(t('preview:testsPassed', { list }));
  }
  for (const r of preview.tests.filter((x) => x.failed.length > 0)) {
    const names = r.failed.slice(0, 3).join('; ') + (r.failed.length > 3 ? '; …' : '');
    lines.push(
      t('preview:testsFailed', {
        id: r.questionnaire,
        failed: r.failed.length,
        total: r.passed + r.failed.length,
        names,
      }),
    );
  }

  if (preview.clinical.length === 0) lines.push(t('preview:noClinician'));
  else {
    // The danger signs are one file: its id would only repeat the kind.
    const list = preview.clinical.map(
      (c) => `${t(`preview:clinical.${c.kind}`)}${c.kind === 'danger-signs' ? '' : ` ${c.id}`} (${c.detail})`,
    );
    lines.push(t('preview:clinician', { list: list.join('; ') }));
  }
  return lines.join('\n');
}

function itemLine(t: Translator, item: ItemChange): string {
  const who = [
    `${MARK[item.change]} ${t(`preview:kind.${item.kind}`)}${item.lang ? ` (${item.lang})` : ''}`,
    item.title,
  ]
    .filter(Boolean)
    .join(': ');
  const facts: string[] = [];
  if (item.archived !== undefined) facts.push(t('preview:archived', { version: item.archived }));
  if (item.change === 'changed') {
    const before = item.countsBefore ?? {};
    for (const [name, n] of Object.entries(item.counts))
      if (before[name] !== undefined && before[name] !== n)
        facts.push(`${t(`preview:counted.${name}`)} ${before[name]} → ${n}`);
    if (item.fields.length > 0) facts.push(t('preview:fields', { fields: item.fields.join(', ') }));
  } else {
    facts.push(
      Object.entries(item.counts)
        .map(([name, n]) => t(`preview:count.${name}`, { count: n }))
        .join(', '),
    );
  }
  return [who, ...facts.filter(Boolean)].join(' · ');
}

/** Files that changed with no item changing: comments, layout, or files that are not content items. */
function otherFiles(preview: Preview): string[] {
  const items = new Set(preview.items.map((i) => i.file));
  const { added, changed, removed } = preview.files;
  return [
    ...added.filter((f) => !items.has(f)).map((f) => `+${f}`),
    ...changed.filter((f) => !items.has(f)).map((f) => `~${f}`),
    ...removed.filter((f) => !items.has(f)).map((f) => `-${f}`),
  ];
}

/** An added or removed questionnaire is one item line (its counts), not every rule it has. */
function shownLogic(preview: Preview, change: LogicChange): boolean {
  if (change.archived !== undefined) return true;
  return !preview.items.some(
    (i) =>
      i.kind === 'questionnaire' &&
      i.id === change.questionnaire &&
      i.archived === undefined &&
      i.change !== 'changed',
  );
}

function logicLine(t: Translator, change: LogicChange): string {
  const [before, after] = focus(change.before, change.after);
  const show = (v: string | null) => (v === null ? t('preview:absent') : `\`${v}\``);
  const id =
    change.archived === undefined ? change.questionnaire : `${change.questionnaire} v${change.archived}`;
  return t('preview:logic', { id, place: change.place, before: show(before), after: show(after) });
}

/**
 * Two long values cut to the part that differs, with some context either side ("… >= 160 or …"), so the change
 * is visible on a phone; short values stay whole.
 */
export function focus(before: string | null, after: string | null): [string | null, string | null] {
  if (before === null || after === null) return [cut(before), cut(after)];
  if (before.length <= MAX_VALUE && after.length <= MAX_VALUE) return [before, after];
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  )
    end++;
  const part = (v: string) => {
    const from = Math.max(0, start - CONTEXT);
    const to = Math.min(v.length, v.length - end + CONTEXT);
    return cut(`${from > 0 ? '…' : ''}${v.slice(from, to)}${to < v.length ? '…' : ''}`, MAX_VALUE * 2);
  };
  return [part(before), part(after)];
}

function cut(v: string | null, max = MAX_VALUE): string | null {
  return v === null || v.length <= max ? v : `${v.slice(0, max - 1)}…`;
}
