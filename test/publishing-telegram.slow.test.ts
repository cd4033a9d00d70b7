import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { TelegramChannel } from '../src/channels/telegram/telegram-channel.js';
import { contentDir } from '../src/paths.js';
import { FakeTelegram, type SentMessage } from './support/fake-telegram.js';
import { makeTestApp } from './support/fakes.js';

/**
 * Publishing content end to end through Telegram: the trainer's file goes through the fake Bot API (getFile and the
 * file download), the bot answers with buttons, and what she publishes is live at once for a Mentor Mother asking on
 * Telegram, without a restart.
 */

const TOKEN = '123:ABC';
const TRAINER = 3003;
const CLINICIAN = 4004;
const MENTOR = 2002;

const NEW_ARTICLE = `id: tb-visit-ventilation
schemaVersion: 1
kind: article
lang: en
topic: tb
title: Fresh air during home visits
summary: Why a Mentor Mother opens windows during home visits where someone coughs, and how to ask for it kindly.
sources:
  - title: Tuberculosis fact sheet
    publisher: World Health Organization
    year: 2025
    url: https://www.who.int/news-room/fact-sheets/detail/tuberculosis
review:
  status: draft
  by: null
  date: null
  checks: []
sections:
  - id: windows
    heading: Ask to open a window
    body: >-
      TB germs float in still indoor air. When someone in the home coughs, ask kindly to open a window or the door
      before you sit down, and sit near the moving air. Meeting outside in the yard is even better.
`;

const text = (m: SentMessage | undefined): string => m?.text ?? '';
const buttons = (m: SentMessage | undefined) =>
  (m?.replyMarkup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data ?? '' }));

