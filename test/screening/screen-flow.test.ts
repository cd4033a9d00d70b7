import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { addMentor } from '../support/bots.js';
import { allText, ChatDriver } from '../support/chat-driver.js';
import { makeTestApp } from '../support/fakes.js';
import { storedRecords } from '../support/records.js';

describe('the screening flow', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const start = async () => {
    app = await makeTestApp();
    await addMentor(app, 'cli:amy', 'Amy');
    return { app, chat: new ChatDriver(app, 'cli') };
  };

  it('keeps nothing she answered once the outcome of a screening without consent is given', async () => {
    const { app, chat } = await start();
    await chat.text('amy', '/screen');
    await chat.tap('amy', 'Screen without keeping records');
    await chat.tap('amy', 'Blood pressure check');
    await chat.text('amy', '187');
    // While it runs, the answers are in her session (typed state), and only there.
    const during = JSON.stringify(await app.services.store.sessions.get('cli:amy'));
    expect(during).toContain('187');
    await chat.text('amy', '113');
    await chat.tap('amy', 'No');
    await chat.tap('amy', 'No');
    const outcome = allText(await chat.tap('amy', 'None of these'));
    expect(outcome).toContain('What next?');

    // Everything but the message ids (random UUIDs, which may hold any digits).
    const { recent: _ids, ...kept } = (await app.services.store.sessions.get('cli:amy')) as {
      recent: unknown;
    };
    expect(JSON.stringify(kept)).not.toMatch(/187|113|systolic|diastolic/);
    const screenings = await storedRecords(app, 'screenings');
    expect(screenings).toEqual([
      expect.objectContaining({ clientId: null, answers: null, score: null, reasons: [], consent: false }),
    ]);
    expect(JSON.stringify(screenings)).not.toMatch(/187|113/);
  });

  it('registers a client in a sub-flow and goes on with her screening; /cancel inside it cancels everything', async () => {
    const { app, chat } = await start();
    await chat.text('amy', '/screen');
    await chat.tap('amy', 'New client');
    await chat.tap('amy', 'Yes, she agrees');
    const cancelled = allText(await chat.text('amy', '/cancel'));
    expect(cancelled).toContain('Main menu, Amy');
    const session = (await app.services.store.sessions.get('cli:amy')) as { flow: string; stack: unknown[] };
    expect(session.flow).toBe('menu');
    expect(session.stack).toEqual([]);
    expect(await app.services.store.clients.list({})).toEqual([]);

    await chat.text('amy', '/screen');
    await chat.tap('amy', 'New client');
    await chat.tap('amy', 'Yes, she agrees');
    await chat.tap('amy', 'Make a new code');
    await chat.text('amy', '1990');
    await chat.tap('amy', 'female');
    const registered = allText(await chat.text('amy', '9'));
    const [client] = await app.services.store.clients.list({});
    expect(registered).toContain(`Client registered with code ${client?.code}`);
    expect(registered).toContain(`Client ${client?.code}.`);
    expect(registered).toContain('Which screening?');
    const resumed = (await app.services.store.sessions.get('cli:amy')) as { flow: string; step: string };
    expect(resumed).toMatchObject({ flow: 'screen', step: 'choose' });
  });

  it('uses short ids of its own for every choice (Telegram allows 64 bytes)', async () => {
    const { chat } = await start();
    const ids = [
      ...(await chat.text('amy', '/screen')),
      ...(await chat.tap('amy', 'Screen without keeping records')),
      ...(await chat.tap('amy', 'Blood pressure check')),
    ].flatMap((m) => (m.type === 'choices' ? m.choices.map((c) => c.id) : []));
    expect(ids).toContain('sc.anon');
    expect(ids).toContain('sc.q:hypertension-bp');
    for (const id of ids) {
      expect(id).toMatch(/^sc\./);
      expect(Buffer.byteLength(id)).toBeLessThanOrEqual(64);
    }
  });
});
