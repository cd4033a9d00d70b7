import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { coldStart } from './cold-start.js';
import { dangerBench, formatDanger } from './danger.js';
import { eventLoopBench } from './event-loop.js';
import { journalAppend } from './journal-append.js';
import { publishBench } from './publish.js';
import { screeningLog } from './screening-log.js';
import { searchBench } from './search.js';
import { formatQuality } from './search-quality.js';
import { summaryBench } from './summary.js';
import { chartBench } from './summary-chart.js';
import { telegramThroughput } from './telegram-throughput.js';

/** `npm run bench`: runs every benchmark in turn, prints a table and writes bench/results.json. */

type Row = [string, string];

const ms = (value: number): string => `${value.toFixed(2)} ms`;
const perSecond = (value: number, unit: string): string => `${value.toLocaleString('en')} ${unit}/s`;

function table(title: string, notes: string[], rows: Row[]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `\n${title}`,
    ...notes.map((note) => `  (${note})`),
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ].join('\n');
}

const started = performance.now();
const environment = {
  node: process.version,
  cpu: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
  at: new Date().toISOString(),
};
process.stdout.write(`Benchmarks on Node ${environment.node}, ${environment.cpu}\n`);

process.stdout.write('\nTelegram throughput (fake Bot API, long polling)...\n');
const telegram = await telegramThroughput();
const { adapter, echo } = telegram;
process.stdout.write(
  table(
    `Telegram adapter vs bare grammY echo bot, ${telegram.users.toLocaleString('en')} registered users`,
    [
      `saturation: ${telegram.saturationUpdates.toLocaleString('en')} updates queued at once; paced: ${telegram.pacedRate} updates/s for ${telegram.pacedSeconds} s`,
      'latency: update handed out by getUpdates -> last reply to it received by the fake Bot API',
    ],
    [
      ['adapter, saturation: throughput', perSecond(adapter.saturation.messagesPerSecond, 'msg')],
      [
        'adapter, saturation: latency p50 / p99',
        `${ms(adapter.saturation.p50Ms)} / ${ms(adapter.saturation.p99Ms)}`,
      ],
      [
        'adapter, paced: latency p50 / p99 / max',
        `${ms(adapter.paced.p50Ms)} / ${ms(adapter.paced.p99Ms)} / ${ms(adapter.paced.maxMs)}`,
      ],
      ['echo bot, saturation: throughput', perSecond(echo.saturation.messagesPerSecond, 'msg')],
      [
        'echo bot, saturation: latency p50 / p99',
        `${ms(echo.saturation.p50Ms)} / ${ms(echo.saturation.p99Ms)}`,
      ],
      [
        'echo bot, paced: latency p50 / p99 / max',
        `${ms(echo.paced.p50Ms)} / ${ms(echo.paced.p99Ms)} / ${ms(echo.paced.maxMs)}`,
      ],
      ['adapter / echo throughput', `${(telegram.ratio * 100).toFixed(1)} %`],
      [
        `target (>= ${telegram.target.messagesPerSecond} msg/s, paced p99 < ${telegram.target.p99Ms} ms)`,
        telegram.target.met ? 'met' : 'NOT met',
      ],
    ],
  ),
);

process.stdout.write('\n\nJournal appends confirmed on disk...\n');
const journal = await journalAppend();
const { journalSequential: seq, journalConcurrent: conc, bareSequential: bare } = journal;
process.stdout.write(
  table(
    `Journal appends, ${journal.recordBytes}-byte records on ${journal.filesystem}`,
    ['each append awaited until its fdatasync; the bare baseline is FileHandle.appendFile + datasync'],
    [
      ['JsonlJournal, sequential: p50 / p95', `${ms(seq.p50Ms)} / ${ms(seq.p95Ms)}`],
      ['JsonlJournal, sequential: throughput', perSecond(seq.recordsPerSecond, 'records')],
      [
        `JsonlJournal, ${conc.appenders} concurrent appenders: throughput`,
        perSecond(conc.recordsPerSecond, 'records'),
      ],
      [
        `JsonlJournal, ${conc.appenders} concurrent appenders: p50 / p95`,
        `${ms(conc.p50Ms)} / ${ms(conc.p95Ms)}`,
      ],
      ['bare appendFile + fdatasync, sequential: p50 / p95', `${ms(bare.p50Ms)} / ${ms(bare.p95Ms)}`],
      ['bare appendFile + fdatasync, sequential: throughput', perSecond(bare.recordsPerSecond, 'records')],
    ],
  ),
);

