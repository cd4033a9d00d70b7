import { posix } from 'node:path';
import { parse } from 'yaml';
import type { ContentTree } from './content-tree.js';
import { UPLOAD_LIMITS } from './limits.js';
import { type UploadFile, UploadRefused } from './upload.js';

/**
 * Where each uploaded file goes in the content folder. A path (a zip entry `library/tb/x.en.yaml`) is kept; a bare
 * file name replaces the live file of that name, or, for a new file, goes where its kind says (an article in
 * `library/<topic>/`, a module in `modules/`, a `.md` at the top).
 */
export function placeUpload(files: UploadFile[], live: ContentTree): Map<string, string> {
  const placed = new Map<string, string>();
  for (const file of files) {
    const path = file.name.includes('/') ? file.name : placeBare(file, live);
    if (placed.has(path))
      throw new UploadRefused(`The upload holds ${path} twice.`, 'upload.duplicatePath', { path });
    placed.set(path, file.text);
  }
  return placed;
}

function placeBare(file: UploadFile, live: ContentTree): string {
  const same = [...live.keys()].filter((path) => posix.basename(path) === file.name);
  if (same.length === 1 && same[0]) return same[0];
  if (file.name.endsWith('.md')) return file.name;
  let item: unknown;
  try {
    item = parse(file.text, { maxAliasCount: UPLOAD_LIMITS.yamlAliases });
  } catch {
    item = null; // validation reports the syntax error, with its line, at the place below
  }
  const { kind, topic } = (item && typeof item === 'object' ? item : {}) as {
    kind?: unknown;
    topic?: unknown;
  };
  if (kind === 'article' && typeof topic === 'string' && /^[a-z-]+$/.test(topic))
    return `library/${topic}/${file.name}`;
  if (kind === 'module') return `modules/${file.name}`;
  throw new UploadRefused(
    `Cannot tell which folder ${file.name} belongs in: send it in a .zip with its folder (e.g. library/tb/${file.name}).`,
    'upload.cannotPlace',
    { name: file.name, example: `library/tb/${file.name}` },
  );
}