/** A message as she sees it: the text, then its buttons' labels. */
const shown = (m: SentMessage): string => [m.text, ...buttons(m).map((b) => `[${b.text}]`)].join('\n');
const file = (path: string): string => readFileSync(join(contentDir, path), 'utf8');
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('publishing content through Telegram', () => {
  let app: App;
  let fake: FakeTelegram;
  let channel: TelegramChannel;

  /** Waits until a message to the chat, sent after `from`, matches; returns everything sent after `from`. */
  async function until(
    chat: number,
    from: number,
    match: RegExp,
    timeoutMs = 20_000,
  ): Promise<SentMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const sent = fake.sentTo(chat).slice(from);
      if (sent.some((m) => match.test(m.text) || buttons(m).some((b) => match.test(b.text)))) {
        await new Promise((resolve) => setTimeout(resolve, 60)); // the rest of that reply
        return fake.sentTo(chat).slice(from);
      }
      if (Date.now() > deadline)
        throw new Error(`no message matching ${match} to ${chat}; got:\n${sent.map(text).join('\n---\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Does something in the chat and waits for the answer that matches. */
  async function step(chat: number, act: () => void, match: RegExp): Promise<string> {
    const from = fake.sentTo(chat).length;
    act();
    return (await until(chat, from, match)).map(shown).join('\n');
  }

  /** Taps the button whose label matches, in the latest message that has one. */
  function tap(chat: number, label: RegExp): void {
    const withButton = fake
      .sentTo(chat)
      .filter((m) => buttons(m).some((b) => label.test(b.text)))
      .at(-1);
    const button = buttons(withButton).find((b) => label.test(b.text));
    if (!button) throw new Error(`no button ${label} for ${chat}`);
    fake.queueTap(chat, button.data);
  }

  const send = (chat: number, name: string, content: Uint8Array, fileSize?: number) =>
    fake.queueDocument(chat, {
      fileName: name,
      mimeType: name.endsWith('.zip') ? 'application/zip' : 'application/x-yaml',
      bytes: content,
      ...(fileSize !== undefined ? { fileSize } : {}),
    });

  async function person(chat: number, role: 'mentor' | 'trainer', name: string, clinician = false) {
    const address = `telegram:${chat}`;
    await app.services.store.users.put({
      id: `${role}-${chat}`,
      role,
      name,
      lang: 'en',
      teamId: null,
      active: true,
      addresses: [address],
      lastAddress: address,
      createdAt: app.services.clock.now().toISOString(),
      invitedBy: null,
      ...(clinician ? { clinician: true } : {}),
    });
  }

  const versions = async () => (await app.services.publishing.history()).length;

  beforeEach(async () => {
    // Content checks in the worker thread, as the bot runs them.
    app = await makeTestApp({ contentChecks: 'worker' });
    fake = await FakeTelegram.start();
    channel = new TelegramChannel(app, { token: TOKEN, apiRoot: fake.apiRoot });
    app.delivery.register(channel);
    await channel.start();
    await person(TRAINER, 'trainer', 'Thandi');
    await person(CLINICIAN, 'trainer', 'Dr Banda', true);
    await person(MENTOR, 'mentor', 'Nomsa');
  });

  afterEach(async () => {
    try {
      await channel.stop();
      await app.close();
    } finally {
      await fake.close();
    }
  });

  it('a new article sent as a Telegram document goes live at once and a mentor finds it by asking', async () => {
    // Semantic search is ready before the publish, so the new passage is embedded with it (and only that one).
    await app.services.search.search('warm up', 'en');
    const before = app.services.content.current().id;

    const preview = await step(
      TRAINER,
      () => send(TRAINER, 'tb-visit-ventilation.en.yaml', bytes(NEW_ARTICLE)),
      /Publish now/,
    );
    expect(fake.fileRequests).toHaveLength(1); // read through getFile and the file route
    expect(preview).toContain('Fresh air during home visits');
    expect(app.services.content.current().id).toBe(before); // nothing live before she confirms

    await step(TRAINER, () => tap(TRAINER, /^Publish now$/), /Why this change\?/);
    const live = await step(
      TRAINER,
      () => fake.queueText(TRAINER, 'Ventilation advice for visits'),
      /is live for everyone/,
    );
    expect(live).toMatch(/Version 2 is live for everyone\. Passages prepared for search: 1\./);
    expect(app.services.content.current().id).not.toBe(before);

    const answer = await step(
      MENTOR,
      () => fake.queueText(MENTOR, 'someone coughs in the house, should I open a window when I visit?'),
      /helpful/i,
    );
    expect(answer).toContain('Fresh air during home visits');
    const record = (await app.services.publishing.history()).at(-1);
    expect(record).toMatchObject({
      version: 2,
      by: `trainer-${TRAINER}`,
      note: 'Ventilation advice for visits',
    });
  }, 60_000);

  it('a questionnaire change: the errors listed, fixed, then it waits for a clinician, who approves it from her push', async () => {
    const main = file('questionnaires/hypertension-bp.yaml')
      .replace(/^version: 2$/m, 'version: 3')
      .replace(
        'not pregnancy_related and (systolic >= 180 or diastolic >= 110)"\n    urgency: urgent',
        'not pregnancy_related and (systolic >= 180 or diastolic >= 112)"\n    urgency: urgent',
      );
    expect(main).toContain('diastolic >= 112');
    const texts = (lang: string) =>
      file(`questionnaires/hypertension-bp.${lang}.yaml`).replace(/^version: 2$/m, 'version: 3');
    const zip = (mainText: string) =>
      zipSync({
        'questionnaires/hypertension-bp.yaml': bytes(mainText),
        'questionnaires/hypertension-bp.pt.yaml': bytes(texts('pt')),
        'questionnaires/hypertension-bp.sw.yaml': bytes(texts('sw')),
      });

    // Her own test case no longer holds: the error names the file, the line and the case; nothing changes.
    const errors = await step(TRAINER, () => send(TRAINER, 'bp.zip', zip(main)), /fix these/i);
    expect(errors).toMatch(/questionnaires\/hypertension-bp\.yaml.*line \d+/);
    expect(errors).toContain('150/110 with chest pain');
    expect(await versions()).toBe(1);

    const fixed = main.replace(
      'reasons: [emergency_symptom, crisis_with_symptom, very_high, high] }',
      'reasons: [emergency_symptom, crisis_with_symptom, high] }',
    );
    const preview = await step(TRAINER, () => send(TRAINER, 'bp.zip', zip(fixed)), /clinician's approval/);
    expect(preview).toMatch(/diastolic >= 110[\s\S]*diastolic >= 112/); // the rule before and after
    expect(preview).toMatch(/test cases/i);
    await step(TRAINER, () => tap(TRAINER, /clinician's approval/), /Why this change\?/);
    const clinicianFrom = fake.sentTo(CLINICIAN).length;
    await step(TRAINER, () => fake.queueText(TRAINER, 'National guideline 2026'), /Waiting for a clinician/);
    expect(app.services.content.current().catalog.questionnaire('hypertension-bp')?.source.version).toBe(2);

    // The clinician's push has a button that opens the change wherever she is.
    await until(CLINICIAN, clinicianFrom, /waits for your approval/);
    await step(CLINICIAN, () => tap(CLINICIAN, /^Open it$/), /Approve and publish/);
    const trainerFrom = fake.sentTo(TRAINER).length;
    await step(CLINICIAN, () => tap(CLINICIAN, /^Approve and publish$/), /is live for everyone/);
    await until(TRAINER, trainerFrom, /Dr Banda approved your content change/);

    const live = app.services.content.current();
    expect(live.catalog.questionnaire('hypertension-bp')?.source.version).toBe(3);
    // The version stored screenings name stays readable.
    expect(live.catalog.questionnaire('hypertension-bp', 2)?.source.version).toBe(2);
    const record = (await app.services.publishing.history()).at(-1);
    expect(record).toMatchObject({ approvedBy: 'Dr Banda', note: 'National guideline 2026' });
  }, 90_000);

  it('a rollback in two taps from the list of versions', async () => {
    await step(
      TRAINER,
      () => send(TRAINER, 'tb-visit-ventilation.en.yaml', bytes(NEW_ARTICLE)),
      /Publish now/,
    );
    await step(TRAINER, () => tap(TRAINER, /^Publish now$/), /Why this change\?/);
    await step(TRAINER, () => tap(TRAINER, /^Skip$/), /is live for everyone/);
    expect(app.services.catalog.article('tb-visit-ventilation', 'en')).toBeDefined();

    await step(TRAINER, () => fake.queueText(TRAINER, '/menu'), /Content versions/);
    await step(TRAINER, () => tap(TRAINER, /^Content versions$/), /newest first/);
    await step(TRAINER, () => tap(TRAINER, /^Version 1/), /Roll back to version 1/); // tap one
    const done = await step(TRAINER, () => tap(TRAINER, /^Roll back to version 1$/), /live again/); // tap two
    expect(done).toContain('The content of version 1 is live again for everyone, as version 3');
    expect(app.services.catalog.article('tb-visit-ventilation', 'en')).toBeUndefined();
  }, 60_000);

  it("a mentor's upload is refused politely and never downloaded", async () => {
    const reply = await step(
      MENTOR,
      () => send(MENTOR, 'article.en.yaml', bytes(NEW_ARTICLE)),
      /Only trainers/,
    );
    expect(reply).toContain('nothing has changed');
    expect(fake.fileRequests).toHaveLength(0);
    expect(fake.calls.filter((c) => c.method === 'getFile')).toHaveLength(0);
    expect(await versions()).toBe(1);
  });

  it('hostile uploads each get a clear refusal in her language and change nothing', async () => {
    const live = app.services.content.current().id;
    const nonUtf8 = new Uint8Array([...bytes('id: x\ntitle: caf'), 0xe9, 0x0a]); // Latin-1 é
    const aliases = `a: &a ["x","x","x","x","x","x","x","x","x","x"]\n${Array.from(
      { length: 12 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
    ).join('\n')}\n`;
    // An article that takes the id of an existing training module.
    const collision = NEW_ARTICLE.replace('id: tb-visit-ventilation', 'id: diabetes-basics').replace(
      'topic: tb',
      'topic: diabetes',
    );
    const cases: { name: string; content: Uint8Array; fileSize?: number; expect: RegExp }[] = [
      {
        name: 'bomb.zip',
        content: zipSync({ 'library/tb/bomb.en.yaml': new Uint8Array(40 * 1024 * 1024).fill(0x61) }),
        expect: /more than|too (big|large)|unpacks/i,
      },
      {
        name: 'escape.zip',
        content: zipSync({ '../../evil.en.yaml': bytes(NEW_ARTICLE) }),
        expect: /unsafe|path/i,
      },
      { name: 'huge.yaml', content: bytes('x'), fileSize: 50 * 1024 * 1024, expect: /larger than/i },
      {
        name: 'picture.yaml',
        // An executable's first bytes: valid UTF-8, but NUL and control characters.
        content: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]),
        expect: /binary|not a text/i,
      },
      { name: 'latin1.en.yaml', content: nonUtf8, expect: /UTF-8/ },
      { name: 'diabetes-basics.en.yaml', content: bytes(collision), expect: /diabetes-basics/ },
      { name: 'aliases.yaml', content: bytes(aliases), expect: /anchors|aliases/i },
    ];
    for (const c of cases) {
      const from = fake.sentTo(TRAINER).length;
      send(TRAINER, c.name, c.content, c.fileSize);
      const reply = (await until(TRAINER, from, /nothing (has )?changed|did not read|fix these/i))
        .map(shown)
        .join('\n');
      expect(reply, c.name).toMatch(c.expect);
      expect(reply, c.name).not.toMatch(/went wrong|internal|undefined|\[object/i);
      expect(app.services.content.current().id, c.name).toBe(live);
    }
    expect(await versions()).toBe(1);
    // The 50 MB file was refused on its declared size, before any download.
    expect(fake.calls.filter((c) => c.method === 'getFile')).toHaveLength(cases.length - 1);
  }, 90_000);
});