process.stdout.write('\n\nSearch: quality, latency, start-up...\n');
const search = await searchBench();
process.stdout.write(`\n${formatQuality(search.quality)}\n`);
const latencyRows = (label: string, f: typeof search.realSize): Row[] => [
  [`${label}: end to end p50 / p95`, `${ms(f.endToEnd.p50Ms)} / ${ms(f.endToEnd.p95Ms)}`],
  [`${label}: bare forward pass p50 / p95`, `${ms(f.forwardPass.p50Ms)} / ${ms(f.forwardPass.p95Ms)}`],
  [
    `${label}: semantic mode (embedding + exact ranking) p50 / p95`,
    `${ms(f.semantic.p50Ms)} / ${ms(f.semantic.p95Ms)}`,
  ],
  [`${label}: hybrid cost beyond the forward pass (p50)`, `+${(f.overhead * 100).toFixed(0)} %`],
  [`${label}: semantic cost beyond the forward pass (p50)`, `+${(f.semanticOverhead * 100).toFixed(0)} %`],
];
process.stdout.write(
  table(
    'Search latency, one English query (evaluation questions, 3 rounds)',
    [
      'aim: at most +20 % at the real size and at 10,000 passages',
      'worker: the model in a worker thread that also ranks, BM25 on the main thread meanwhile (the bot);',
      'main thread: the model, BM25 and ranking on one thread (before), as the baseline in the same run',
    ],
    [
      ...latencyRows(`worker, ${search.realSize.passages} passages (real content)`, search.realSize),
      ...latencyRows(`worker, ${search.large.passages.toLocaleString('en')} passages`, search.large),
      ...latencyRows(
        `main thread, ${search.mainThread.realSize.passages} passages`,
        search.mainThread.realSize,
      ),
      ...latencyRows(
        `main thread, ${search.mainThread.large.passages.toLocaleString('en')} passages`,
        search.mainThread.large,
      ),
      ...(search.startup.compiled
        ? ([
            [
              'start-up to bot ready (compiled, as npm start and Docker)',
              ms(search.startup.compiled.appReadyMs),
            ],
            ['start-up to search-ready, warm cache (compiled)', ms(search.startup.compiled.searchReadyMs)],
            ['memory when search-ready (compiled): RSS', `${search.startup.compiled.rssMb.toFixed(0)} MB`],
          ] as Row[])
        : []),
      ['start-up to search-ready, warm cache (under tsx)', ms(search.startup.tsx.searchReadyMs)],
      [
        'memory when search-ready (under tsx): RSS / heap',
        `${search.startup.tsx.rssMb.toFixed(0)} MB / ${search.startup.tsx.heapUsedMb.toFixed(0)} MB`,
      ],
    ],
  ),
);

