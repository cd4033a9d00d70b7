/**
 * The weekly summary at programme scale: 1,000,000 screening records (and their referrals) of 500 mentors in 25
 * teams over a year, written directly as the embedded store's journal month files, then the store opened and the
 * summary of one week computed for one team and for all teams (`summarize`, as `/summary` and the weekly push call
 * it), plus the CSV. Baseline in the same run: reading the week's screenings alone (the journal query the summary
 * starts with), so the ratio shows what the summary adds.
 *
 * Run alone: `npx tsx bench/summary.ts [records]` (prints JSON).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ReferralEvent, ScreeningRecord } from '../src/clients/types.js';
import { LowdbStore } from '../src/store/lowdb/lowdb-store.js';
import { UnitOfWork } from '../src/store/unit-of-work.js';
import { summaryCsv } from '../src/summary/csv.js';
import { summarize } from '../src/summary/gather.js';

export interface SummaryBench {
  records: number;
  mentors: number;
  teams: number;
  openMs: number;
  rssMb: number;
  /** p50 / max of repeated runs, ms. */
  oneTeam: { p50Ms: number; maxMs: number };
  allTeams: { p50Ms: number; maxMs: number };
  csvMs: number;
  /** The week's screenings read alone (the baseline). */
  weekQuery: { p50Ms: number; maxMs: number };
}

const TEAMS = 25;
const MENTORS = 500;
const URGENCIES = ['none', 'routine', 'urgent', 'emergency'] as const;
const QUESTIONNAIRES = ['hypertension-bp', 'tb-symptoms', 'malaria-fever', 'phq9', 'diabetes-risk'];

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50Ms: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0, maxMs: sorted.at(-1) ?? 0 };
};

async function time(runs: number, work: () => Promise<unknown>): Promise<{ p50Ms: number; maxMs: number }> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

export async function summaryBench(records = 1_000_000): Promise<SummaryBench> {
  const dir = mkdtempSync(join(tmpdir(), 'm2m-bench-summary-'));
  try {
    // Teams and mentors through the store, as the bot makes them.
    let store = await LowdbStore.open({ dataDir: dir, lock: true });
    const unit = new UnitOfWork(store);
    const createdAt = new Date(Date.UTC(2025, 11, 1)).toISOString();
    for (let t = 0; t < TEAMS; t++) {
      await unit.teams.put({
        id: `t-${t}`,
        name: `Team ${String(t).padStart(2, '0')}`,
        country: 'KE',
        timezone: 'Africa/Nairobi',
        supervisorId: null,
        createdAt,
      });
    }
    for (let m = 0; m < MENTORS; m++) {
      await unit.users.put({
        id: `m-${m}`,
        role: 'mentor',
        name: `Mentor ${m}`,
        lang: 'sw',
        teamId: `t-${m % TEAMS}`,
        active: true,
        addresses: [`cli:m-${m}`],
        lastAddress: `cli:m-${m}`,
        createdAt,
        invitedBy: null,
      });
    }
    await unit.commit([]);
    await store.close();

    // A year of screenings (one in ten referred), written as the journal's month files.
    const start = Date.UTC(2025, 11, 1);
    const span = 365 * 86_400_000;
    const screenings = new Map<string, string[]>();
    const referrals = new Map<string, string[]>();
    const push = (files: Map<string, string[]>, at: string, line: string) => {
      const month = at.slice(0, 7);
      const list = files.get(month) ?? [];
      list.push(line);
      files.set(month, list);
    };
    for (let i = 0; i < records; i++) {
      const at = new Date(start + Math.floor((i / records) * span)).toISOString();
      const mentor = i % MENTORS;
      const urgency = URGENCIES[i % 13 === 0 ? 3 : i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0] ?? 'none';
      const record: ScreeningRecord = {
        at,
        type: 'screening',
        id: `s-${i}`,
        clientId: `c-${i % 50_000}`,
        mentorId: `m-${mentor}`,
        teamId: `t-${mentor % TEAMS}`,
        questionnaire: QUESTIONNAIRES[i % QUESTIONNAIRES.length] ?? 'phq9',
        version: 2,
        answers: null,
        score: null,
        band: null,
        urgency,
        reasons: [],
        consent: true,
      };
      push(screenings, at, JSON.stringify(record));
      if (urgency !== 'none' && i % 10 === 0) {
        const referral: ReferralEvent = {
          at,
          type: 'referral',
          id: `r-${i}`,
          clientId: record.clientId ?? '',
          mentorId: record.mentorId,
          teamId: record.teamId,
          source: { kind: 'screening', screeningId: record.id, questionnaire: record.questionnaire },
          urgency,
          dueAt: new Date(Date.parse(at) + 3 * 86_400_000).toISOString(),
        };
        push(referrals, at, JSON.stringify(referral));
      }
    }
    for (const [name, files] of [
      ['screenings', screenings],
      ['referrals', referrals],
    ] as const) {
      const folder = join(dir, 'journals', name);
      await mkdir(folder, { recursive: true });
      for (const [month, lines] of files)
        writeFileSync(join(folder, `${month}.jsonl`), `${lines.join('\n')}\n`);
    }
    screenings.clear();
    referrals.clear();

    let t = performance.now();
    store = await LowdbStore.open({ dataDir: dir, lock: false });
    const openMs = performance.now() - t;
    // A week in the middle of the year of records.
    const now = new Date(Date.UTC(2026, 5, 17, 12));
    await summarize(store, { week: 'last', now }); // warm
    const oneTeam = await time(5, () => summarize(store, { teamIds: ['t-3'], week: 'last', now }));
    const allTeams = await time(5, () => summarize(store, { week: 'last', now }));
    const summaries = await summarize(store, { week: 'last', now });
    t = performance.now();
    summaryCsv(summaries);
    const csvMs = performance.now() - t;
    const week = summaries[0]?.week;
    const weekQuery = await time(5, () =>
      store.journal('screenings').query({ from: week?.start.toISOString(), to: week?.end.toISOString() }),
    );
    const rssMb = process.memoryUsage().rss / 1024 / 1024;
    await store.close();
    return { records, mentors: MENTORS, teams: TEAMS, openMs, rssMb, oneTeam, allTeams, csvMs, weekQuery };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1_000_000);
  process.stdout.write(`${JSON.stringify(await summaryBench(n), null, 2)}\n`);
}
