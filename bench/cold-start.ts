/**
 * A fresh install, as a new user meets it: the real server started on an empty DATA_DIR and an empty cache (the
 * model is converted and every passage embedded), driven through the web chat API with a demo identity.
 * Measures the time to the menu and to an answer to a health question while the vectors are still being built,
 * and the time until semantic search is ready. Shared by `npm run bench` and test/search/cold-start.test.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { projectRoot } from '../src/paths.js';

export interface ColdStartFigures {
  how: 'compiled' | 'tsx';
  /** Process start to the web chat URL printed. */
  listeningMs: number;
  /** Choosing the demo identity (the session call; on a fresh DATA_DIR it creates the demo accounts). */
  sessionMs: number;
  /** "/menu" sent -> the menu received. */
  menuMs: number;
  /** A health question sent -> its answer received. */
  answerMs: number;
  answerConfident: boolean;
  answerText: string;
  /** The search status reported in the log when the answer came: whether the vectors were still being built. */
  vectorsReadyBeforeAnswer: boolean;
  /** Process start to "search ready" (model converted and loaded, every passage embedded). */
  searchReadyMs: number | null;
  /** Passages embedded in that build. */
  embedded: number | null;
}

interface LogLine {
  msg?: string;
  sinceProcessStartMs?: number;
  embedded?: number;
  [key: string]: unknown;
}

export interface ColdStartOptions {
  /** `node dist/main.js` (build first) or `node --import tsx src/main.ts`. */
  how: 'compiled' | 'tsx';
  question?: string;
  /** Wait for "search ready" after the answer (for its time); default true. */
  waitForVectors?: boolean;
  timeoutMs?: number;
}

async function post(url: string, body: unknown): Promise<{ messages?: { text?: string }[]; token?: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as { messages?: { text?: string }[]; token?: string };
}

export async function coldStart(options: ColdStartOptions): Promise<ColdStartFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'm2m-cold-data-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'm2m-cold-cache-'));
  const question = options.question ?? 'How does TB spread?';
  const timeoutMs = options.timeoutMs ?? 120_000;
  const args = options.how === 'compiled' ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATA_DIR: dataDir,
      CACHE_DIR: cacheDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      WEBCHAT: 'demo',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let searchReady: (entry: LogLine) => void = () => undefined;
  const searchReadyLine = new Promise<LogLine>((resolve) => {
    searchReady = resolve;
  });
  let stderrTail = '';
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    stderrTail = `${stderrTail}\n${line}`.slice(-4000);
    try {
      const entry = JSON.parse(line) as LogLine;
      logs.push(entry);
      if (entry.msg === 'search ready') searchReady(entry);
    } catch {
      // not a log line
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no web chat URL within ${timeoutMs} ms:${stderrTail}`)),
      timeoutMs,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`the bot exited (${code}):${stderrTail}`)));
  });
  const listeningMs = performance.now() - started;
  try {
    const sessionStarted = performance.now();
    const { token } = await post(`${url}webchat/api/session`, { identity: 'mentor' });
    const sessionMs = performance.now() - sessionStarted;
    const menuStarted = performance.now();
    const menu = await post(`${url}webchat/api/messages`, { token, text: '/menu' });
    const menuMs = performance.now() - menuStarted;
    if (!menu.messages?.length) throw new Error('no menu');

    const askStarted = performance.now();
    const reply = await post(`${url}webchat/api/messages`, { token, text: question });
    const answerMs = performance.now() - askStarted;
    const vectorsReadyBeforeAnswer = logs.some((l) => l.msg === 'search ready');
    const answerText = (reply.messages ?? []).map((m) => m.text ?? '').join('\n');
    // The not-found reply offers to share the question; an answer shows a passage with "Was this helpful?" buttons.
    const answerConfident = (reply.messages ?? []).some((m) => JSON.stringify(m).includes('ask.up'));
    let searchReadyMs: number | null = null;
    let embedded: number | null = null;
    if (options.waitForVectors ?? true) {
      const entry = await Promise.race([
        searchReadyLine,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref()),
      ]);
      searchReadyMs = entry?.sinceProcessStartMs ?? null;
      embedded =
        (logs.find((l) => l.msg === 'semantic search ready')?.embedded as number | undefined) ?? null;
    }
    return {
      how: options.how,
      listeningMs,
      sessionMs,
      menuMs,
      answerMs,
      answerConfident,
      answerText,
      vectorsReadyBeforeAnswer,
      searchReadyMs,
      embedded,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const how = (process.argv[2] as 'compiled' | 'tsx' | undefined) ?? 'tsx';
  const figures = await coldStart({ how });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