process.stdout.write(
  '\n\nCold start: event-loop delay, first answers on a fresh install, embedding throughput...\n',
);
const loop = eventLoopBench();
const delayRow = (label: string, d: { p50Ms: number; p99Ms: number; maxMs: number }): Row => [
  label,
  `${ms(d.p50Ms)} / ${ms(d.p99Ms)} / ${ms(d.maxMs)}`,
];
let fresh: Awaited<ReturnType<typeof coldStart>> | null = null;
try {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: join(import.meta.dirname, '..'), stdio: 'ignore' });
  fresh = await coldStart({ how: 'compiled' });
} catch (error) {
  process.stdout.write(`  (fresh-install run failed: ${(error as Error).message})\n`);
}
const freshTsx = await coldStart({ how: 'tsx', waitForVectors: false });
process.stdout.write(
  table(
    'Cold start on a fresh DATA_DIR and an empty cache (model converted, every passage embedded)',
    [
      `event-loop delay p50 / p99 / max (perf_hooks.monitorEventLoopDelay, ${loop.cores} cores); aim: p99 < 50 ms, max < 200 ms`,
      'serving window: app ready (the bot would listen) -> semantic search ready; whole: from before loading the content',
      'first answers: the real server, web chat API, demo mentor, while the vectors are still being built; aim: menu < 200 ms, answer < 2 s',
    ],
    [
      delayRow('event loop, idle process (floor of this machine)', loop.loop.idle.serving),
      delayRow(
        `event loop while serving, worker threads (${loop.loop.worker.seconds.toFixed(1)} s to vectors)`,
        loop.loop.worker.serving,
      ),
      delayRow('event loop, whole start, worker threads', loop.loop.worker.whole),
      delayRow(
        `event loop while serving, model on the main thread (before; ${loop.loop['main-thread'].seconds.toFixed(1)} s)`,
        loop.loop['main-thread'].serving,
      ),
      delayRow('event loop, whole start, model on the main thread (before)', loop.loop['main-thread'].whole),
      ...(fresh
        ? ([
            ['fresh install (compiled): process start -> listening', ms(fresh.listeningMs)],
            ['fresh install (compiled): choose demo identity', ms(fresh.sessionMs)],
            ['fresh install (compiled): /menu -> menu', ms(fresh.menuMs)],
            [
              'fresh install (compiled): health question -> answer',
              `${ms(fresh.answerMs)} (${fresh.answerConfident ? 'answered' : 'NOT answered'}, vectors ${fresh.vectorsReadyBeforeAnswer ? 'already ready' : 'still being built'})`,
            ],
            [
              'fresh install (compiled): process start -> semantic search ready',
              fresh.searchReadyMs === null ? 'not within the time limit' : ms(fresh.searchReadyMs),
            ],
          ] as Row[])
        : []),
      [
        'fresh install (tsx): choose demo identity / menu',
        `${ms(freshTsx.sessionMs)} / ${ms(freshTsx.menuMs)}`,
      ],
      [
        'fresh install (tsx): health question -> answer',
        `${ms(freshTsx.answerMs)} (${freshTsx.answerConfident ? 'answered' : 'NOT answered'}, vectors ${freshTsx.vectorsReadyBeforeAnswer ? 'already ready' : 'still being built'})`,
      ],
      [
        `passage embedding, ${loop.throughput.workers} batch workers (${loop.throughput.passages} passages)`,
        perSecond(Number(loop.throughput.workerPassagesPerSecond.toFixed(1)), 'passages'),
      ],
      [
        'passage embedding, one thread (before)',
        perSecond(Number(loop.throughput.oneThreadPassagesPerSecond.toFixed(1)), 'passages'),
      ],
    ],
  ),
);

process.stdout.write('\n\nScreening records at 200,000...\n');
const screening = await screeningLog();
process.stdout.write(
  table(
    `Logging one screening with ${screening.stored.toLocaleString('en')} records stored`,
    [
      'journal: append + fdatasync + in-memory index; naive: one lowdb JSON file holding every record, rewritten',
    ],
    [
      [
        `journal, p50 / p95 (${screening.journal.samples} screenings)`,
        `${ms(screening.journal.p50Ms)} / ${ms(screening.journal.p95Ms)}`,
      ],
      [
        `naive lowdb whole-file write, p50 / p95 (${screening.naiveLowdb.samples})`,
        `${ms(screening.naiveLowdb.p50Ms)} / ${ms(screening.naiveLowdb.p95Ms)}`,
      ],
      ['store open + index build at that size', ms(screening.startupMs)],
      ['memory added by the open store and index (RSS)', `${screening.rssMb.toFixed(0)} MB`],
    ],
  ),
);

