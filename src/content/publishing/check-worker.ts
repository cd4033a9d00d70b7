/**
 * The worker-thread side of ./worker-loader.ts: reads and checks a whole content folder (schemas, cross-checks,
 * questionnaire test cases) and computes its id, and builds an upload's preview (comparing every item of two
 * content sets), so the few hundred milliseconds this takes never block the bot's event loop. One request at a
 * time; replies are plain data, which structured clone carries back.
 */
import { parentPort } from 'node:worker_threads';
import type { ContentSet } from '../content-set.js';
import type { TreeChanges } from '../versions/content-tree.js';
import { type LoadedContent, loadInThread } from '../versions/version-store.js';
import { buildPreview } from './preview.js';
import type { Preview } from './types.js';

export type CheckRequest =
  | { id: number; op: 'load'; dir: string }
  | { id: number; op: 'preview'; liveDir: string; nextDir: string; changes: TreeChanges };

export type CheckReply =
  | { id: number; ok: true; loaded: LoadedContent }
  | { id: number; ok: true; preview: Preview }
  | { id: number; ok: false; message: string };

/**
 * The folder loaded last (a staged upload, previewed right after it is checked) and the live version a preview
 * compares with (a version folder never changes once written).
 */
let last: { dir: string; content: ContentSet } | null = null;
let live: { dir: string; content: ContentSet } | null = null;

async function contentOf(dir: string, slot: 'last' | 'live'): Promise<ContentSet> {
  const held = slot === 'last' ? last : live;
  if (held?.dir === dir) return held.content;
  const { content } = await loadInThread(dir);
  if (slot === 'live') live = { dir, content };
  return content;
}

async function handle(request: CheckRequest): Promise<CheckReply> {
  if (request.op === 'load') {
    const loaded = await loadInThread(request.dir);
    last = { dir: request.dir, content: loaded.content };
    return { id: request.id, ok: true, loaded };
  }
  const before = await contentOf(request.liveDir, 'live');
  const after = await contentOf(request.nextDir, 'last');
  return { id: request.id, ok: true, preview: buildPreview(before, after, request.changes) };
}

const port = parentPort;
if (!port) throw new Error('check-worker runs in a worker thread');
port.on('message', (request: CheckRequest) => {
  handle(request).then(
    (reply) => port.postMessage(reply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        ok: false,
        message: (error as Error)?.message ?? String(error),
      } satisfies CheckReply),
  );
});
