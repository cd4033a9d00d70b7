import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { createInvite } from '../../src/accounts/invites.js';
import { createTeam } from '../../src/accounts/teams.js';
import { ROLES } from '../../src/accounts/types.js';
import type { App } from '../../src/app.js';
import { CHANNELS, type ChannelName, type OutMessage } from '../../src/core/messages.js';
import { ChatDriver, render } from './chat-driver.js';
import { FixedClock, makeTestApp, SeededIds, tempDataDir } from './fakes.js';

/**
 * Golden transcripts: a conversation as data (test/transcripts/*.yaml), run against the real app with a fixed
 * clock. Each `expect` string must appear in the replies, in order; `absent` strings must not appear.
 */
const step = z.union([
  z.object({
    invite: z.object({
      role: z.enum(ROLES),
      team: z.string().optional(),
      country: z.string().default('ZA'),
      as: z.string(),
    }),
  }),
  z.object({ restart: z.literal(true) }),
  z.object({ advance: z.string().regex(/^\d+[smhd]$/) }),
  z.object({
    from: z.string(),
    channel: z.enum(CHANNELS).default('cli'),
    say: z.string().optional(),
    tap: z.string().optional(),
    choice: z.string().optional(),
    sticker: z.literal(true).optional(),
    id: z.string().optional(),
    expect: z.array(z.string()).default([]),
    absent: z.array(z.string()).default([]),
    silent: z.literal(true).optional(),
    pushed: z.record(z.string(), z.array(z.string())).optional(),
  }),
]);

export const transcriptSchema = z.object({ title: z.string(), steps: z.array(step).min(1) });
export type Transcript = z.infer<typeof transcriptSchema>;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function loadTranscript(path: string): Transcript {
  return transcriptSchema.parse(parse(readFileSync(path, 'utf8')));
}

export async function runTranscript(transcript: Transcript): Promise<void> {
  const dataDir = tempDataDir();
  const clock = new FixedClock();
  const ids = new SeededIds();
  const vars = new Map<string, string>();
  const fill = (s: string) =>
    s.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars.get(name) ?? `{{${name}}}`);
  let app: App = await makeTestApp({ dataDir, clock, ids });
  const drivers = new Map<ChannelName, ChatDriver>();
  const driver = (channel: ChannelName) => {
    let d = drivers.get(channel);
    if (!d) {
      d = new ChatDriver(app, channel);
      drivers.set(channel, d);
    }
    return d;
  };
  try {
    for (const [index, s] of transcript.steps.entries()) {
      const where = `step ${index + 1}`;
      if ('invite' in s) {
        const { role, team: teamName, country, as } = s.invite;
        let team = teamName ? await app.services.store.teams.byName(teamName) : undefined;
        if (teamName && !team) team = await createTeam(app.services, null, teamName, country);
        vars.set(as, (await createInvite(app.services, null, role, team?.id ?? null)).code);
        continue;
      }
      if ('restart' in s) {
        await app.close();
        app = await makeTestApp({ dataDir, clock, ids });
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
      const d = driver(s.channel);
      const before = d.log.length;
      let replies: OutMessage[];
      if (s.say !== undefined) replies = await d.text(s.from, fill(s.say), s.id);
      else if (s.tap !== undefined) replies = await d.tap(s.from, fill(s.tap));
      else if (s.choice !== undefined) replies = await d.choice(s.from, fill(s.choice));
      else if (s.sticker) replies = await d.receive(s.from, { kind: 'unsupported', what: 'sticker' });
      else throw new Error(`${where}: nothing to send`);
      const text = replies.map(render).join('\n');
      if (s.silent && replies.length > 0) throw new Error(`${where}: expected no reply, got:\n${text}`);
      let from = 0;
      for (const wanted of s.expect.map(fill)) {
        const at = text.indexOf(wanted, from);
        if (at < 0) throw new Error(`${where} (${s.from}): expected "${wanted}" in:\n${text}`);
        from = at + wanted.length;
      }
      for (const unwanted of s.absent.map(fill)) {
        if (text.includes(unwanted))
          throw new Error(`${where} (${s.from}): did not expect "${unwanted}" in:\n${text}`);
      }
      for (const [to, wanted] of Object.entries(s.pushed ?? {})) {
        const pushedText = d.log
          .slice(before)
          .filter((e) => e.to === to)
          .map((e) => render(e.message))
          .join('\n');
        for (const w of wanted.map(fill)) {
          if (!pushedText.includes(w))
            throw new Error(`${where}: expected a message to ${to} with "${w}", got:\n${pushedText}`);
        }
      }
      // Remember codes shown in replies, e.g. an invite created in chat: {{LAST_CODE}}.
      const code = /:\s([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(text)?.[1];
      if (code) vars.set('LAST_CODE', code);
      const link = /\/link ([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(text)?.[1];
      if (link) vars.set('LINK', link);
      const client = /code ([A-Z2-9]{3}-[A-Z2-9]{4})\b/.exec(text)?.[1];
      if (client) vars.set('CLIENT_CODE', client);
    }
  } finally {
    await app.close();
  }
}
