import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LowdbStore } from '../src/store/lowdb/lowdb-store.js';
import type { AuditRecord } from '../src/store/port.js';

/**
 * Appends confirmed on disk: the JSONL journal one record at a time (each awaited), the journal with 16
 * concurrent appenders (group commit), and a bare appendFile + fdatasync of the same line as the baseline.
 */

const RECORD_BYTES = 300;
const CONCURRENT_APPENDERS = 16;

export interface AppendFigures {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
}

export interface JournalAppendResult {
  filesystem: string;
  recordBytes: number;
  journalSequential: AppendFigures;
  journalConcurrent: AppendFigures & { appenders: number };
  bareSequential: AppendFigures;
}

export interface JournalOptions {
  /** Each measurement stops after this many records or `seconds`, whichever comes first. */
  records?: number;
  seconds?: number;
  /** Where the temp directory goes (default the OS temp dir): put it on the disk DATA_DIR lives on. */
  dir?: string;
}

export async function journalAppend(options: JournalOptions = {}): Promise<JournalAppendResult> {
  const maxRecords = options.records ?? 5000;
  const maxSeconds = options.seconds ?? 4;
  const base = mkdtempSync(join(options.dir ?? tmpdir(), 'm2m-bench-journal-'));
  try {
    const record = (i: number): AuditRecord => {
      const at = new Date().toISOString();
      const bare = { at, actor: 'bench', action: 'bench.append', target: `record-${i}`, detail: { pad: '' } };
      const pad = Math.max(0, RECORD_BYTES - 1 - JSON.stringify(bare).length);
      return { ...bare, detail: { pad: 'x'.repeat(pad) } };
    };

    // A record confirmed = a unit of work committed to the store's write-ahead log (what a message does).
    // Warm-up: opens the log file, warms the JIT.
    const store = await LowdbStore.open({ dataDir: join(base, 'sequential'), lock: true });
    const journal = store.journal<AuditRecord>('audit');
    for (let i = 0; i < 20; i++) await journal.append(record(i));
    const journalSequential = await sequential(maxRecords, maxSeconds, (i) => journal.append(record(i)));
    await store.close();

    const sharedStore = await LowdbStore.open({ dataDir: join(base, 'concurrent'), lock: true });
    const shared = sharedStore.journal<AuditRecord>('audit');
    for (let i = 0; i < 20; i++) await shared.append(record(i));
    const journalConcurrent = await concurrent(maxRecords * 4, maxSeconds, (i) => shared.append(record(i)));
    await sharedStore.close();

    const handle = await open(join(base, 'bare.jsonl'), 'a');
    const appendBare = async (i: number): Promise<void> => {
      await handle.appendFile(`${JSON.stringify(record(i))}\n`);
      await handle.datasync();
    };
    for (let i = 0; i < 20; i++) await appendBare(i);
    const bareSequential = await sequential(maxRecords, maxSeconds, appendBare);
    await handle.close();

    return {
      filesystem: filesystemOf(base),
      recordBytes: RECORD_BYTES,
      journalSequential,
      journalConcurrent: { ...journalConcurrent, appenders: CONCURRENT_APPENDERS },
      bareSequential,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

async function sequential(
  maxRecords: number,
  maxSeconds: number,
  append: (i: number) => Promise<void>,
): Promise<AppendFigures> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  for (let i = 0; i < maxRecords && performance.now() < deadline; i++) {
    const t = performance.now();
    await append(i);
    latencies.push(performance.now() - t);
  }
  return figures(latencies, performance.now() - started);
}

async function concurrent(
  maxRecords: number,
  maxSeconds: number,
  append: (i: number) => Promise<void>,
): Promise<AppendFigures> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  let next = 0;
  const appender = async (): Promise<void> => {
    while (next < maxRecords && performance.now() < deadline) {
      const t = performance.now();
      await append(next++);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_APPENDERS }, appender));
  return figures(latencies, performance.now() - started);
}

function figures(latencies: number[], elapsedMs: number): AppendFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number): number =>
    Number((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0).toFixed(3));
  return {
    records: latencies.length,
    seconds: Number((elapsedMs / 1000).toFixed(3)),
    recordsPerSecond: Math.round(latencies.length / (elapsedMs / 1000)),
    p50Ms: at(50),
    p95Ms: at(95),
  };
}

const FILESYSTEMS: Record<number, string> = {
  61267: 'ext4',
  1481003842: 'xfs',
  2435016766: 'btrfs',
  16914836: 'tmpfs',
  2035054128: 'overlayfs',
  26985: 'nfs',
  1702057286: 'fuse',
  1397118030: 'ntfs',
};

function filesystemOf(path: string): string {
  const type = statfsSync(path).type;
  return FILESYSTEMS[type] ?? `0x${type.toString(16)}`;
}
