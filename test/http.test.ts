import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';
import type { RunningBot } from '../src/main.js';
import { startTestBot } from './support/bots.js';
import { tempDataDir } from './support/fakes.js';

interface OutMessage {
  type: string;
  text?: string;
  choices?: { id: string; label: string }[];
}

async function withBot(
  env: Record<string, string>,
  run: (bot: RunningBot, base: string) => Promise<void>,
): Promise<void> {
  const bot = await startTestBot(env);
  try {
    await run(bot, `http://127.0.0.1:${bot.port}`);
  } finally {
    await bot.stop();
  }
}

const postJson = (url: string, body: unknown): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function session(base: string, identity?: string): Promise<string> {
  const res = await postJson(`${base}/webchat/api/session`, identity ? { identity } : {});
  expect(res.status).toBe(200);
  const { token } = (await res.json()) as { token: string };
  expect(typeof token).toBe('string');
  return token;
}

async function say(base: string, token: string, text: string): Promise<OutMessage[]> {
  const res = await postJson(`${base}/webchat/api/messages`, { token, text });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: OutMessage[] }).messages;
}

const allText = (messages: OutMessage[]): string =>
  messages.map((m) => [m.text ?? '', ...(m.choices ?? []).map((c) => c.label)].join('\n')).join('\n');

describe('HTTP server', () => {
  it('answers the health check, serves the page and 404s unknown routes as JSON', async () => {
    await withBot({}, async (_bot, base) => {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(health.headers.get('content-type')).toMatch(/application\/json/);
      expect(await health.json()).toMatchObject({ status: 'ok' });

      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain('/webchat/api/messages');

      const missing = await fetch(`${base}/no/such/route`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/application\/json/);
      expect(await missing.json()).toEqual({ error: 'not_found' });
    });
  });
});

