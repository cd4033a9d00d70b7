import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInvite } from '../src/accounts/invites.js';
import { createTeam } from '../src/accounts/teams.js';
import type { App } from '../src/app.js';
import { DeliveryError } from '../src/channels/delivery-error.js';
import { TelegramChannel } from '../src/channels/telegram/telegram-channel.js';
import { createHttpServer } from '../src/http/server.js';
import { silentLogger } from '../src/logging/logger.js';
import { addMentor, startTestBot } from './support/bots.js';
import { FakeTelegram, type SentMessage } from './support/fake-telegram.js';
import { makeTestApp } from './support/fakes.js';
import { makeLoggedApp } from './support/logged-app.js';

const TOKEN = '123:ABC';
const STRANGER = 1001;
const MENTOR = 2002;

const buttons = (message: SentMessage | undefined) =>
  (message?.replyMarkup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data }));

const isSorry = (m: SentMessage) => m.text.startsWith('Sorry, I can only read text');

/** Sends a sticker after what a test sent and waits for its answer: by then the earlier updates are handled. */
async function settle(fake: FakeTelegram, chatId: number): Promise<void> {
  const sorries = fake.sentTo(chatId).filter(isSorry).length;
  fake.queueSticker(chatId);
  const deadline = Date.now() + 2000;
  while (fake.sentTo(chatId).filter(isSorry).length === sorries && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 50)); // and anything still on its way
}

