import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { z } from 'zod';
import { createInvite } from '../../src/accounts/invites.js';
import { createTeam } from '../../src/accounts/teams.js';
import { ROLES, type Role } from '../../src/accounts/types.js';
import type { App } from '../../src/app.js';
import { DeliveryError } from '../../src/channels/delivery-error.js';
import { CHANNELS, type ChannelName, type OutMessage } from '../../src/core/messages.js';
import { localesDir } from '../../src/paths.js';
import { ChatDriver, render } from './chat-driver.js';
import { FixedClock, makeTestApp, SeededIds, tempDataDir } from './fakes.js';
import { JOURNAL_NAMES, storedClients, storedRecords } from './records.js';

/**
 * Golden transcripts: a conversation as data (test/transcripts/*.yaml), run against the real app with a fixed
 * clock. A step is one of:
 *
 * - `invite: { role, team?, country?, as: VAR }`: an invite code made outside the chat, kept in {{VAR}}.
 * - `restart: true`: the app is closed and opened again on the same data folder.
 * - `offline: telegram`: that channel stops running: pushes to people it alone reaches fail as 'unreachable'
 *   (until a restart, which runs every channel used so far again).
 * - `advance: 2d`: the clock moves on (s, m, h, d).
 * - `fail: { channel: telegram, times: 2, permanent: false }`: the next `times` pushes on that channel fail, for
 *   now (a server error: the app may retry) or for good (`permanent: true`: a blocked bot). Retries do not wait:
 *   the test app moves the clock on by each delay instead.
 * - a person step: `from` (her chat ref) sends one of `say`, `tap` (a button label on the last question she was
 *   shown), `choice` (a raw choice id) or `sticker: true`, on `channel` (default cli). It must assert at least
 *   one thing (the schema refuses it otherwise):
 *   - `expect: [..]` strings that must appear in her replies, in this order;
 *   - `absent: [..]` strings that must not appear in her replies;
 *   - `pushed: { ref: [..] }` messages the step pushed (sent outside the replies: to others, or to her own
 *     chat later, e.g. word that an alert arrived), with strings each must contain (`[]`: any text). A push to
 *     anyone not named fails the step, so `pushed: {}` says "nothing pushed to anyone";
 *   - `stored: { screenings: 1, clients: 2, referrals: { count: 1, where: { urgency: emergency } } }` the
 *     number of records in a journal (or of clients) after the step, optionally only those matching `where`
 *     (a partial, nested match); a list checks several filters on one journal;
 *   - `silent: true`: no reply at all;
 *   - `nothing: true`: any reply is fine here (use sparingly, with a comment saying why).
 *
 * Whatever a step asserts, a reply or a push containing the internal-error reply (in any locale) fails it, and
 * so does a push to someone the step did not name.
 *
 * Strings may use {{VAR}}: invite codes (`as:`), and values remembered from replies: {{LAST_CODE}} (an invite
 * code shown), {{LINK}} (a /link code), {{CLIENT_CODE}} (the first client code in the
 * last reply that showed one). An unknown {{VAR}} fails the step.
 *
 * Set TRANSCRIPT_TRACE=1 to print every step with its replies and pushes (handy when writing a transcript).
 */

const STORED_NAMES = [...JOURNAL_NAMES, 'clients'] as const;
type StoredName = (typeof STORED_NAMES)[number];

const storedCount = z.union([
  z.number().int().min(0),
  z.strictObject({ count: z.number().int().min(0), where: z.record(z.string(), z.unknown()).optional() }),
]);
type StoredCount = z.infer<typeof storedCount>;

const storedSchema = z
  .partialRecord(
    z.enum(STORED_NAMES as unknown as [StoredName, ...StoredName[]]),
    z.union([storedCount, z.array(storedCount).min(1)]),
  )
  .refine((s) => Object.keys(s).length > 0, 'stored: name at least one journal (or clients)');

/** The keys that make a person step assert something. */
export const ASSERTIONS = ['expect', 'absent', 'pushed', 'stored', 'silent', 'nothing'] as const;