describe('web chat JSON API, demo mode', () => {
  it('gives the demo admin a fixed token and the admin menu; a visitor a random token and the welcome', async () => {
    await withBot({}, async (_bot, base) => {
      const config = (await (await fetch(`${base}/webchat/api/config?lang=en`)).json()) as {
        mode: string;
        identities: string[];
      };
      expect(config.mode).toBe('demo');
      expect(config.identities).toEqual(expect.arrayContaining(['admin', 'visitor']));

      const admin = await session(base, 'admin');
      expect(admin).toBe('demo-admin');
      const menu = await say(base, admin, '/menu');
      const choices = menu.find((m) => m.type === 'choices');
      expect(choices?.text).toContain('Main menu');
      expect(choices?.choices?.map((c) => c.label)).toEqual(
        expect.arrayContaining(['Manage users', 'Invite someone']),
      );

      const visitor = await session(base, 'visitor');
      const other = await session(base, 'visitor');
      expect(visitor).not.toMatch(/^demo-/);
      expect(visitor.length).toBeGreaterThanOrEqual(20);
      expect(other).not.toBe(visitor);
      const welcome = allText(await say(base, visitor, '/start'));
      expect(welcome).toContain('I am only for m2m staff');
      expect(welcome).not.toContain('Main menu');

      const events = await fetch(`${base}/webchat/api/events?token=${visitor}`);
      expect(await events.json()).toEqual({ events: [] });
    });
  });

  it("shows a supervisor's weekly summary in the web chat: the chart and the CSV by short-lived links, no server path", async () => {
    await withBot({}, async (_bot, base) => {
      const supervisor = await session(base, 'supervisor');
      const asked = await say(base, supervisor, '/summary');
      const week = asked.find((m) => m.type === 'choices')?.choices?.find((c) => c.label === 'This week');
      expect(week).toBeDefined();
      const res = await postJson(`${base}/webchat/api/messages`, { token: supervisor, choice: week?.id });
      const messages = ((await res.json()) as { messages: Record<string, string>[] }).messages;
      expect(JSON.stringify(messages)).not.toMatch(/"path"|\/exports\//);
      const image = messages.find((m) => m.type === 'image');
      const csv = messages.find((m) => m.type === 'document');
      expect(image?.url).toMatch(/^\/webchat\/api\/files\/[\w-]{20,}$/);
      const png = await fetch(`${base}${image?.url}`);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(png.headers.get('cache-control')).toContain('no-store');
      expect([...new Uint8Array(await png.arrayBuffer()).slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
      const table = await fetch(`${base}${csv?.url}`);
      expect(table.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/);
      expect((await table.text()).split('\n')[0]).toMatch(
        /^team,mentor,screenings,emergency,urgent,routine,none/,
      );
      // A link that was never given, or a made-up one, finds nothing.
      expect((await fetch(`${base}/webchat/api/files/not-a-link`)).status).toBe(404);
    });
  });

  it('answers a choice like a tap on the button', async () => {
    await withBot({}, async (_bot, base) => {
      await session(base, 'admin');
      const menu = await say(base, 'demo-admin', '/menu');
      const invite = menu.flatMap((m) => m.choices ?? []).find((c) => c.label === 'Invite someone');
      expect(invite).toBeDefined();
      const res = await postJson(`${base}/webchat/api/messages`, { token: 'demo-admin', choice: invite?.id });
      expect(res.status).toBe(200);
      expect(allText(((await res.json()) as { messages: OutMessage[] }).messages)).toContain(
        'Who would you like to invite?',
      );
    });
  });

  it('refuses bad bodies with 400 and big bodies with 413', async () => {
    await withBot({}, async (_bot, base) => {
      const url = `${base}/webchat/api/messages`;
      const bad = [
        postJson(url, { text: '/menu' }),
        postJson(url, { token: 'demo-admin', text: '/menu', choice: 'm:users' }),
        postJson(url, { token: 'demo-admin' }),
        postJson(url, { token: 'short', text: 'hi' }),
        postJson(url, '{not json'),
        postJson(url, 'null'),
      ];
      for (const res of await Promise.all(bad)) {
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ error: 'bad_request' });
      }

      const big = await postJson(url, { token: 'demo-admin', text: 'x'.repeat(17 * 1024) });
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual({ error: 'too_large' });
      const bigSession = await postJson(`${base}/webchat/api/session`, { identity: 'a'.repeat(17 * 1024) });
      expect(bigSession.status).toBe(413);

      // Still serving afterwards.
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });
  });
});

describe('web chat JSON API, WEBCHAT=on', () => {
  it('honours no demo identity and no demo token', async () => {
    const dataDir = tempDataDir();
    // First create the demo users in this data directory, as a developer's earlier demo run would.
    await withBot({ DATA_DIR: dataDir }, async (_bot, base) => {
      expect(await session(base, 'admin')).toBe('demo-admin');
      expect(allText(await say(base, 'demo-admin', '/menu'))).toContain('Manage users');
    });

    await withBot({ DATA_DIR: dataDir, WEBCHAT: 'on' }, async (_bot, base) => {
      const config = (await (await fetch(`${base}/webchat/api/config`)).json()) as {
        mode: string;
        identities: string[];
      };
      expect(config).toMatchObject({ mode: 'on', identities: [] });

      const token = await session(base, 'admin');
      expect(token).not.toMatch(/^demo-/);
      const asAdmin = allText(await say(base, token, '/menu'));
      expect(asAdmin).toContain('I am only for m2m staff');
      expect(asAdmin).not.toContain('Manage users');

      const direct = allText(await say(base, 'demo-admin', '/menu'));
      expect(direct).toContain('I am only for m2m staff');
      expect(direct).not.toContain('Manage users');
      expect(direct).not.toContain('Joao');
    });
  });
});

describe('web chat off', () => {
  it('serves no page and no API', async () => {
    await withBot({ WEBCHAT: 'off' }, async (_bot, base) => {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(404);
      expect(await page.json()).toEqual({ error: 'not_found' });
      expect((await postJson(`${base}/webchat/api/session`, { identity: 'admin' })).status).toBe(404);
    });
  });
});

describe('loadConfig', () => {
  const problemsOf = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).message;
    }
    throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
  };

  it('refuses the demo web chat off loopback or in production', () => {
    expect(problemsOf({ WEBCHAT: 'demo', HOST: '0.0.0.0' })).toMatch(/WEBCHAT/);
    expect(problemsOf({ WEBCHAT: 'demo', NODE_ENV: 'production' })).toMatch(/WEBCHAT/);
    expect(problemsOf({ WEBCHAT: 'demo', HOST: '::' })).toMatch(/WEBCHAT/);
  });

  it('defaults the web chat to demo on loopback and off elsewhere or in production', () => {
    expect(loadConfig({}).WEBCHAT).toBe('demo');
    expect(loadConfig({ HOST: '0.0.0.0' }).WEBCHAT).toBe('off');
    expect(loadConfig({ NODE_ENV: 'production' }).WEBCHAT).toBe('off');
    expect(loadConfig({ HOST: '0.0.0.0', WEBCHAT: 'on' }).WEBCHAT).toBe('on');
  });

  it('names a bad PORT', () => {
    const message = problemsOf({ PORT: 'abc' });
    expect(message).toMatch(/PORT/);
    expect(message).toContain('abc');
  });
});

describe('Telegram webhook configuration', () => {
  it('refuses a webhook without a secret', async () => {
    expect(() =>
      loadConfig({
        TELEGRAM_BOT_TOKEN: '123:abc',
        TELEGRAM_WEBHOOK_URL: 'https://example.org/telegram/webhook',
      }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({
        TELEGRAM_BOT_TOKEN: '123:abc',
        TELEGRAM_WEBHOOK_URL: 'https://example.org/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: 's3cret',
      }),
    ).not.toThrow();
  });
});
