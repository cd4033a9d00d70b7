import { parse } from 'yaml';
import type { ContentSet } from '../content-set.js';
import type { ContentTree } from '../versions/content-tree.js';
import { UPLOAD_LIMITS } from '../versions/limits.js';

const MAIN_FILE = /^questionnaires\/([a-z0-9-]+)\.ya?ml$/;

/**
 * When an upload raises a questionnaire's version, the live version's files are kept under
 * questionnaires/archive/ (`<id>.v<n>.yaml` and each `<id>.v<n>.<lang>.yaml`), as the loader reads them, so a
 * screening stored under version n keeps its meaning and its texts. Files already archived (or in the upload) are
 * left as they are. Returns the files to add, by path.
 */
export function archiveAdditions(
  liveTree: ContentTree,
  live: ContentSet,
  upload: { path: string; text: string }[],
  today: string,
): Map<string, Uint8Array> {
  const additions = new Map<string, Uint8Array>();
  const present = (path: string) =>
    [path, path.replace(/\.yaml$/, '.yml')].some((p) => liveTree.has(p) || upload.some((f) => f.path === p));
  for (const file of upload) {
    const id = MAIN_FILE.exec(file.path)?.[1];
    const now = id ? live.questionnaires.find((q) => q.id === id) : undefined;
    const raised = now ? uploadedVersion(file.text) : null;
    if (!id || !now || raised === null || raised <= now.version) continue;
    const n = now.version;
    const header = (what: string) =>
      `# Archived: version ${n} of ${id}${what}, as it was used until ${today} (superseded by version ${raised}).\n` +
      `# Kept unchanged so screenings stored under version ${n} keep their meaning and texts; never offered for a\n` +
      '# new screening. Do not edit: change the current file and raise its version instead.\n';
    const copy = (from: string, to: string, what: string) => {
      const bytes = liveTree.get(from);
      if (!bytes || present(to)) return;
      additions.set(to, Buffer.concat([Buffer.from(header(what), 'utf8'), bytes]));
    };
    const main = [`questionnaires/${id}.yaml`, `questionnaires/${id}.yml`].find((p) => liveTree.has(p));
    if (main) copy(main, `questionnaires/archive/${id}.v${n}.yaml`, '');
    // Translations of version n only: the loader names an archived text by the version it translates.
    for (const text of live.questionnaireTexts.filter((t) => t.id === id && t.version === n)) {
      const from = [`questionnaires/${id}.${text.lang}.yaml`, `questionnaires/${id}.${text.lang}.yml`].find(
        (p) => liveTree.has(p),
      );
      if (from) copy(from, `questionnaires/archive/${id}.v${n}.${text.lang}.yaml`, ` (${text.lang})`);
    }
  }
  return additions;
}

/** The `version` an uploaded questionnaire file states, if it parses (validation reports it otherwise). */
function uploadedVersion(text: string): number | null {
  try {
    const data = parse(text, { maxAliasCount: UPLOAD_LIMITS.yamlAliases }) as { version?: unknown } | null;
    return typeof data?.version === 'number' && Number.isInteger(data.version) ? data.version : null;
  } catch {
    return null;
  }
}