const personStep = z
  .strictObject({
    from: z.string(),
    channel: z.enum(CHANNELS).default('cli'),
    say: z.string().optional(),
    tap: z.string().optional(),
    choice: z.string().optional(),
    sticker: z.literal(true).optional(),
    id: z.string().optional(),
    expect: z.array(z.string().min(1)).min(1).optional(),
    absent: z.array(z.string().min(1)).min(1).optional(),
    pushed: z.record(z.string(), z.array(z.string().min(1))).optional(),
    stored: storedSchema.optional(),
    silent: z.literal(true).optional(),
    nothing: z.literal(true).optional(),
  })
  .superRefine((s, ctx) => {
    const sends = [s.say, s.tap, s.choice, s.sticker].filter((v) => v !== undefined).length;
    if (sends !== 1)
      ctx.addIssue({
        code: 'custom',
        message: 'a person step sends exactly one of say, tap, choice, sticker',
      });
    const asserted = ASSERTIONS.filter((k) => s[k] !== undefined);
    if (asserted.length === 0)
      ctx.addIssue({
        code: 'custom',
        message:
          'a person step must assert something: expect, absent, pushed, stored, silent: true, ' +
          'or nothing: true (any reply is fine; say why in a comment)',
      });
    if (s.nothing && asserted.length > 1)
      ctx.addIssue({
        code: 'custom',
        message: `nothing: true means "no check here"; it cannot go with ${asserted.filter((k) => k !== 'nothing').join(', ')}`,
      });
    if (s.silent && s.expect)
      ctx.addIssue({ code: 'custom', message: 'silent: true (no reply) cannot go with expect' });
  });

const step = z.union([
  z.strictObject({
    invite: z.strictObject({
      role: z.enum(ROLES),
      team: z.string().optional(),
      country: z.string().default('ZA'),
      as: z.string(),
    }),
  }),
  z.strictObject({ restart: z.literal(true) }),
  z.strictObject({ offline: z.enum(CHANNELS) }),
  z.strictObject({
    fail: z.strictObject({
      channel: z.enum(CHANNELS),
      times: z.number().int().min(1).default(1),
      permanent: z.boolean().default(false),
    }),
  }),
  z.strictObject({ advance: z.string().regex(/^\d+[smhd]$/) }),
  personStep,
]);

export const transcriptSchema = z.strictObject({ title: z.string(), steps: z.array(step).min(1) });
export type Transcript = z.infer<typeof transcriptSchema>;
export type PersonStep = z.infer<typeof personStep>;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses a transcript, with errors that name the step and what is wrong with it. */
export function parseTranscript(data: unknown, source = 'transcript'): Transcript {
  const result = transcriptSchema.safeParse(data);
  if (result.success) return result.data;
  const steps = (data as { steps?: unknown[] } | null)?.steps;
  const problems = result.error.issues.map((issue) => {
    const [first, index] = issue.path;
    // A bad step fails every branch of the union: report it against the person step it was meant to be.
    if (first === 'steps' && typeof index === 'number' && Array.isArray(steps)) {
      const raw = steps[index];
      const isPerson = raw !== null && typeof raw === 'object' && 'from' in raw;
      const detail = isPerson ? personStep.safeParse(raw) : undefined;
      const messages = detail?.success === false ? detail.error.issues.map(describe) : [describe(issue)];
      return `step ${index + 1}: ${messages.join('; ')}\n    ${JSON.stringify(raw)}`;
    }
    return describe(issue);
  });
  throw new Error(`${source}: invalid transcript\n  ${[...new Set(problems)].join('\n  ')}`);
}

const describe = (issue: z.core.$ZodIssue): string =>
  `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`;

export function loadTranscript(path: string): Transcript {
  return parseTranscript(parse(readFileSync(path, 'utf8')), path);
}

/**
 * The internal-error reply of every locale (errors.internal), and its first sentence, so a reworded tail
 * still counts.
 */
