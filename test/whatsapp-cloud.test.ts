import { createHmac } from 'node:crypto';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInvite } from '../src/accounts/invites.js';
import { createTeam } from '../src/accounts/teams.js';
import { WA_LIMITS } from '../src/channels/whatsapp-cloud/render.js';
import {
  WhatsappCloudChannel,
  type WhatsappCloudOptions,
} from '../src/channels/whatsapp-cloud/whatsapp-cloud-channel.js';
import type { Choice, Inbound } from '../src/core/messages.js';
import { createHttpServer } from '../src/http/server.js';
import { silentLogger } from '../src/logging/logger.js';
import { FakeGraph, type SentWaMessage } from './support/fake-graph.js';
import { makeTestApp } from './support/fakes.js';

const SECRET = 'test-app-secret';
const VERIFY = 'verify-me';
const PHONE_ID = '106540352242922';
const STRANGER = '27710000001';
const MENTOR = '27710000002';
const HOUR = 60 * 60 * 1000;

interface Row {
  id: string;
  title: string;
  description?: string;
}
interface Interactive {
  type: string;
  body: { text: string };
  action: {
    button?: string;
    buttons?: { reply: { id: string; title: string } }[];
    sections?: { rows: Row[] }[];
  };
}

const interactive = (m: SentWaMessage | undefined) => m?.body.interactive as Interactive | undefined;
const rows = (m: SentWaMessage | undefined): Row[] => interactive(m)?.action.sections?.[0]?.rows ?? [];
const buttons = (m: SentWaMessage | undefined) => (interactive(m)?.action.buttons ?? []).map((b) => b.reply);
const textOf = (m: SentWaMessage | undefined): string =>
  m?.type === 'text' ? String((m.body.text as { body: string }).body) : (interactive(m)?.body.text ?? '');

