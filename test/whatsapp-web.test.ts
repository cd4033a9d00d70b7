import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInvite } from '../src/accounts/invites.js';
import { createTeam } from '../src/accounts/teams.js';
import type { App } from '../src/app.js';
import { DeliveryError } from '../src/channels/delivery-error.js';
import { choicesText } from '../src/channels/text/render.js';
import { mountWhatsappQr } from '../src/channels/whatsapp-web/qr-route.js';
import {
  DocumentTooLargeError,
  WhatsappWebChannel,
  type WhatsappWebOptions,
} from '../src/channels/whatsapp-web/whatsapp-web-channel.js';
import type { Inbound } from '../src/core/messages.js';
import { createHttpServer } from '../src/http/server.js';
import { silentLogger } from '../src/logging/logger.js';
import { addMentor } from './support/bots.js';
import { FakeWwebFactory, type SentWweb } from './support/fake-wweb.js';
import { makeTestApp } from './support/fakes.js';

const STRANGER = '27821234567@c.us';
const MENTOR = '27829876543@c.us';
const text = (m: SentWweb | undefined) => m?.text ?? '';

/** The number a numbered menu gives a label ("3. Training modules" -> "3"). */
function numberOf(menu: string, label: string): string {
  const line = menu.split('\n').find((l) => new RegExp(`^\\d+\\. ${label}$`).test(l));
  if (!line) throw new Error(`no "${label}" in:\n${menu}`);
  return line.slice(0, line.indexOf('.'));
}

/** Records what reaches the engine, to look at the payloads the channel made. */
function recordInbound(app: App): Inbound[] {
  const seen: Inbound[] = [];
  const receive = app.receive.bind(app);
  (app as { receive: App['receive'] }).receive = (inbound) => {
    seen.push(inbound);
    return receive(inbound);
  };
  return seen;
}