export function internalErrorTexts(dir = localesDir): string[] {
  const texts = new Set<string>();
  for (const locale of readdirSync(dir)) {
    let parsed: { errors?: { internal?: unknown } };
    try {
      parsed = JSON.parse(readFileSync(join(dir, locale, 'translation.json'), 'utf8'));
    } catch {
      continue;
    }
    const internal = parsed.errors?.internal;
    if (typeof internal !== 'string') continue;
    const fixed = internal.split('{{')[0]?.trim() ?? '';
    if (fixed.length > 0) texts.add(fixed);
    const sentence = /^.{20,}?[.!?](?=\s|$)/u.exec(fixed)?.[0];
    if (sentence) texts.add(sentence);
  }
  if (texts.size === 0) throw new Error(`no errors.internal text found in ${dir}/*/translation.json`);
  return [...texts];
}

export interface RunOptions {
  /** Makes the app (again after a restart); default: the real app on a fresh data folder. */
  makeApp?: (dataDir: string, clock: FixedClock, ids: SeededIds) => Promise<App>;
  /** Prints every step with its replies; default: the TRANSCRIPT_TRACE environment variable. */
  trace?: boolean;
  /** How long to wait for an expected push still on its way; default 2 s. */
  pushWaitMs?: number;
}

interface Pushed {
  channel: ChannelName;
  to: string;
  message: OutMessage;
}

/** The fake channel, also keeping apart what the app pushed to others (as opposed to replies). */
class RecordingDriver extends ChatDriver {
  constructor(
    app: App,
    name: ChannelName,
    private readonly pushes: Pushed[],
  ) {
    super(app, name);
  }

  /** Pushes to fail next, in order (`fail:` steps): for now, or for good. */
  readonly failures: { permanent: boolean }[] = [];