const sign = (raw: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

let counter = 0;

describe('WhatsApp Cloud API channel against a fake Graph API', () => {
  let app: Awaited<ReturnType<typeof makeTestApp>>;
  let fake: FakeGraph;
  let channel: WhatsappCloudChannel;
  let http: Hono;

  const makeChannel = (extra: Partial<WhatsappCloudOptions> = {}) =>
    new WhatsappCloudChannel(app, {
      accessToken: fake.token,
      phoneNumberId: PHONE_ID,
      appSecret: SECRET,
      verifyToken: VERIFY,
      apiRoot: fake.apiRoot,
      retry: { baseDelayMs: 5, maxDelayMs: 2000 },
      ...extra,
    });

  beforeEach(async () => {
    app = await makeTestApp();
    fake = await FakeGraph.start();
    channel = makeChannel({ reminderTemplate: 'mentor_reminder', templateLanguage: 'en' });
    app.delivery.register(channel);
    http = createHttpServer(silentLogger(), 'test').http;
    channel.mount(http);
  });

  afterEach(async () => {
    try {
      await channel.idle();
      await app.close();
    } finally {
      await fake.close();
    }
  });

  /** A webhook body with one message from `from`. */
  const body = (from: string, content: Record<string, unknown>, id = `wamid.in-${++counter}`) => ({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA-ID',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID },
              contacts: [{ profile: { name: 'Someone' }, wa_id: from }],
              messages: [
                {
                  from,
                  id,
                  timestamp: String(Math.floor(app.clock.now().getTime() / 1000)),
                  ...content,
                },
              ],
            },
          },
        ],
      },
    ],
  });

  const post = (payload: unknown, signature?: string | null) => {
    const raw = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature !== null) headers['x-hub-signature-256'] = signature ?? sign(raw);
    return http.request('/whatsapp/webhook', { method: 'POST', headers, body: raw });
  };

  /** Posts one message, waits until it is handled and answered, and returns what was sent to her since. */
  const send = async (from: string, content: Record<string, unknown>, id?: string) => {
    const before = fake.sentTo(from).length;
    const response = await post(body(from, content, id));
    expect(response.status).toBe(200);
    await channel.idle();
    return fake.sentTo(from).slice(before);
  };
  const text = (from: string, value: string) => send(from, { type: 'text', text: { body: value } });
  const listReply = (from: string, id: string) =>
    send(from, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title: 'x' } } });
  const buttonReply = (from: string, id: string) =>
    send(from, {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id, title: 'x' } },
    });

  async function addMentor(ref: string): Promise<void> {
    await app.services.store.users.put({
      id: `mentor-${ref}`,
      role: 'mentor',
      name: 'Nomsa',
      lang: 'en',
      teamId: null,
      active: true,
      addresses: [`whatsapp-cloud:${ref}`],
      lastAddress: `whatsapp-cloud:${ref}`,
      createdAt: app.services.clock.now().toISOString(),
      invitedBy: null,
    });
  }

  const expectWithinLimits = (message: SentWaMessage | undefined) => {
    const i = interactive(message);
    expect(i).toBeDefined();
    expect(i?.body.text.length).toBeLessThanOrEqual(WA_LIMITS.body);
    if (i?.type === 'button') {
      expect(buttons(message).length).toBeLessThanOrEqual(3);
      for (const b of buttons(message)) expect(b.title.length).toBeLessThanOrEqual(WA_LIMITS.buttonTitle);
    } else {
      expect(i?.action.button?.length).toBeLessThanOrEqual(WA_LIMITS.listButton);
      expect(rows(message).length).toBeLessThanOrEqual(WA_LIMITS.listRows);
      for (const row of rows(message)) {
        expect(row.title.length).toBeLessThanOrEqual(WA_LIMITS.rowTitle);
        expect(row.id.length).toBeLessThanOrEqual(WA_LIMITS.rowId);
        expect((row.description ?? '').length).toBeLessThanOrEqual(WA_LIMITS.rowDescription);
      }
    }
  };

  it('answers Meta’s verification handshake only with the verify token', async () => {
    const ok = await http.request(
      `/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    expect(await ok.text()).toBe('1158201444');
    const wrong = await http.request(
      '/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1',
    );
    expect(wrong.status).toBe(403);
    const noMode = await http.request(`/whatsapp/webhook?hub.verify_token=${VERIFY}&hub.challenge=1`);
    expect(noMode.status).toBe(403);
  });

  it('registers a stranger with an invite code, through lists', async () => {
    const team = await createTeam(app.services.store, app.services, null, 'Soweto', 'ZA');
    const invite = await createInvite(app.services.store, app.services, null, 'mentor', team.id);

    let sent = await text(STRANGER, 'hello');
    expect(textOf(sent[0])).toContain('I am only for m2m staff');

    sent = await text(STRANGER, invite.code);
    const question = sent.at(-1);
    expect(textOf(question)).toContain('Which language');
    expect(interactive(question)?.type).toBe('list'); // 5 choices: more than 3 buttons
    expect(rows(question).map((r) => r.id)).toEqual(['ob.en', 'ob.pt', 'ob.sw', 'ob.st', 'ob.ny']);
    expect(rows(question).map((r) => r.title)).toContain('Português');
    expectWithinLimits(question);

    sent = await listReply(STRANGER, 'ob.en');
    expect(textOf(sent[0])).toContain('What name should I use');

    sent = await text(STRANGER, 'Thandi Mokoena');
    expect(sent.map(textOf).join('\n')).toContain(
      'Thank you, Thandi Mokoena! You are registered as Mentor Mother in the team Soweto',
    );
    const menu = sent.at(-1);
    expect(textOf(menu)).toContain('Main menu, Thandi Mokoena');
    expect(rows(menu).map((r) => r.title)).toEqual(expect.arrayContaining(['Change language', 'Help']));
    expect(rows(menu).every((r) => r.id.startsWith('m:'))).toBe(true);
    expectWithinLimits(menu);

    const user = await app.services.store.users.byAddress(`whatsapp-cloud:${STRANGER}`);
    expect(user).toMatchObject({ name: 'Thandi Mokoena', role: 'mentor', teamId: team.id, lang: 'en' });
  });

  it('runs a full blood pressure screening through taps and typed numbers', async () => {
    await addMentor(MENTOR);
    let sent = await text(MENTOR, 'menu');
    const screen = rows(sent.at(-1)).find((r) => r.title === 'Screen a client');
    expect(screen).toBeDefined();

    sent = await listReply(MENTOR, screen?.id ?? '');
    const pick = sent.at(-1);
    expect(textOf(pick)).toContain('Who are you screening?');
    // "Screen without keeping records" is longer than a row title: cut, with the full label below it.
    const anon = rows(pick).find((r) => r.id === 'sc.anon');
    expect(anon?.title.endsWith('…')).toBe(true);
    expect(anon?.description).toBe('Screen without keeping records');
    expectWithinLimits(pick);

    sent = await listReply(MENTOR, 'sc.anon');
    const lists = sent.filter((m) => interactive(m)?.type === 'list');
    expect(lists.flatMap(rows).map((r) => r.id)).toContain('sc.q:hypertension-bp');
    for (const list of lists) expectWithinLimits(list);

    sent = await listReply(MENTOR, 'sc.q:hypertension-bp');
    expect(sent.map(textOf).join('\n')).toContain('The top number (systolic)?');
    sent = await text(MENTOR, '150');
    expect(textOf(sent.at(-1))).toContain('The bottom number (diastolic)?');
    sent = await text(MENTOR, '95');

    const pregnant = sent.at(-1);
    expect(textOf(pregnant)).toContain('Is she pregnant?');
    expect(interactive(pregnant)?.type).toBe('button'); // yes / no / back: buttons
    expect(buttons(pregnant).map((b) => b.id)).toEqual(['sc.a:yes', 'sc.a:no', 'sc.back']);
    expectWithinLimits(pregnant);

    sent = await buttonReply(MENTOR, 'sc.a:no');
    expect(textOf(sent.at(-1))).toContain('Did she give birth in the last 6 weeks?');
    sent = await buttonReply(MENTOR, 'sc.a:no');

    const symptoms = sent.at(-1);
    expect(textOf(symptoms)).toContain('Does she have any of these now?');
    expect(interactive(symptoms)?.type).toBe('list'); // several answers: a list, and the numbers can be typed
    expect(textOf(symptoms)).toContain('for example 1, 3');
    expect(rows(symptoms).map((r) => r.id)).toEqual(expect.arrayContaining(['_none', '_done']));
    expect(rows(symptoms)[0]?.title).toBe('1. Severe headache');
    expectWithinLimits(symptoms);

    sent = await listReply(MENTOR, '_none');
    expect(sent.map(textOf).join('\n')).toContain('Clinic visit within about 2 weeks');
  });

  it('refuses a webhook with a bad or missing signature, and sends nothing', async () => {
    const payload = body(STRANGER, { type: 'text', text: { body: 'hello' } });
    const raw = JSON.stringify(payload);
    expect((await post(payload, null)).status).toBe(401);
    expect((await post(payload, sign(raw, 'another-secret'))).status).toBe(401);
    expect((await post(payload, 'sha256=not-hex')).status).toBe(401);
    // Signed, but not the body that was signed.
    const tampered = await http.request('/whatsapp/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) },
      body: raw.replace('hello', 'hellO'),
    });
    expect(tampered.status).toBe(401);
    await channel.idle();
    expect(fake.sent).toEqual([]);
    expect(fake.calls).toEqual([]);

    expect((await post({ object: 'page', entry: [] })).status).toBe(400);
  });

  it('handles a message Meta delivers twice once', async () => {
    await addMentor(MENTOR);
    const payload = body(MENTOR, { type: 'text', text: { body: 'menu' } }, 'wamid.same');
    expect((await post(payload)).status).toBe(200);
    expect((await post(payload)).status).toBe(200);
    await channel.idle();
    expect(fake.sentTo(MENTOR).map(textOf)).toEqual([expect.stringContaining('Main menu, Nomsa')]);

    // A stranger's redelivered "hello" too (nothing is stored of strangers, so the channel remembers the id).
    const hello = body(STRANGER, { type: 'text', text: { body: 'hello' } }, 'wamid.hello');
    await post(hello);
    await post(hello);
    await channel.idle();
    expect(fake.sentTo(STRANGER)).toHaveLength(1);
  });

  it('retries a send Graph refused with 429 (honouring Retry-After) and 500, never a 400', async () => {
    fake.failNext(1, 429, 1);
    const started = Date.now();
    const sent = await text(STRANGER, 'hello');
    expect(textOf(sent[0])).toContain('I am only for m2m staff');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.calls.map((c) => c.status)).toEqual([429, 200]);

    fake.failNext(2, 500);
    await text(STRANGER, 'hello again');
    expect(fake.calls.map((c) => c.status)).toEqual([429, 200, 500, 500, 200]);

    // Any other 4xx is final: one try, logged with the method and code only, nothing thrown at Meta.
    const error = vi.spyOn(app.services.logger, 'error');
    fake.failNext(1, 400);
    const none = await text(STRANGER, 'and again');
    expect(none).toEqual([]);
    expect(fake.calls.map((c) => c.status)).toEqual([429, 200, 500, 500, 200, 400]);
    expect(error).toHaveBeenCalledWith(
      {
        channel: 'whatsapp-cloud',
        method: 'sendMessage',
        code: 1,
        permanent: false,
        chat: expect.any(String),
      },
      'whatsapp cloud api call failed',
    );
  });

  it('splits 12 choices into lists of 10 and 2 rows, every title within limits', async () => {
    await text(STRANGER, 'hello'); // opens the 24-hour window
    const choices: Choice[] = Array.from({ length: 12 }, (_, i) => ({
      id: `opt:${i + 1}`,
      label: `Choice number ${i + 1} with a rather long label`,
    }));
    const before = fake.sentTo(STRANGER).length;
    await channel.send(STRANGER, [{ type: 'choices', text: 'Pick one', choices, multiple: false }]);
    const lists = fake.sentTo(STRANGER).slice(before);
    expect(lists.map((m) => rows(m).length)).toEqual([10, 2]);
    expect(lists.flatMap(rows).map((r) => r.id)).toEqual(choices.map((c) => c.id));
    expect(textOf(lists[0])).toContain('Pick one');
    expect(textOf(lists[0])).toContain('1/2');
    expect(textOf(lists[1])).toContain('2/2');
    for (const list of lists) expectWithinLimits(list);
    expect(rows(lists[1])[1]).toEqual({
      id: 'opt:12',
      title: expect.stringMatching(/…$/),
      description: 'Choice number 12 with a rather long label',
    });
    expect(lists.map((m) => interactive(m)?.action.button)).toEqual(['☰ 1–10', '☰ 11–12']);
  });

  it('sends images and documents by uploading them first', async () => {
    await text(STRANGER, 'hello');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'wa-media-'));
    writeFileSync(join(dir, 'chart.png'), Buffer.alloc(100, 1));
    writeFileSync(join(dir, 'leaflet.pdf'), Buffer.alloc(300, 2));
    const before = fake.sentTo(STRANGER).length;
    await channel.send(STRANGER, [
      { type: 'image', path: join(dir, 'chart.png'), caption: 'Growth chart' },
      { type: 'document', path: join(dir, 'leaflet.pdf') },
    ]);
    expect(fake.uploads).toEqual([
      { id: expect.any(String), filename: 'chart.png', mime: 'image/png', size: 100 },
      { id: expect.any(String), filename: 'leaflet.pdf', mime: 'application/pdf', size: 300 },
    ]);
    const sent = fake.sentTo(STRANGER).slice(before);
    expect(sent.map((m) => m.body.image ?? m.body.document)).toEqual([
      { id: fake.uploads[0]?.id, caption: 'Growth chart' },
      { id: fake.uploads[1]?.id, filename: 'leaflet.pdf' },
    ]);
  });

  it('downloads a document she sent, within the size limit', async () => {
    await channel.idle();
    const small = new Uint8Array([37, 80, 68, 70, 1, 2, 3]);
    fake.addMedia('media-small', small);
    fake.addMedia('media-big', new Uint8Array(6 * 1024 * 1024));
    const received: Inbound[] = [];
    const receive = app.receive.bind(app);
    app.receive = async (inbound) => {
      received.push(inbound);
      return receive(inbound);
    };
    const document = (id: string) => ({
      type: 'document',
      document: { id, filename: 'referral.pdf', mime_type: 'application/pdf', sha256: 'x' },
    });
    const sent = await send(STRANGER, document('media-small'));
    expect(sent.length).toBeGreaterThan(0); // answered (a stranger is welcomed and asked for a code)
    await send(STRANGER, document('media-big'));
    const [first, second] = received.map((r) => r.payload);
    expect(first).toMatchObject({ kind: 'document', name: 'referral.pdf', mime: 'application/pdf' });
    if (first?.kind !== 'document' || second?.kind !== 'document') throw new Error('not documents');
    expect(await first.read()).toEqual(small);
    await expect(second.read()).rejects.toThrow(/larger than/);
  });

  it('uses the template outside the 24-hour window, and without one drops the push with a warning', async () => {
    await addMentor(MENTOR);
    await text(MENTOR, 'menu');
    const push = (text: string) =>
      app.delivery.deliver([{ userId: `mentor-${MENTOR}`, message: { type: 'text', text } }]);

    await push('Reminder: a follow-up is due.');
    await channel.idle();
    expect(fake.sentTo(MENTOR).at(-1)?.type).toBe('text'); // within the window: as it is

    app.clock.advance(25 * HOUR);
    await push('Reminder: a follow-up is due.\nClient AB-12.');
    await channel.idle();
    const template = fake.sentTo(MENTOR).at(-1);
    expect(template?.type).toBe('template');
    expect(template?.body.template).toEqual({
      name: 'mentor_reminder',
      language: { code: 'en' },
      components: [
        {
          type: 'body',
          parameters: [{ type: 'text', text: 'Reminder: a follow-up is due. Client AB-12.' }],
        },
      ],
    });

    // Without a template (and after a restart: the window comes from her stored session).
    app.delivery.unregister('whatsapp-cloud');
    const plain = makeChannel();
    app.delivery.register(plain);
    const warn = vi.spyOn(app.services.logger, 'warn');
    const before = fake.sent.length;
    await push('Reminder again');
    await plain.idle();
    expect(fake.sent.length).toBe(before);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ count: 1 }),
      expect.stringContaining('outside the 24-hour window'),
    );
    expect(JSON.stringify(warn.mock.calls)).not.toContain('Reminder again');
  });

  it('records delivery statuses, never going back, and audits failures without personal data', async () => {
    const sent = await text(STRANGER, 'hello');
    const id = sent[0]?.id ?? '';
    const statuses = (list: Record<string, unknown>[]) => ({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA-ID',
          changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses: list } }],
        },
      ],
    });
    const status = (s: string, extra: Record<string, unknown> = {}) => ({
      id,
      status: s,
      timestamp: '1700000000',
      recipient_id: STRANGER,
      ...extra,
    });
    await post(statuses([status('delivered'), status('read'), status('delivered')]));
    await channel.idle();
    expect(channel.deliveryStatus(id)?.status).toBe('read');

    await post(statuses([status('failed', { errors: [{ code: 131047, title: 'Re-engagement message' }] })]));
    await channel.idle();
    expect(channel.deliveryStatus(id)).toMatchObject({ status: 'failed', errors: [131047] });
    const audit = await app.services.store.journal('audit').query();
    const record = audit.find((r) => (r as { action?: string }).action === 'whatsapp.status');
    expect(record).toMatchObject({
      action: 'whatsapp.status',
      detail: { status: 'failed', codes: '131047' },
    });
    expect(JSON.stringify(record)).not.toContain(STRANGER);
    expect(JSON.stringify(record)).not.toContain(id);

    // Other webhook fields (template updates...) are accepted and ignored.
    const other = {
      object: 'whatsapp_business_account',
      entry: [{ changes: [{ field: 'account_update', value: { x: 1 } }] }],
    };
    expect((await post(other)).status).toBe(200);
  });
});

describe('the composition root with WHATSAPP_CLOUD_* set', () => {
  it('mounts the webhook: the verification handshake answers, a bad signature is refused', async () => {
    const { startTestBot } = await import('./support/bots.js');
    const { FakeGraph } = await import('./support/fake-graph.js');
    const graph = await FakeGraph.start();
    const bot = await startTestBot({
      WHATSAPP_CLOUD_ACCESS_TOKEN: 'token',
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: '1234',
      WHATSAPP_CLOUD_APP_SECRET: 'secret',
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me',
      WHATSAPP_CLOUD_API_ROOT: graph.apiRoot,
    });
    try {
      const base = `http://127.0.0.1:${bot.port}/whatsapp/webhook`;
      const ok = await fetch(`${base}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('42');
      const forged = await fetch(base, {
        method: 'POST',
        body: '{}',
        headers: { 'x-hub-signature-256': 'sha256=00' },
      });
      expect(forged.status).toBe(401);
    } finally {
      await bot.stop();
      await graph.close();
    }
  });

  it('refuses a partial WhatsApp Cloud configuration, naming what is missing', async () => {
    const { loadConfig, ConfigError } = await import('../src/config/config.js');
    expect(() => loadConfig({ WHATSAPP_CLOUD_ACCESS_TOKEN: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ WHATSAPP_CLOUD_ACCESS_TOKEN: 'x' })).toThrow(/WHATSAPP_CLOUD_APP_SECRET/);
  });
});

describe('WhatsApp Cloud API refusing a recipient', () => {
  it('logs the method and Meta’s code only, and send() rejects with a permanent DeliveryError', async () => {
    const { makeLoggedApp } = await import('./support/logged-app.js');
    const { DeliveryError } = await import('../src/channels/delivery-error.js');
    const { app, logs } = await makeLoggedApp();
    const fake = await FakeGraph.start();
    const channel = new WhatsappCloudChannel(app, {
      accessToken: fake.token,
      phoneNumberId: PHONE_ID,
      appSecret: SECRET,
      verifyToken: VERIFY,
      apiRoot: fake.apiRoot,
      reminderTemplate: 'mentor_reminder',
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
    });
    const GONE = '27719998887';
    const ALERT = 'URGENT: client AB-12 has severe bleeding. Call her now.';
    try {
      app.delivery.register(channel);
      await app.services.store.users.put({
        id: 'supervisor-1',
        role: 'supervisor',
        name: 'Grace',
        lang: 'en',
        teamId: null,
        active: true,
        addresses: [`whatsapp-cloud:${GONE}`],
        lastAddress: `whatsapp-cloud:${GONE}`,
        createdAt: app.services.clock.now().toISOString(),
        invitedBy: null,
      });
      fake.refuseRecipient(GONE, 131026);

      const refused = await channel.send(GONE, [{ type: 'text', text: ALERT }]).catch((e) => e);
      expect(refused).toBeInstanceOf(DeliveryError);
      expect(refused).toMatchObject({
        channel: 'whatsapp-cloud',
        method: 'sendMessage',
        code: 131026,
        permanent: true,
      });
      expect(`${refused.message} ${JSON.stringify(refused)}`).not.toContain(GONE);

      // Temporary trouble is not "unreachable": 500s until the retries run out.
      fake.failNext(5, 500);
      await expect(channel.send(GONE, [{ type: 'text', text: 'hi' }])).rejects.toMatchObject({
        code: 1,
        permanent: false,
      });

      await app.delivery.deliver([{ userId: 'supervisor-1', message: { type: 'text', text: ALERT } }]);
      await channel.idle();
      const log = logs();
      const failures = log.split('\n').filter((l) => l.includes('whatsapp cloud api call failed'));
      expect(failures.length).toBeGreaterThanOrEqual(3);
      expect(JSON.parse(failures[0] ?? '{}')).toMatchObject({
        channel: 'whatsapp-cloud',
        method: 'sendMessage',
        code: 131026,
        permanent: true,
        chat: expect.any(String),
      });
      expect(log).toContain('graph api call failed; trying again');
      for (const secret of ['AB-12', 'severe bleeding', GONE, 'undeliverable', fake.token])
        expect(log, secret).not.toContain(secret);
    } finally {
      await channel.idle();
      await app.close();
      await fake.close();
    }
  });
});