describe('whatsapp-web.js channel against a fake client', () => {
  let app: App;
  let factory: FakeWwebFactory;
  let channel: WhatsappWebChannel;
  let printed: string[];

  const makeChannel = (options: Partial<WhatsappWebOptions> = {}) =>
    new WhatsappWebChannel(app, {
      clientFactory: factory.create,
      initTimeoutMs: 200,
      reconnectDelayMs: 10,
      maxReconnectDelayMs: 40,
      printQr: (qr) => printed.push(qr),
      ...options,
    });

  beforeEach(async () => {
    app = await makeTestApp();
    factory = new FakeWwebFactory();
    printed = [];
    channel = makeChannel();
    app.delivery.register(channel);
  });

  afterEach(async () => {
    await channel.stop();
    await app.close();
  });

  it('registers a stranger with an invite code, through numbered menus, then starts a training module', async () => {
    await channel.start();
    const client = factory.current;
    client.emit('ready');
    const team = await createTeam(app.services.store, app.services, null, 'Soweto', 'ZA');
    const invite = await createInvite(app.services.store, app.services, null, 'mentor', team.id);

    client.receiveText(STRANGER, 'hello');
    let sent = await client.waitForMessages(STRANGER, 1);
    expect(text(sent[0])).toContain('I am only for m2m staff');

    client.receiveText(STRANGER, invite.code);
    sent = await client.waitForMessages(STRANGER, 2);
    const languages = text(sent[1]);
    expect(languages).toContain('Which language');
    expect(languages).toContain('1. English\n2. Português\n3. Kiswahili\n4. Sesotho\n5. Chichewa');

    client.receiveText(STRANGER, '1');
    sent = await client.waitForMessages(STRANGER, 3);
    expect(text(sent[2])).toContain('What name should I use');

    client.receiveText(STRANGER, 'Thandi Mokoena');
    sent = await client.waitForMessages(STRANGER, 5);
    expect(text(sent[3])).toContain(
      'Thank you, Thandi Mokoena! You are registered as Mentor Mother in the team Soweto',
    );
    const menu = text(sent[4]);
    expect(menu).toContain('Main menu, Thandi Mokoena');
    expect(menu).toMatch(/^1\. /m);
    const user = await app.services.store.users.byAddress(`whatsapp-web:${STRANGER}`);
    expect(user).toMatchObject({ name: 'Thandi Mokoena', role: 'mentor', teamId: team.id, lang: 'en' });

    // A training step: the menu entry by its number, then the first module.
    client.receiveText(STRANGER, numberOf(menu, 'Training modules'));
    sent = await client.waitForMessages(STRANGER, 6);
    expect(text(sent[5])).toContain('Training modules. Choose one');
    expect(text(sent[5])).toMatch(/^1\. /m);
    client.receiveText(STRANGER, '1');
    sent = await client.waitForMessages(STRANGER, 7);
    expect(sent.slice(6).map(text).join('\n')).toContain('Lesson 1/');
    expect(sent.every((m) => m.chatId === STRANGER && m.text !== null)).toBe(true);
  });

  it('answers a document politely, downloads within the limit and refuses a large one without downloading', async () => {
    channel = makeChannel({ maxDocumentBytes: 1000 });
    await channel.start();
    const client = factory.current;
    await addMentor(app, `whatsapp-web:${MENTOR}`);
    const seen = recordInbound(app);

    const small = client.receiveDocument(MENTOR, {
      filename: 'register.pdf',
      mimetype: 'application/pdf',
      size: 4,
      data: new Uint8Array([1, 2, 3, 4]),
    });
    const sent = await client.waitForMessages(MENTOR, 1);
    expect(text(sent[0])).toContain('Only trainers publish content files');
    expect(small.downloads).toBe(0); // the engine did not need it

    const payload = seen[0]?.payload;
    if (payload?.kind !== 'document') throw new Error(`expected a document, got ${payload?.kind}`);
    expect(payload).toMatchObject({ name: 'register.pdf', mime: 'application/pdf', size: 4 });
    expect(seen[0]).toMatchObject({ channel: 'whatsapp-web', ref: MENTOR, messageId: small.id._serialized });
    expect([...(await payload.read())]).toEqual([1, 2, 3, 4]);
    expect(small.downloads).toBe(1);

    const large = client.receiveDocument(MENTOR, {
      filename: 'scan.pdf',
      mimetype: 'application/pdf',
      size: 5_000_000,
      data: new Uint8Array(0),
    });
    await client.waitForMessages(MENTOR, 2);
    const big = seen[1]?.payload;
    if (big?.kind !== 'document') throw new Error('expected a document');
    await expect(big.read()).rejects.toBeInstanceOf(DocumentTooLargeError);
    expect(large.downloads).toBe(0);

    // Size not reported: checked after the download.
    const unknown = client.receiveDocument(MENTOR, {
      filename: 'x.pdf',
      mimetype: 'application/pdf',
      data: new Uint8Array(2000),
    });
    await client.waitForMessages(MENTOR, 3);
    const third = seen[2]?.payload;
    if (third?.kind !== 'document') throw new Error('expected a document');
    await expect(third.read()).rejects.toThrow(/above the limit of 1000 bytes/);
    expect(unknown.downloads).toBe(1);
  });

  it('answers other media politely and ignores groups, status updates and its own messages', async () => {
    await channel.start();
    const client = factory.current;
    await addMentor(app, `whatsapp-web:${MENTOR}`);
    client.receive({ from: '120363025246125486@g.us', author: MENTOR, body: '/menu' });
    client.receive({ from: MENTOR, author: MENTOR, body: '/menu' });
    client.receive({ from: 'status@broadcast', author: MENTOR, body: '/menu', isStatus: true });
    client.receive({ from: MENTOR, fromMe: true, body: '/menu' });
    client.receive({ from: '12036302@newsletter', body: '/menu' });
    client.receive({ from: MENTOR, type: 'revoked', body: '' });
    client.receive({ from: MENTOR, type: 'ptt', hasMedia: true });
    const sent = await client.waitForMessages(MENTOR, 1);
    expect(text(sent[0])).toContain('I can only read text messages');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.sent.map((m) => m.chatId)).toEqual([MENTOR]);
    expect(client.sent.some((m) => text(m).includes('Main menu'))).toBe(false);
  });

  it('reconnects with a new client after a disconnect, with backoff when an attempt fails', async () => {
    factory = new FakeWwebFactory('resolve', 'reject'); // the first reconnect attempt fails
    channel = makeChannel();
    await channel.start();
    const first = factory.current;
    first.emit('ready');
    await addMentor(app, `whatsapp-web:${MENTOR}`);
    first.receiveText(MENTOR, '/menu');
    await first.waitForMessages(MENTOR, 1);

    const disconnectedAt = Date.now();
    first.emit('disconnected', 'NAVIGATION');
    expect(first.destroyed).toBe(true);
    expect(channel.isReady).toBe(false);
    await expect(channel.send(MENTOR, [{ type: 'text', text: 'hi' }])).rejects.toThrow(/not connected/);

    const third = await factory.waitForClients(3);
    expect(Date.now() - disconnectedAt).toBeGreaterThanOrEqual(25); // waited 10 ms, then 20 ms
    expect(factory.clients[1]?.destroyed).toBe(true); // the failed attempt was cleaned up
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(third.initializeCalls).toBe(1);
    third.emit('ready');
    expect(channel.isReady).toBe(true);

    third.receiveText(MENTOR, '/menu');
    const sent = await third.waitForMessages(MENTOR, 1);
    expect(text(sent[0])).toContain('Main menu, Nomsa');
    first.receiveText(MENTOR, '/menu'); // the old client is gone: nothing it emits is handled
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(first.sentTo(MENTOR)).toHaveLength(1);
    expect(factory.clients).toHaveLength(3);

    await channel.stop();
    expect(third.destroyed).toBe(true);
    third.emit('disconnected', 'NAVIGATION');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(factory.clients).toHaveLength(3); // stopped: no more reconnecting
  });

  it('gives up on an initialize() that hangs, with a clear error, and destroys the client', async () => {
    factory = new FakeWwebFactory('hang');
    channel = makeChannel({ initTimeoutMs: 50 });
    const started = Date.now();
    await expect(channel.start()).rejects.toThrow(/did not start within .*PUPPETEER_EXECUTABLE_PATH/s);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(factory.current.destroyed).toBe(true);
    await expect(channel.send(MENTOR, [{ type: 'text', text: 'hi' }])).rejects.toThrow(/not connected/);
  });

  it('reports a failing initialize() as a start error', async () => {
    factory = new FakeWwebFactory('reject');
    channel = makeChannel();
    await expect(channel.start()).rejects.toThrow(/failed to start: net::ERR_NAME_NOT_RESOLVED/);
    expect(factory.current.destroyed).toBe(true);
  });

  it('sends long texts in parts, numbered choices, and images and documents as media', async () => {
    await channel.start();
    const client = factory.current;
    const paragraph = `${'word '.repeat(199)}end`; // 1000 characters
    const long = Array.from({ length: 6 }, () => paragraph).join('\n\n');
    await channel.send(MENTOR, [
      { type: 'text', text: long },
      {
        type: 'choices',
        text: 'Which signs did you see?',
        choices: [
          { id: 'a', label: 'Fever' },
          { id: 'b', label: 'Cough' },
          { id: '_none', label: 'None of these' },
        ],
        multiple: true,
        hint: 'Reply with the numbers, e.g. 1, 3',
      },
      { type: 'image', path: '/tmp/chart.png', caption: 'Your team this week' },
      { type: 'document', path: '/tmp/report.pdf' },
    ]);
    const sent = client.sentTo(MENTOR);
    const parts = sent.slice(0, 2).map(text);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    const words = (s: string) => s.split(/\s+/);
    expect(words(parts.join(' '))).toEqual(words(long));
    expect(text(sent[2])).toBe(
      'Which signs did you see?\n\n1. Fever\n2. Cough\n3. None of these\n\nReply with the numbers, e.g. 1, 3',
    );
    expect(sent[3]).toMatchObject({
      media: { path: '/tmp/chart.png', mimetype: 'image/png' },
      options: { caption: 'Your team this week', sendMediaAsDocument: false },
    });
    expect(sent[4]).toMatchObject({
      media: { path: '/tmp/report.pdf', filename: 'report.pdf' },
      options: { sendMediaAsDocument: true },
    });
    expect(sent).toHaveLength(5);
  });

  it('logs a failed send with its method and code only, and send() rejects with a DeliveryError', async () => {
    const { makeLoggedApp } = await import('./support/logged-app.js');
    const logged = await makeLoggedApp();
    const quiet = app;
    app = logged.app;
    try {
      channel = makeChannel();
      await channel.start();
      const client = factory.current;
      const ALERT = 'URGENT: client AB-12 has severe bleeding.';
      client.failingChats.set(
        MENTOR,
        new Error(`Evaluation failed: Error: wid error: invalid wid ${MENTOR}`),
      );
      client.failingChats.set(STRANGER, new Error(`Evaluation failed: TypeError: cannot read ${ALERT}`));
      const unknown = await channel.send(MENTOR, [{ type: 'text', text: ALERT }]).catch((e) => e);
      expect(unknown).toBeInstanceOf(DeliveryError);
      expect(unknown).toMatchObject({ channel: 'whatsapp-web', code: 'invalid-recipient', permanent: true });
      await expect(channel.send(STRANGER, [{ type: 'text', text: ALERT }])).rejects.toMatchObject({
        method: 'sendMessage',
        code: 'failed',
        permanent: false,
      });
      const log = logged.logs();
      expect(log).toContain('"method":"sendMessage"');
      expect(log).toContain('"code":"invalid-recipient"');
      for (const secret of [
        'AB-12',
        'bleeding',
        MENTOR.split('@')[0] ?? MENTOR,
        STRANGER.split('@')[0] ?? '',
      ])
        expect(log, secret).not.toContain(secret);
    } finally {
      await channel.stop();
      await logged.app.close();
      app = quiet;
    }
  });

  it('delivers pushes for a user whose last channel is whatsapp-web', async () => {
    await channel.start();
    await addMentor(app, `whatsapp-web:${MENTOR}`);
    await app.delivery.deliver([{ userId: `mentor-${MENTOR}`, message: { type: 'text', text: 'Reminder' } }]);
    expect(factory.current.sentTo(MENTOR).map(text)).toEqual(['Reminder']);
  });

  it('serves the pending QR code as a PNG to the admin only', async () => {
    await channel.start();
    const client = factory.current;
    const http = new Hono();
    mountWhatsappQr(http, { adminToken: 's3cret-admin', latestQr: () => channel.latestQr });
    const get = (headers: Record<string, string> = {}) => http.request('/admin/whatsapp-qr', { headers });

    const closed = createHttpServer(silentLogger(), 'test').http;
    mountWhatsappQr(closed, { adminToken: undefined, latestQr: () => channel.latestQr });
    expect((await closed.request('/admin/whatsapp-qr')).status).toBe(404);

    expect((await get()).status).toBe(401);
    expect((await get({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get({ authorization: 's3cret-admin' })).status).toBe(401);
    const auth = { authorization: 'Bearer s3cret-admin' };
    expect((await get(auth)).status).toBe(204); // started, no QR yet

    client.emit('qr', '2@abc,def,ghi,jkl==,1');
    expect(channel.latestQr).toBe('2@abc,def,ghi,jkl==,1');
    expect(printed).toEqual(['2@abc,def,ghi,jkl==,1']);
    const response = await get(auth);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = new Uint8Array(await response.arrayBuffer());
    expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    client.emit('ready');
    expect(channel.latestQr).toBeNull();
    expect((await get(auth)).status).toBe(204);
  });
});

describe('numbered choices', () => {
  it('does not number again labels that carry their own numbers (a scored questionnaire)', () => {
    const rendered = choicesText({
      type: 'choices',
      text: 'Little interest or pleasure in doing things?',
      choices: [
        { id: 'a:0', label: '0 Not at all' },
        { id: 'a:1', label: '1 Several days' },
        { id: 'a:2', label: '2 More than half the days' },
        { id: 'back', label: 'Back' },
      ],
      multiple: false,
      labelsNumbered: true,
    });
    expect(rendered).toBe(
      'Little interest or pleasure in doing things?\n\n0 Not at all\n1 Several days\n2 More than half the days\nBack',
    );
    expect(
      choicesText({
        type: 'choices',
        text: 'When?',
        choices: [
          { id: 'a', label: 'Less than 3 years ago' },
          { id: 'b', label: '3 to 5 years ago' },
          { id: 'c', label: 'Never' },
        ],
        multiple: false,
      }),
    ).toBe('When?\n\n1. Less than 3 years ago\n2. 3 to 5 years ago\n3. Never');
  });
});