describe('Telegram over long polling against a fake Bot API', () => {
  let app: App;
  let fake: FakeTelegram;
  let channel: TelegramChannel;

  beforeEach(async () => {
    app = await makeTestApp();
    fake = await FakeTelegram.start();
    channel = new TelegramChannel(app, { token: TOKEN, apiRoot: fake.apiRoot });
    app.delivery.register(channel);
    await channel.start();
  });

  afterEach(async () => {
    try {
      await channel.stop();
      await app.close();
    } finally {
      await fake.close();
    }
  });

  it('registers a stranger with an invite code, through inline keyboards', async () => {
    const team = await createTeam(app.services.store, app.services, null, 'Soweto', 'ZA');
    const invite = await createInvite(app.services.store, app.services, null, 'mentor', team.id);
    expect(fake.calls.map((c) => c.method)).toEqual(
      expect.arrayContaining(['getMe', 'deleteWebhook', 'getUpdates', 'setMyCommands']),
    );

    fake.queueText(STRANGER, 'hello');
    let sent = await fake.waitForMessages(STRANGER, 1);
    expect(sent[0]?.text).toContain('I am only for m2m staff');

    fake.queueText(STRANGER, `/start ${invite.code}`);
    sent = await fake.waitForMessages(STRANGER, 2);
    const question = sent[1];
    expect(question?.text).toContain('Which language');
    expect(buttons(question)).toEqual([
      { text: 'English', data: 'ob.en' },
      { text: 'Português', data: 'ob.pt' },
      { text: 'Kiswahili', data: 'ob.sw' },
      { text: 'Sesotho', data: 'ob.st' },
      { text: 'Chichewa', data: 'ob.ny' },
    ]);

    const english = buttons(question).find((b) => b.text === 'English')?.data ?? '';
    fake.queueTap(STRANGER, english);
    sent = await fake.waitForMessages(STRANGER, 3);
    expect(sent[2]?.text).toContain('What name should I use');
    expect(fake.calls.some((c) => c.method === 'answerCallbackQuery')).toBe(true);

    fake.queueText(STRANGER, 'Thandi Mokoena');
    // The welcome and the menu that follows it arrive as one message: one notification, less data.
    sent = await fake.waitForMessages(STRANGER, 4);
    expect(sent[3]?.text).toContain(
      'Thank you, Thandi Mokoena! You are registered as Mentor Mother in the team Soweto',
    );
    expect(sent[3]?.text).toContain('Main menu, Thandi Mokoena');
    expect(buttons(sent[3]).map((b) => b.text)).toEqual(expect.arrayContaining(['Change language', 'Help']));
    expect(buttons(sent[3]).every((b) => b.data?.startsWith('m:'))).toBe(true);

    const user = await app.services.store.users.byAddress(`telegram:${STRANGER}`);
    expect(user).toMatchObject({ name: 'Thandi Mokoena', role: 'mentor', teamId: team.id, lang: 'en' });
  });

  it('answers a sticker politely: it only reads text', async () => {
    fake.queueSticker(STRANGER);
    const sent = await fake.waitForMessages(STRANGER, 1);
    expect(sent[0]?.text).toContain('I can only read text messages');
    expect(sent[0]?.text).toContain('send your invite code');
  });

  it('retries a send that Telegram refused with 429, and the message still arrives', async () => {
    fake.failWith429('sendMessage');
    const started = Date.now();
    fake.queueText(STRANGER, 'hello');
    const sent = await fake.waitForMessages(STRANGER, 1, 4000);
    expect(sent[0]?.text).toContain('I am only for m2m staff');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // it waited retry_after = 1 s
    expect(fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(2);
  });

  it('answers a redelivered update once', async () => {
    await addMentor(app, `telegram:${MENTOR}`);
    const update = fake.queueText(MENTOR, '/menu', { messageId: 77 });
    fake.redeliver(update); // same message, new update_id: Telegram did not get our confirmation
    await settle(fake, MENTOR);
    const sent = fake.sentTo(MENTOR);
    const beforeSticker = sent.slice(0, sent.findIndex(isSorry));
    expect(beforeSticker.map((m) => m.text)).toEqual([expect.stringContaining('Main menu, Nomsa')]);
  });

  it('sends the replies to quick messages from one chat in order', async () => {
    for (let i = 0; i < 10; i++) {
      fake.queueSticker(STRANGER); // "only text" with the reminder, in one message
      fake.queueText(STRANGER, 'hello'); // the invitation
    }
    const sent = await fake.waitForMessages(STRANGER, 20);
    const kinds = sent.map((m) =>
      m.text.startsWith('Sorry') && m.text.includes('invite code')
        ? 'S'
        : m.text.startsWith('Hello')
          ? 'H'
          : '?',
    );
    expect(kinds.join('')).toBe('SH'.repeat(10));
  });

  it('stops only once the updates in hand are answered', async () => {
    fake.failWith429('sendMessage'); // holds one reply back for a second
    for (let chat = 1; chat <= 10; chat++) fake.queueText(chat, 'hello');
    await fake.waitForMessages(2, 1);
    await channel.stop();
    expect(fake.sent).toHaveLength(10);
  });

  it('ignores messages in group chats', async () => {
    const group = -100_200_300;
    fake.queueText(group, 'hello bot', { chatType: 'group', fromId: STRANGER });
    await settle(fake, STRANGER);
    expect(fake.sentTo(group)).toEqual([]);
  });
});

describe('Telegram webhook', () => {
  it('accepts updates only with the secret token', async () => {
    const app = await makeTestApp();
    const fake = await FakeTelegram.start();
    const channel = new TelegramChannel(app, {
      token: TOKEN,
      apiRoot: fake.apiRoot,
      webhookUrl: 'https://example.org/telegram/webhook',
      webhookSecret: 's3cret',
    });
    try {
      app.delivery.register(channel);
      const { http } = createHttpServer(silentLogger(), 'test');
      await channel.start(http);
      expect(fake.calls.find((c) => c.method === 'setWebhook')?.body).toMatchObject({
        url: 'https://example.org/telegram/webhook',
        secret_token: 's3cret',
      });
      expect(fake.calls.some((c) => c.method === 'getUpdates')).toBe(false);

      const update = {
        update_id: 1,
        message: {
          message_id: 1,
          date: Math.floor(Date.now() / 1000),
          chat: { id: STRANGER, type: 'private', first_name: 'Thandi' },
          from: { id: STRANGER, is_bot: false, first_name: 'Thandi' },
          text: 'hello',
        },
      };
      const post = (headers: Record<string, string>) =>
        http.request('/telegram/webhook', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(update),
        });

      const refused = await post({});
      expect([401, 403]).toContain(refused.status);
      const wrong = await post({ 'X-Telegram-Bot-Api-Secret-Token': 'guess' });
      expect([401, 403]).toContain(wrong.status);
      expect(fake.sent).toEqual([]);

      const accepted = await post({ 'X-Telegram-Bot-Api-Secret-Token': 's3cret' });
      expect(accepted.status).toBe(200);
      const sent = await fake.waitForMessages(STRANGER, 1);
      expect(sent[0]?.text).toContain('I am only for m2m staff');
    } finally {
      await channel.stop();
      await app.close();
      await fake.close();
    }
  });
});

describe('the composition root with TELEGRAM_BOT_TOKEN', () => {
  it('answers on Telegram beside the web chat, and the CLI-made admin code works there', async () => {
    const fake = await FakeTelegram.start();
    const bot = await startTestBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.apiRoot });
    try {
      const invite = await createInvite(bot.app.services.store, bot.app.services, null, 'admin', null);
      fake.queueText(STRANGER, `/start ${invite.code}`);
      const [question] = await fake.waitForMessages(STRANGER, 1, 5000);
      expect(question?.text).toContain('Which language');
      expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    } finally {
      await bot.stop();
      await fake.close();
    }
  });
});

