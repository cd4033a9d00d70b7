import { expect, it } from 'vitest';
import { TelegramChannel } from '../src/channels/telegram/telegram-channel.js';
import { FakeTelegram } from './support/fake-telegram.js';
import { makeTestApp } from './support/fakes.js';

it('stop lets fetched updates finish', async () => {
  const app = await makeTestApp();
  const fake = await FakeTelegram.start();
  const channel = new TelegramChannel(app, { token: '1:A', apiRoot: fake.apiRoot });
  await channel.start();
  // fake.failWith429('sendMessage');
  for (let i = 0; i < 20; i++) fake.queueText(100 + i, 'hello');
  await fake.waitForMessages(100, 1);
  await channel.stop();
  await app.close();
  const count = fake.sent.length;
  await fake.close();
  expect(count).toBe(20);
});