  override async send(ref: string, messages: OutMessage[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw new DeliveryError(this.name, 'send', failure.permanent ? 403 : 502, failure.permanent);
    await super.send(ref, messages);
    for (const message of messages) this.pushes.push({ channel: this.name, to: ref, message });
  }
}

/** Lets pushes sent after the replies (not awaited by `receive`) arrive. */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

export async function runTranscript(transcript: Transcript, options: RunOptions = {}): Promise<void> {
  const dataDir = tempDataDir();
  const clock = new FixedClock();
  const ids = new SeededIds();
  const makeApp = options.makeApp ?? ((dataDir, clock, ids) => makeTestApp({ dataDir, clock, ids }));
  const trace = options.trace ?? Boolean(process.env.TRANSCRIPT_TRACE);
  const internal = internalErrorTexts();
  const vars = new Map<string, string>();
  let app: App = await makeApp(dataDir, clock, ids);
  const pushes: Pushed[] = [];
  const drivers = new Map<ChannelName, ChatDriver>();
  const driver = (channel: ChannelName) => {
    let d = drivers.get(channel);
    if (!d) {
      d = new RecordingDriver(app, channel, pushes);
      drivers.set(channel, d);
    }
    return d;
  };
  if (trace) process.stderr.write(`\n=== ${transcript.title}\n`);
  try {
    for (const [index, s] of transcript.steps.entries()) {
      const where = `step ${index + 1}`;
      const fill = (text: string) =>
        text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
          const value = vars.get(name);
          if (value === undefined) throw new Error(`${where}: {{${name}}} is not known at this point`);
          return value;
        });
      if ('invite' in s) {
        const { role, team: teamName, country, as } = s.invite;
        vars.set(as, await inviteCode(app, role, teamName, country));
        continue;
      }
      if ('fail' in s) {
        const d = driver(s.fail.channel) as RecordingDriver;
        for (let i = 0; i < s.fail.times; i++) d.failures.push({ permanent: s.fail.permanent });
        continue;
      }
      if ('offline' in s) {
        app.delivery.unregister(s.offline);
        continue;
      }
      if ('restart' in s) {
        await app.close();
        app = await makeApp(dataDir, clock, ids);
        const old = [...drivers.entries()];
        drivers.clear();
        // Keep the button history so `tap` still finds buttons shown before the restart.
        for (const [channel, d] of old) driver(channel).log.push(...d.log);
        continue;
      }
      if ('advance' in s) {
        const unit = s.advance.slice(-1) as keyof typeof UNIT_MS;
        clock.advance(Number(s.advance.slice(0, -1)) * UNIT_MS[unit]);
        continue;
      }
      const who = `${where} (${s.from}${s.channel === 'cli' ? '' : ` on ${s.channel}`})`;
      const d = driver(s.channel);
      const pushedBefore = pushes.length;
      let replies: OutMessage[];
      let sent: string;
      if (s.say !== undefined) {
        sent = `says "${fill(s.say)}"`;
        replies = await d.text(s.from, fill(s.say), s.id);
      } else if (s.tap !== undefined) {
        sent = `taps "${fill(s.tap)}"`;
        replies = await d.tap(s.from, fill(s.tap));
      } else if (s.choice !== undefined) {
        sent = `chooses ${fill(s.choice)}`;
        replies = await d.choice(s.from, fill(s.choice));
      } else {
        sent = 'sends a sticker';
        replies = await d.receive(s.from, { kind: 'unsupported', what: 'sticker' });
      }
      await settle();
      const stepPushes = () => pushes.slice(pushedBefore);
      const text = replies.map(render).join('\n');
      if (trace) traceStep(who, sent, text, stepPushes());

      const failure = (problem: string) =>
        new Error(`${who} ${sent}: ${problem}\n--- replies:\n${text || '(none)'}${pushesText(stepPushes())}`);

      for (const needle of internal) {
        if (text.includes(needle)) throw failure('got the internal-error reply');
        for (const p of stepPushes())
          if (render(p.message).includes(needle)) throw failure(`pushed the internal-error reply to ${p.to}`);
      }
      if (s.silent && replies.length > 0) throw failure('expected no reply');
      let from = 0;
      for (const wanted of (s.expect ?? []).map(fill)) {
        const at = text.indexOf(wanted, from);
        if (at < 0)
          throw failure(
            text.includes(wanted) ? `expected "${wanted}" later in the replies` : `expected "${wanted}"`,
          );
        from = at + wanted.length;
      }
      for (const unwanted of (s.absent ?? []).map(fill)) {
        if (text.includes(unwanted)) throw failure(`did not expect "${unwanted}"`);
      }

      // Pushes: every one named; wait a little for those still on their way.
      const wantedPushes = Object.entries(s.pushed ?? {}).map(([to, texts]) => ({
        to: fill(to),
        texts: texts.map(fill),
      }));
      const missing = () =>
        wantedPushes.flatMap(({ to, texts }) => {
          const got = stepPushes().filter((p) => p.to === to);
          if (got.length === 0) return [`expected a push to ${to}, but ${to} got nothing`];
          const all = got.map((p) => render(p.message)).join('\n');
          return texts.filter((w) => !all.includes(w)).map((w) => `expected a push to ${to} with "${w}"`);
        });
      const deadline = Date.now() + (options.pushWaitMs ?? 2000);
      while (missing().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const [firstMissing] = missing();
      if (firstMissing) throw failure(firstMissing);
      const named = new Set(wantedPushes.map((w) => w.to));
      const stray = stepPushes().find((p) => !named.has(p.to));
      if (stray) throw failure(`pushed to ${stray.to}, which the step does not name in pushed:`);

      if (s.stored) {
        for (const [name, wanted] of Object.entries(s.stored) as [
          StoredName,
          StoredCount | StoredCount[],
        ][]) {
          const records = name === 'clients' ? await storedClients(app) : await storedRecords(app, name);
          for (const w of Array.isArray(wanted) ? wanted : [wanted]) {
            const { count, where: filter } = typeof w === 'number' ? { count: w, where: undefined } : w;
            const matching = filter ? records.filter((r) => matches(r, fillDeep(filter, fill))) : records;
            if (matching.length !== count)
              throw failure(
                `expected ${count} ${name}${filter ? ` matching ${JSON.stringify(fillDeep(filter, fill))}` : ''}` +
                  ` stored, found ${matching.length}` +
                  `\n--- ${name} stored:\n${records.map((r) => JSON.stringify(r)).join('\n') || '(none)'}`,
              );
          }
        }
      }

      // Remember codes shown in replies, e.g. an invite created in chat: {{LAST_CODE}}.
      const code = /:\s([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(text)?.[1];
      if (code) vars.set('LAST_CODE', code);
      const link = /\/link ([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(text)?.[1];
      if (link) vars.set('LINK', link);
      // Client codes (three and four characters) in any language: "code ABC-DEFG", "código ABC-DEFG".
      const client = /\b([A-Z2-9]{3}-[A-Z2-9]{4})\b/.exec(text)?.[1];
      if (client) vars.set('CLIENT_CODE', client);
    }
  } finally {
    await app.close();
  }
}

/**
 * An invite made outside the chat (the operator's command line), in a new team if needed. While the accounts
 * API moves from `(services, actor, ...)` to `(store, env, actor, ...)`, this calls whichever there is.
 */
async function inviteCode(
  app: App,
  role: Role,
  teamName: string | undefined,
  country: string,
): Promise<string> {
  const { services } = app;
  type Call = (...args: unknown[]) => Promise<{ id: string; code: string }>;
  const call = (fn: unknown, oldArity: number, ...args: unknown[]) =>
    (fn as Call)(
      ...((fn as Call).length > oldArity ? [services.store, services, ...args] : [services, ...args]),
    );
  let team = teamName ? await services.store.teams.byName(teamName) : undefined;
  if (teamName && !team)
    team = (await call(createTeam, 4, null, teamName, country)) as unknown as typeof team;
  return (await call(createInvite, 4, null, role, team?.id ?? null)).code;
}

/** A partial, nested match: every key of `want` has the same value in `record` (objects: recursively). */
export function matches(record: unknown, want: unknown): boolean {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    if (record === null || typeof record !== 'object') return false;
    return Object.entries(want).every(([k, v]) => matches((record as Record<string, unknown>)[k], v));
  }
  return isDeepStrictEqual(record, want);
}

function fillDeep(value: unknown, fill: (s: string) => string): unknown {
  if (typeof value === 'string') return fill(value);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, fill));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, fill)]));
  return value;
}