process.stdout.write('\n\nDanger detection on the held-out split...\n');
const dangerModel = await dangerEmbedder();
const danger = await dangerBench({ split: 'test', embedder: dangerModel });
await dangerModel.close();
process.stdout.write(`${formatDanger({ ...danger, misses: [] })}\n`);

/** The bundled model in a worker (as search uses it), for the semantic path of danger detection. */
async function dangerEmbedder() {
  const { createWorkerEmbedder } = await import('../src/search/model/worker-embedder.js');
  const { tmpdir } = await import('node:os');
  return createWorkerEmbedder({ cacheDir: join(tmpdir(), 'm2m-bench-cache'), batchWorkers: 1 });
}

process.stdout.write('\n\nPublishing one changed article through the chat...\n');
const publish = await publishBench();
process.stdout.write(
  table(
    `Publishing one changed article (${publish.article}) through the chat, semantic search ready, ${publish.passagesInContent} passages`,
    [
      "bot time for the trainer's three messages; baselines in the same run over the same length of time with no publishing",
      "probe: a mentor's /menu every 50 ms while it ran, time to her reply",
    ],
    [
      ['upload checked (read, validated, previewed in a worker)', ms(publish.uploadMs)],
      ['"Publish now"', ms(publish.confirmMs)],
      ['note -> live for everyone (version written, index swapped)', ms(publish.publishMs)],
      ['end to end (sum)', ms(publish.totalMs)],
      ['passages embedded for the new version', String(publish.embedded)],
      delayRow('event-loop delay p50 / p99 / max, publishing', publish.loop.publishing),
      delayRow('event-loop delay p50 / p99 / max, idle baseline', publish.loop.idle),
      delayRow(
        `mentor probe p50 / p99 / max, publishing (n=${publish.probe.publishing.n})`,
        publish.probe.publishing,
      ),
      delayRow(`mentor probe p50 / p99 / max, idle baseline (n=${publish.probe.idle.n})`, publish.probe.idle),
    ],
  ),
);

process.stdout.write('\n\nWeekly summary at 1,000,000 screening records, and its chart...\n');
const summary = await summaryBench();
const chart = await chartBench();
const pm = (d: { p50Ms: number; maxMs: number }) => `${ms(d.p50Ms)} / ${ms(d.maxMs)}`;
process.stdout.write(
  table(
    `Weekly summary on the embedded store: ${summary.records.toLocaleString('en')} screenings, ${summary.mentors} mentors, ${summary.teams} teams`,
    [
      "one week (p50 / max of 5 runs); baseline in the same run: the week's screenings read alone",
      'aim: all teams under 2 s, one team under 200 ms',
    ],
    [
      ['store open (journals into memory)', ms(summary.openMs)],
      ['summary, one team', pm(summary.oneTeam)],
      ['summary, all teams', pm(summary.allTeams)],
      ["baseline: the week's screenings queried", pm(summary.weekQuery)],
      ['summary CSV, all teams', ms(summary.csvMs)],
      ['memory (RSS) with the store open', `${summary.rssMb.toFixed(0)} MB`],
      ['chart, 10 mentors, worker (p50 / max)', pm(chart.worker.mentors10)],
      ['chart, 50 mentors, worker (p50 / max)', pm(chart.worker.mentors50)],
      ['chart, 50 mentors, main thread (p50 / max)', pm(chart.main.mentors50)],
    ],
  ),
);

const seconds = (performance.now() - started) / 1000;
const path = join(import.meta.dirname, 'results.json');
writeFileSync(
  path,
  `${JSON.stringify({ environment, seconds, publish, summary, chart, telegram, journal, screening, danger: { split: danger.split, sync: danger.sync, semantic: danger.semantic, costUs: danger.costUs }, coldStart: { eventLoop: loop, freshInstall: { compiled: fresh, tsx: freshTsx } }, search: { ...search, quality: { rows: search.quality.rows, confidence: search.quality.confidence } } }, null, 2)}\n`,
);
process.stdout.write(`\n\nDone in ${seconds.toFixed(1)} s; figures in ${path}\n`);
