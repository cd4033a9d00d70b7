/**
 * Publishing one changed article through the chat, end to end, on a bot whose semantic search is ready (real model
 * in worker threads, the shared test cache): the trainer's three messages (the file, "Publish now", the note) timed
 * in the bot, how many passages were embedded for the new version, the event-loop delay while it ran, and how long a
 * Mentor Mother's messages waited meanwhile. Baselines measured in the same run: the same probe messages and the
 * event-loop delay over the same length of time with no publishing.
 *
 * Run alone: `npx tsx bench/publish.ts` (prints JSON).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { User } from '../src/accounts/types.js';
import { type App, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import type { Inbound, OutMessage } from '../src/core/messages.js';
import { silentLogger } from '../src/logging/logger.js';
import { contentDir } from '../src/paths.js';

export interface Delay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface PublishFigures {
  /** The changed article and its passages. */
  article: string;
  /** Bot time for each of the trainer's messages, and their sum. */
  uploadMs: number;
  confirmMs: number;
  publishMs: number;
  totalMs: number;
  /** Passages embedded for the new version (only the changed ones should be). */
  embedded: number;
  passagesInContent: number;
  loop: { publishing: Delay; idle: Delay };
  /** A mentor's /menu sent every 50 ms: how long each waited for its reply. */
  probe: { publishing: Delay & { n: number }; idle: Delay & { n: number } };
}

const ARTICLE = 'library/hiv/hiv-prep-and-pep.en.yaml';

const delayOf = (h: ReturnType<typeof monitorEventLoopDelay>): Delay => ({
  p50Ms: h.percentile(50) / 1e6,
  p99Ms: h.percentile(99) / 1e6,
  maxMs: h.max / 1e6,
});

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

const probeDelay = (values: number[]): Delay & { n: number } => ({
  p50Ms: percentile(values, 50),
  p99Ms: percentile(values, 99),
  maxMs: Math.max(0, ...values),
  n: values.length,
});

function person(id: string, role: User['role'], ref: string, at: string): User {
  return {
    id,
    role,
    name: id,
    lang: 'en',
    teamId: null,
    active: true,
    addresses: [`cli:${ref}`],
    lastAddress: `cli:${ref}`,
    createdAt: at,
    invitedBy: null,
  };
}

/** Sends /menu as a mentor every 50 ms until stopped; the time each waited for its reply. */
function probe(app: App): { stop(): Promise<number[]> } {
  const waits: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const sent = performance.now();
      await app.receive({
        channel: 'cli',
        ref: 'mentor',
        at: new Date(),
        payload: { kind: 'text', text: '/menu' },
      });
      waits.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return waits;
    },
  };
}

export async function publishBench(): Promise<PublishFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'm2m-publish-bench-'));
  const cacheDir = join(tmpdir(), 'm2m-test-cache');
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, CACHE_DIR: cacheDir, LOG_LEVEL: 'silent' }), {
    logger: silentLogger(),
  });
  try {
    await app.services.search.ready();
    const at = app.services.clock.now().toISOString();
    await app.services.store.users.put(person('trainer', 'trainer', 'trainer', at));
    await app.services.store.users.put(person('mentor', 'mentor', 'mentor', at));
    const say = (payload: Inbound['payload']): Promise<OutMessage[]> =>
      app.receive({ channel: 'cli', ref: 'trainer', at: new Date(), payload });
    const texts = (replies: OutMessage[]) => replies.map((r) => ('text' in r ? r.text : '')).join('\n');
    const choice = (replies: OutMessage[], label: RegExp): string => {
      for (const r of replies) {
        if (r.type !== 'choices') continue;
        const found = r.choices.find((c) => label.test(c.label));
        if (found) return found.id;
      }
      throw new Error(`no choice ${label} in: ${texts(replies)}`);
    };

    // One sentence of one section changed, as a trainer correcting a fact would.
    const original = readFileSync(join(contentDir, ARTICLE), 'utf8');
    const changed = original.replace(/(body: >-\n\s+)/, '$1Ask at the clinic about PrEP today. ');
    if (changed === original) throw new Error('the article did not change');
    const bytes = new TextEncoder().encode(changed);

    // Baseline: the same length of time and the same probe, no publishing.
    const idleLoop = monitorEventLoopDelay({ resolution: 1 });
    idleLoop.enable();
    const idleProbe = probe(app);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleWaits = await idleProbe.stop();
    idleLoop.disable();

    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const busyProbe = probe(app);
    let t = performance.now();
    const preview = await say({
      kind: 'document',
      name: 'hiv-prep-and-pep.en.yaml',
      mime: 'application/x-yaml',
      size: bytes.length,
      read: async () => bytes,
    });
    const uploadMs = performance.now() - t;
    t = performance.now();
    const asked = await say({ kind: 'choice', id: choice(preview, /^Publish now$/) });
    const confirmMs = performance.now() - t;
    if (!/Why this change/.test(texts(asked))) throw new Error(`unexpected: ${texts(asked)}`);
    t = performance.now();
    const live = await say({ kind: 'text', text: 'PrEP today' });
    const publishMs = performance.now() - t;
    const publishWaits = await busyProbe.stop();
    loop.disable();
    const embedded = Number(/Passages prepared for search: (\d+)/.exec(texts(live))?.[1] ?? Number.NaN);
    if (!/is live for everyone/.test(texts(live))) throw new Error(`not published: ${texts(live)}`);
    return {
      article: ARTICLE,
      uploadMs,
      confirmMs,
      publishMs,
      totalMs: uploadMs + confirmMs + publishMs,
      embedded,
      passagesInContent: app.services.search.status().passages,
      loop: { publishing: delayOf(loop), idle: delayOf(idleLoop) },
      probe: { publishing: probeDelay(publishWaits), idle: probeDelay(idleWaits) },
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await publishBench(), null, 2)}\n`);
}
