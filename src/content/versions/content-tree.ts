import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { DIR_MODE, FILE_MODE } from '../../store/lowdb/atomic-file.js';

/** A content folder in memory: file bytes by path relative to the folder (`library/tb/x.en.yaml`). */
export type ContentTree = Map<string, Uint8Array>;

/** What a version changed, by file path. */
export interface TreeChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

export async function readTree(dir: string): Promise<ContentTree> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const tree: ContentTree = new Map();
  for (const entry of entries.filter((e) => e.isFile()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(entry.parentPath, entry.name);
    tree.set(relative(dir, path).split(sep).join('/'), await readFile(path));
  }
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Writes a tree into a new folder: owner-only folders and files, each file synced before this resolves unless
 * `sync` is false (a folder only read once to check an upload, then removed, need not survive a power cut).
 */
export async function writeTree(
  dir: string,
  tree: ContentTree,
  options: { sync?: boolean } = {},
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  for (const [rel, bytes] of tree) {
    const path = join(dir, ...rel.split('/'));
    await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
    const handle = await open(path, 'wx', FILE_MODE);
    try {
      await handle.writeFile(bytes);
      if (options.sync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

export function diffTrees(before: ContentTree, after: ContentTree): TreeChanges {
  const changes: TreeChanges = { added: [], changed: [], removed: [] };
  for (const [path, bytes] of after) {
    const old = before.get(path);
    if (!old) changes.added.push(path);
    else if (!Buffer.from(old).equals(bytes)) changes.changed.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.removed.push(path);
  for (const list of Object.values(changes)) list.sort();
  return changes;
}

export const isUnchanged = (c: TreeChanges): boolean =>
  c.added.length + c.changed.length + c.removed.length === 0;

/** One line: "2 added, 1 changed: library/tb/x.en.yaml, ...". */
export function summariseChanges(c: TreeChanges): string {
  const counts = [
    c.added.length ? `${c.added.length} added` : '',
    c.changed.length ? `${c.changed.length} changed` : '',
    c.removed.length ? `${c.removed.length} removed` : '',
  ].filter(Boolean);
  if (counts.length === 0) return 'no change';
  const files = [
    ...c.added.map((f) => `+${f}`),
    ...c.changed.map((f) => `~${f}`),
    ...c.removed.map((f) => `-${f}`),
  ];
  const shown = files.slice(0, 10).join(', ');
  return `${counts.join(', ')}: ${shown}${files.length > 10 ? `, and ${files.length - 10} more` : ''}`;
}
