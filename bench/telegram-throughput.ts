import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '@grammyjs/runner';
import { Bot } from 'grammy';
import type { User } from '../src/accounts/types.js';
import { type App, createApp } from '../src/app.js';
import { TelegramChannel } from '../src/channels/telegram/telegram-channel.js';
import { coalesce } from '../src/channels/text/coalesce.js';
import { TELEGRAM_LIMITS } from '../src/channels/text/limits.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { FakeTelegram } from '../test/support/fake-telegram.js';

/**
 * Messages per second and latency through the real Telegram adapter (grammY + runner + engine + embedded store)
 * over long polling from the fake Bot API, against a bare grammY echo bot on the same fake as the ceiling.
 *
 * Two loads: "saturation" queues every update at once (throughput; latency then includes queueing behind the
 * backlog) and "paced" offers a steady rate (latency at that rate). Latency: update handed out by getUpdates ->
 * the last sendMessage answering it arrives at the fake server. Bot and fake share one process and event loop.
 */

const TOKEN = '123:ABC';
const FIRST_CHAT = 1_000_000;
const WARMUP_CHAT = 9_000_000;
/** What each person sends, over and over: main menu, help, the language question, English (1). */
const SCRIPT = ['/menu', '/help', '/language', '1'] as const;

export interface LoadFigures {
  updates: number;
  replies: number;
  seconds: number;
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface BotFigures {
  saturation: LoadFigures;
  paced: LoadFigures;
}

export interface TelegramThroughputResult {
  users: number;
  saturationUpdates: number;
  pacedRate: number;
  pacedSeconds: number;
  adapter: BotFigures;
  echo: BotFigures;
  /** adapter / echo messages per second under saturation. */
  ratio: number;
  target: { messagesPerSecond: number; p99Ms: number; met: boolean };
}

export interface ThroughputOptions {
  users?: number;
  updates?: number;
  pacedRate?: number;
  pacedSeconds?: number;
}

interface Planned {
  chatId: number;
  text: string;
  replies: number;
}

interface Subject {
  /** Starts the bot against the fake; returns how to stop it. */
  start(fake: FakeTelegram): Promise<() => Promise<void>>;
  /** How many messages the bot sends for the n-th message of a person's script. */
  replies(position: number): number;
}

export async function telegramThroughput(options: ThroughputOptions = {}): Promise<TelegramThroughputResult> {
  const users = options.users ?? 1000;
  const updates = options.updates ?? 5000;
  const pacedRate = options.pacedRate ?? 500;
  const pacedSeconds = options.pacedSeconds ?? 4;
  const perUser = Math.ceil(updates / users);
  const pacedPerUser = Math.ceil((pacedRate * pacedSeconds) / users);

  const dataDir = mkdtempSync(join(tmpdir(), 'm2m-bench-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), {
    logger: silentLogger(),
  }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  try {
    await Promise.all(
      [...chats(FIRST_CHAT, users), ...chats(WARMUP_CHAT, 100)].map((chatId) =>
        app.services.store.users.put(mentor(app, chatId)),
      ),
    );
    const counts = await replyCounts(app, WARMUP_CHAT - 1);
    const adapter: Subject = {
      async start(fake) {
        const channel = new TelegramChannel(app, { token: TOKEN, apiRoot: fake.apiRoot });
        app.delivery.register(channel);
        await channel.start();
        return () => channel.stop();
      },
      replies: (position) => counts[position % counts.length] ?? 1,
    };
    const echo: Subject = {
      async start(fake) {
        const bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot } });
        bot.on('message', (ctx) => ctx.reply(ctx.message.text ?? ''));
        const runner = run(bot);
        return async () => {
          await runner.stop();
        };
      },
      replies: () => 1,
    };

    const measure = async (subject: Subject): Promise<BotFigures> => {
      const fake = await FakeTelegram.start();
      const stop = await subject.start(fake);
      try {
        // Warm-up: other people, two rounds of the script.
        await load(fake, plan(subject, chats(WARMUP_CHAT, 100), 0, SCRIPT.length * 2));
        const people = chats(FIRST_CHAT, users);
        const saturation = await load(fake, plan(subject, people, 0, perUser).slice(0, updates));
        const paced = await load(fake, plan(subject, people, perUser, pacedPerUser), pacedRate);
        return { saturation, paced };
      } finally {
        await stop();
        await fake.close();
      }
    };