describe('Telegram refusing a send (she blocked the bot)', () => {
  const BLOCKED = 918_273_645;
  const ALERT = 'URGENT: client AB-12 has severe bleeding. Call her now.';

  it('logs the method and code only, and send() rejects with a permanent DeliveryError', async () => {
    const { app, logs } = await makeLoggedApp();
    const fake = await FakeTelegram.start();
    const channel = new TelegramChannel(app, { token: TOKEN, apiRoot: fake.apiRoot });
    try {
      app.delivery.register(channel);
      await channel.start();
      await addMentor(app, `telegram:${BLOCKED}`);
      fake.refuseChat(BLOCKED);

      const refused = await channel.send(String(BLOCKED), [{ type: 'text', text: ALERT }]).catch((e) => e);
      expect(refused).toBeInstanceOf(DeliveryError);
      expect(refused).toMatchObject({
        channel: 'telegram',
        method: 'sendMessage',
        code: 403,
        permanent: true,
      });
      expect(JSON.stringify(refused)).not.toContain('AB-12');

      // A push (an alert to her) and a reply to her own message fail the same way, without a trace of either.
      await app.delivery.deliver([{ userId: `mentor-${BLOCKED}`, message: { type: 'text', text: ALERT } }]);
      fake.queueText(BLOCKED, '/menu');
      const deadline = Date.now() + 2000;
      while (!logs().includes('telegram update failed') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));

      const log = logs();
      const failures = log.split('\n').filter((l) => l.includes('telegram api call failed'));
      expect(failures.length).toBeGreaterThanOrEqual(3);
      for (const line of failures)
        expect(JSON.parse(line)).toMatchObject({
          channel: 'telegram',
          method: 'sendMessage',
          code: 403,
          permanent: true,
          chat: expect.any(String),
        });
      expect(log).toContain('telegram update failed');
      for (const secret of ['AB-12', 'severe bleeding', 'Main menu', String(BLOCKED), 'blocked by the user'])
        expect(log, secret).not.toContain(secret);
      expect(fake.sentTo(BLOCKED)).toEqual([]);
    } finally {
      await channel.stop();
      await app.close();
      await fake.close();
    }
  });

  it('counts "chat not found" as unreachable too, and another bad request as not', async () => {
    const app = await makeTestApp();
    const fake = await FakeTelegram.start();
    const channel = new TelegramChannel(app, { token: TOKEN, apiRoot: fake.apiRoot });
    try {
      await channel.start();
      fake.refuseChat(BLOCKED, 400, 'Bad Request: chat not found');
      await expect(channel.send(String(BLOCKED), [{ type: 'text', text: 'hi' }])).rejects.toMatchObject({
        code: 400,
        permanent: true,
      });
      fake.refuseChat(BLOCKED, 400, 'Bad Request: message text is empty');
      await expect(channel.send(String(BLOCKED), [{ type: 'text', text: 'hi' }])).rejects.toMatchObject({
        code: 400,
        permanent: false,
      });
    } finally {
      await channel.stop();
      await app.close();
      await fake.close();
    }
  });
});

describe('Telegram rendering within its limits', () => {
  it('sends a long text in parts, a long caption after the file, and choices with long ids as a numbered menu', async () => {
    const app = await makeTestApp();
    const fake = await FakeTelegram.start();
    const channel = new TelegramChannel(app, { token: TOKEN, apiRoot: fake.apiRoot });
    try {
      await channel.start();
      const long = Array.from({ length: 5 }, (_, i) => `${`Paragraph ${i} `.repeat(80)}end.`).join('\n\n');
      const longId = `q:${'x'.repeat(70)}`;
      await channel.send(String(STRANGER), [
        { type: 'text', text: long },
        { type: 'document', path: new URL(import.meta.url).pathname, caption: 'c'.repeat(1500) },
        {
          type: 'choices',
          text: 'Which one?',
          choices: [
            { id: longId, label: 'The first' },
            { id: 'b', label: 'The second' },
          ],
          multiple: false,
        },
        { type: 'choices', text: 'Fine?', choices: [{ id: 'ok', label: 'Yes' }], multiple: false },
      ]);
      const sent = fake.sentTo(STRANGER);
      const texts = sent.filter((m) => m.method === 'sendMessage');
      expect(sent.every((m) => m.text.length <= 4096)).toBe(true);
      const parts = texts.slice(0, 2).map((m) => m.text);
      expect(parts.join('\n\n')).toBe(long); // cut at a paragraph break
      const document = sent.find((m) => m.method === 'sendDocument');
      expect(document?.text).toBe('');
      expect(sent[sent.indexOf(document as SentMessage) + 1]?.text).toBe('c'.repeat(1500));
      const menu = texts.find((m) => m.text.startsWith('Which one?'));
      expect(menu?.text).toBe('Which one?\n\n1. The first\n2. The second');
      expect(menu?.replyMarkup).toBeUndefined();
      expect(buttons(texts.at(-1))).toEqual([{ text: 'Yes', data: 'ok' }]);
    } finally {
      await channel.stop();
      await app.close();
      await fake.close();
    }
  });
});
