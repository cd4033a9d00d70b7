import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { ClientRecords } from '../src/clients/records.js';
import type { ScreeningRecord } from '../src/clients/types.js';
import { LowdbStore } from '../src/store/lowdb/lowdb-store.js';
import { UnitOfWork } from '../src/store/unit-of-work.js';

export interface ScreeningLogResult {
  stored: number;
  journal: { p50Ms: number; p95Ms: number; samples: number };
  naiveLowdb: { p50Ms: number; p95Ms: number; samples: number };
  startupMs: number;
  rssMb: number;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(p * (values.length - 1))] ?? 0;

function record(i: number, at: Date): ScreeningRecord {
  return {
    at: at.toISOString(),
    type: 'screening',
    id: `s-${i}`,
    clientId: `c-${i % 5000}`,
    mentorId: `m-${i % 200}`,
    teamId: `t-${i % 20}`,
    questionnaire: 'hypertension-bp',
    version: 1,
    answers: {
      systolic: 120 + (i % 60),
      diastolic: 70 + (i % 40),
      pregnant: false,
      postpartum: false,
      symptoms: [],
    },
    score: null,
    band: null,
    urgency: i % 7 === 0 ? 'routine' : 'none',
    reasons: i % 7 === 0 ? ['high'] : [],
    consent: true,
  };
}

/**
 * Logging one screening (journal append with fsync, then the in-memory index) with 200,000 records stored, next to
 * a naive lowdb store that rewrites one JSON file holding every record; start-up time and memory at that size.
 */
export async function screeningLog(stored = 200_000): Promise<ScreeningLogResult> {
  const dir = mkdtempSync(join(tmpdir(), 'm2m-bench-screening-'));
  const journalDir = join(dir, 'journals', 'screenings');
  await mkdir(journalDir, { recursive: true });
  // 200,000 records over 20 months, written directly as the journal's month files.
  const start = Date.UTC(2025, 0, 1);
  const perMonth = new Map<string, string[]>();
  const all: ScreeningRecord[] = [];
  for (let i = 0; i < stored; i++) {
    const r = record(i, new Date(start + i * 150_000));
    all.push(r);
    const month = r.at.slice(0, 7);
    const lines = perMonth.get(month) ?? [];
    lines.push(JSON.stringify(r));
    perMonth.set(month, lines);
  }
  for (const [month, lines] of perMonth)
    writeFileSync(join(journalDir, `${month}.jsonl`), `${lines.join('\n')}\n`);

  const rssBefore = process.memoryUsage().rss;
  const opened = performance.now();
  const store = await LowdbStore.open({ dataDir: dir, lock: true });
  const records = await ClientRecords.open(store);
  const startupMs = performance.now() - opened;
  const rssMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;

  const journal: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    // One message's unit of work: the screening committed to the write-ahead log.
    const unit = new UnitOfWork(store);
    await records.view(unit).addScreening(record(stored + i, new Date()));
    await unit.commit();
    journal.push(performance.now() - t);
  }
  await store.close();

  // The naive way: all records in one lowdb JSON file, rewritten on every change.
  const naive = new Low<{ records: ScreeningRecord[] }>(new JSONFile(join(dir, 'naive.json')), {
    records: all,
  });
  await naive.write();
  const naiveTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    naive.data.records.push(record(stored + 1000 + i, new Date()));
    await naive.write();
    naiveTimes.push(performance.now() - t);
  }
  return {
    stored,
    journal: { p50Ms: percentile(journal, 0.5), p95Ms: percentile(journal, 0.95), samples: journal.length },
    naiveLowdb: {
      p50Ms: percentile(naiveTimes, 0.5),
      p95Ms: percentile(naiveTimes, 0.95),
      samples: naiveTimes.length,
    },
    startupMs,
    rssMb,
  };
}