    const adapterFigures = await measure(adapter);
    const echoFigures = await measure(echo);
    const target = { messagesPerSecond: 500, p99Ms: 50 };
    return {
      users,
      saturationUpdates: updates,
      pacedRate,
      pacedSeconds,
      adapter: adapterFigures,
      echo: echoFigures,
      ratio: round(adapterFigures.saturation.messagesPerSecond / echoFigures.saturation.messagesPerSecond, 3),
      target: {
        ...target,
        met:
          adapterFigures.saturation.messagesPerSecond >= target.messagesPerSecond &&
          adapterFigures.paced.p99Ms < target.p99Ms,
      },
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const chats = (first: number, n: number): number[] => Array.from({ length: n }, (_, i) => first + i);

function mentor(app: App, chatId: number): User {
  return {
    id: `bench-${chatId}`,
    role: 'mentor',
    name: `Mentor ${chatId}`,
    lang: 'en',
    teamId: null,
    active: true,
    addresses: [`telegram:${chatId}`],
    lastAddress: `telegram:${chatId}`,
    createdAt: app.services.clock.now().toISOString(),
    invitedBy: null,
  };
}

/** How many messages each step of the script is answered with (asked of the engine for a spare person). */
async function replyCounts(app: App, chatId: number): Promise<number[]> {
  await app.services.store.users.put(mentor(app, chatId));
  const counts: number[] = [];
  for (const [i, text] of [...SCRIPT, ...SCRIPT].entries()) {
    const replies = await app.receive({
      channel: 'telegram',
      ref: String(chatId),
      messageId: `calibrate-${i}`,
      at: new Date(),
      payload: { kind: 'text', text },
    });
    // As Telegram sends them: texts joined with the question that follows them.
    counts.push(coalesce(replies, TELEGRAM_LIMITS.text).length);
  }
  if (counts.slice(0, SCRIPT.length).join() !== counts.slice(SCRIPT.length).join())
    throw new Error(`the script is not repeatable: ${counts.join()}`);
  return counts.slice(0, SCRIPT.length);
}

/** Steps [from, from + steps) of the script for every person, round by round. */
function plan(subject: Subject, people: number[], from: number, steps: number): Planned[] {
  const planned: Planned[] = [];
  for (let step = from; step < from + steps; step++)
    for (const chatId of people)
      planned.push({ chatId, text: SCRIPT[step % SCRIPT.length] ?? '/menu', replies: subject.replies(step) });
  return planned;
}

/** Feeds the updates (all at once, or at `rate` per second) and waits for every answer. */
async function load(fake: FakeTelegram, planned: Planned[], rate?: number): Promise<LoadFigures> {
  const outstanding = new Map<number, { updateId: number; remaining: number }[]>();
  const latencies: number[] = [];
  let replies = 0;
  let lastReplyAt = 0;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  fake.onSent = (message) => {
    const queue = outstanding.get(message.chatId);
    const head = queue?.[0];
    if (!queue || !head) return;
    replies++;
    if (--head.remaining > 0) return;
    queue.shift();
    latencies.push(message.at - (fake.servedAt.get(head.updateId) ?? message.at));
    lastReplyAt = message.at;
    if (latencies.length === planned.length) finished();
  };
  let firstId = Number.POSITIVE_INFINITY;
  const send = (p: Planned): void => {
    const update = fake.queueText(p.chatId, p.text);
    firstId = Math.min(firstId, update.update_id);
    const queue = outstanding.get(p.chatId) ?? [];
    queue.push({ updateId: update.update_id, remaining: p.replies });
    outstanding.set(p.chatId, queue);
  };
  if (rate === undefined) {
    for (const p of planned) send(p);
  } else {
    const started = performance.now();
    let next = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const due = Math.min(planned.length, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
        while (next < due) send(planned[next++] as Planned);
        if (next < planned.length) setTimeout(tick, 2);
        else resolve();
      };
      tick();
    });
  }
  const timeout = setTimeout(() => finished(), 60_000);
  await done;
  clearTimeout(timeout);
  fake.onSent = null;
  if (latencies.length < planned.length)
    throw new Error(`only ${latencies.length} of ${planned.length} updates were answered within 60 s`);
  let firstServed = Number.POSITIVE_INFINITY;
  for (const [id, at] of fake.servedAt) if (id >= firstId && at < firstServed) firstServed = at;
  const seconds = (lastReplyAt - firstServed) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    updates: planned.length,
    replies,
    seconds: round(seconds, 3),
    messagesPerSecond: Math.round(planned.length / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    maxMs: round(latencies.at(-1) ?? 0, 2),
  };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const result = await telegramThroughput();
  const { adapter, echo } = result;
  process.stdout.write(
    `${JSON.stringify(
      {
        ratio: result.ratio,
        adapter: adapter.saturation,
        echo: echo.saturation,
        adapterPaced: adapter.paced,
        echoPaced: echo.paced,
      },
      null,
      1,
    )}\n`,
  );
  process.exit(0);
}