function pushesText(pushes: Pushed[]): string {
  return pushes.length === 0
    ? ''
    : `\n--- pushed:\n${pushes.map((p) => `to ${p.to}: ${render(p.message)}`).join('\n')}`;
}

function traceStep(who: string, sent: string, text: string, pushes: Pushed[]): void {
  process.stderr.write(`--- ${who} ${sent}\n${text || '(no reply)'}${pushesText(pushes)}\n`);
}

export interface AssertionStats {
  /** Person steps (the ones that send something). */
  steps: number;
  /** Person steps that check something (anything but a lone `nothing: true`). */
  checked: number;
  /** Person steps that say `nothing: true` (any reply is fine). */
  nothing: number;
  /** How many steps use each kind of assertion. */
  byKind: Record<(typeof ASSERTIONS)[number], number>;
}

export function assertionStats(transcripts: Transcript[]): AssertionStats {
  const byKind = Object.fromEntries(ASSERTIONS.map((k) => [k, 0])) as AssertionStats['byKind'];
  let steps = 0;
  let checked = 0;
  for (const t of transcripts)
    for (const s of t.steps) {
      if (!('from' in s)) continue;
      steps++;
      const kinds = ASSERTIONS.filter((k) => s[k] !== undefined);
      for (const k of kinds) byKind[k]++;
      if (kinds.some((k) => k !== 'nothing')) checked++;
    }
  return { steps, checked, nothing: byKind.nothing, byKind };
}
