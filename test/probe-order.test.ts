import { expect, it } from 'vitest';
import { TelegramChannel } from '../src/channels/telegram/telegram-channel.js';
import { FakeTelegram } from './support/fake-telegram.js';
import { makeTestApp } from './support/fakes.js';

it('keeps reply order within a chat', async () => {
  const app = await makeTestApp();
  const fake = await FakeTelegram.start();
  const channel = new TelegramChannel(app, { token: '1:A', apiRoot: fake.apiRoot });
  await channel.start();
  const n = 30;
  for (let i = 0; i < n; i++) {
    fake.queueSticker(5);
    fake.queueText(5, 'hello');
  }
  const sent = await fake.waitForMessages(5, 3 * n, 5000);
  const kinds = sent.map((m) => (m.text.startsWith('Sorry') ? 'U' : m.text.startsWith('Please') ? 'R' : 'W')).join('');
  await channel.stop(); await app.close(); await fake.close();
  expect(kinds).toBe('URW'.repeat(n));
});
