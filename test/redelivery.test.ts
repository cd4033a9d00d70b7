import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { User } from '../src/accounts/types.js';
import { LowdbStore } from '../src/store/lowdb/lowdb-store.js';
import { FakeTelegram } from './support/fake-telegram.js';
import { tempDataDir, testCacheDir } from './support/fakes.js';
import { spawnTs } from './support/processes.js';

const CHAT = 4242;
const TOKEN = '123:ABC';

/** Waits until a (new) bot process polls the fake Bot API. */
async function polling(fake: FakeTelegram, polls: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (fake.calls.filter((c) => c.method === 'getUpdates').length <= polls) {
    if (Date.now() > deadline) throw new Error('the bot did not start polling');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the bot has sent more than `count` messages to the chat. */
async function nextReply(fake: FakeTelegram, count: number): Promise<void> {
  await fake.waitForMessages(CHAT, count + 1, 10_000);
}

describe('a message redelivered after a crash', () => {
  it('is recognised: the screening it completed is recorded once, and the bot does not answer it twice', async () => {
    const dataDir = tempDataDir();
    const store = await LowdbStore.open({ dataDir, lock: true });
    const mentor: User = {
      id: 'mentor-1',
      role: 'mentor',
      name: 'Lindiwe',
      lang: 'en',
      teamId: null,
      active: true,
      addresses: [`telegram:${CHAT}`],
      lastAddress: `telegram:${CHAT}`,
      createdAt: '2026-11-01T00:00:00.000Z',
      invitedBy: null,
    };
    await store.users.put(mentor);
    await store.close();

    const fake = await FakeTelegram.start();
    const env = {
      DATA_DIR: dataDir,
      CACHE_DIR: testCacheDir(),
      LOG_LEVEL: 'silent',
      PORT: '0',
      WEBCHAT: 'off',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
    };
    const start = () => spawnTs('src/main.ts', [], env);
    let bot = start();
    try {
      await polling(fake, 0);
      const steps: Array<{ text: string } | { tap: string }> = [
        { text: '/screen' },
        { tap: 'sc.anon' },
        { tap: 'sc.q:hypertension-bp' },
        { text: '150' },
        { text: '95' },
        { tap: 'sc.a:no' },
        { tap: 'sc.a:no' },
      ];
      for (const step of steps) {
        const count = fake.sentTo(CHAT).length;
        if ('text' in step) fake.queueText(CHAT, step.text);
        else fake.queueTap(CHAT, step.tap);
        await nextReply(fake, count);
      }
      // The last answer completes the screening: as soon as its reply arrives, the process is killed.
      const count = fake.sentTo(CHAT).length;
      const last = fake.queueTap(CHAT, '_none');
      await nextReply(fake, count);
      expect(fake.sentTo(CHAT).at(-1)?.text).toMatch(/blood pressure|routine|clinic/i);
      bot.kill('SIGKILL');
      await once(bot, 'exit');

      // Telegram never got the confirmation, so it delivers the same update again to the new process.
      const polls = fake.calls.filter((c) => c.method === 'getUpdates').length;
      bot = start();
      await polling(fake, polls);
      const before = fake.sentTo(CHAT).length;
      fake.queue(last);
      fake.queueText(CHAT, '/menu');
      await nextReply(fake, before);
      // The one answer after the restart is the menu's: the redelivered tap was recognised and not answered.
      expect(
        fake
          .sentTo(CHAT)
          .slice(before)
          .map((m) => m.text.slice(0, 40)),
      ).toEqual([expect.stringContaining('Main menu')]);
      bot.kill('SIGTERM');
      await once(bot, 'exit');
    } finally {
      bot.kill('SIGKILL');
      await fake.close();
    }
    const after = await LowdbStore.open({ dataDir, lock: true });
    const screenings = await after.journal('screenings').query();
    expect(screenings).toEqual([
      expect.objectContaining({ questionnaire: 'hypertension-bp', mentorId: 'mentor-1', clientId: null }),
    ]);
    await after.close();
  }, 60_000);
});
