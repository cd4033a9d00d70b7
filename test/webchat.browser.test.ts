import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { type RunningBot, startBot } from '../src/main.js';
import { hasChromium, launchChromium, warnNoChromium } from './support/browser.js';
import { tempDataDir } from './support/fakes.js';

if (!hasChromium) warnNoChromium('the web chat browser test (test/webchat.browser.test.ts)');

const CODE = /[A-Z2-9]{4}-[A-Z2-9]{4}/;
/** The page polls /webchat/api/events every 3 s. */
const POLL_WAIT_MS = 8000;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.skipIf(!hasChromium)('web chat page in a browser (demo mode)', () => {
  let bot: RunningBot;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    bot = await startBot(
      loadConfig({ DATA_DIR: tempDataDir(), PORT: '0', LOG_LEVEL: 'silent' }),
      silentLogger(),
    );
    base = `http://127.0.0.1:${bot.port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  /** Taps the newest enabled button with exactly this label. */
  const tap = (page: Page, label: string) =>
    page
      .locator('.choices button:enabled', { hasText: new RegExp(`^${escapeRegExp(label)}$`) })
      .last()
      .click();

  const send = async (page: Page, text: string) => {
    await page.fill('#text', text);
    await page.click('#send');
  };

  /** Waits until a bot bubble shows this text, and returns that bubble's text. */
  const botSays = async (page: Page, text: string | RegExp, timeout = 5000): Promise<string> => {
    const bubble = page.locator('.msg.bot', { hasText: text }).last();
    await bubble.waitFor({ state: 'visible', timeout });
    return (await bubble.textContent()) ?? '';
  };

  const switchTo = async (page: Page, identity: string) => {
    await page.click('#switch');
    await page.click(`#identities button[data-identity="${identity}"]`);
  };

  const api = async (path: string, body: unknown) =>
    (await (
      await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as { token?: string; messages?: { text?: string }[] };

  it('invites a supervisor as the demo admin, registers her in Swahili, and pushes "has joined"', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 800 },
      deviceScaleFactor: 1,
      locale: 'en-US',
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // The browser asks for /favicon.ico on its own; the page has none (a harmless 404).
      const where = message.location().url;
      if (message.type() === 'error' && !where.endsWith('/favicon.ico'))
        pageErrors.push(`${message.text()} ${where}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
    });
    try {
      await page.goto(base);
      expect(await page.title()).toBe('m2m Mentor Mother assistant');

      // The demo admin: the main menu as buttons.
      await page.click('#identities button[data-identity="admin"]');
      await botSays(page, 'Main menu, Joao (demo admin)');
      const labels = await page.locator('.choices button').allTextContents();
      expect(labels).toEqual(expect.arrayContaining(['Invite someone', 'Manage users', 'Help']));

      // Invite a supervisor for a new team in Kenya.
      await tap(page, 'Invite someone');
      await botSays(page, 'Who would you like to invite?');
      await tap(page, 'supervisor');
      await botSays(page, 'Which team will the supervisor lead?');
      await tap(page, 'New team');
      await botSays(page, "What is the new team's name?");
      await send(page, 'Mombasa Coast');
      await page.locator('.msg.me', { hasText: 'Mombasa Coast' }).waitFor();
      await botSays(page, 'Which country does the team Mombasa Coast work in?');
      await tap(page, 'Kenya');
      const created = await botSays(page, 'Invite code for a new supervisor in the team Mombasa Coast');
      const code = CODE.exec(created)?.[0];
      expect(code).toBeDefined();
      // The taps disabled the buttons they answered; the new menu is live.
      expect(await page.locator('.choices button:disabled', { hasText: 'Kenya' }).count()).toBe(1);
      await botSays(page, 'Main menu, Joao (demo admin)');
      await page.screenshot({ path: '/tmp/webchat-invite.png', fullPage: true });

      // A new visitor registers with the code, in Swahili.
      await switchTo(page, 'visitor');
      await botSays(page, 'I am only for m2m staff');
      await send(page, code ?? '');
      await botSays(page, 'Which language would you like me to use?');
      await tap(page, 'Kiswahili');
      await botSays(page, 'Nikuite jina gani?');
      await send(page, 'Neema Otieno');
      await botSays(page, 'Umesajiliwa');
      await botSays(page, 'Menyu kuu, Neema Otieno');
      expect(await page.locator('.msg.bot', { hasText: 'Main menu' }).count()).toBe(0);
      await page.screenshot({ path: '/tmp/webchat-swahili.png', fullPage: true });

      // The admin was told, through the events API...
      const events = (await (await fetch(`${base}/webchat/api/events?token=demo-admin`)).json()) as {
        events: { seq: number; message: { text?: string } }[];
      };
      expect(events.events.map((e) => e.message.text)).toContainEqual(
        'Neema Otieno has joined as supervisor with your invite code.',
      );
      // ...and the page shows it once she switches back (the page polls every 3 s).
      await switchTo(page, 'admin');
      await botSays(page, 'Main menu, Joao (demo admin)');
      await botSays(page, 'Neema Otieno has joined as supervisor', POLL_WAIT_MS);

      // A push to another identity shows too after switching (each identity has its own event numbers).
      await api('/webchat/api/session', { identity: 'supervisor' });
      const invited = await api('/webchat/api/messages', { token: 'demo-supervisor', text: '/invite' });
      const mentorCode = CODE.exec(invited.messages?.map((m) => m.text).join('\n') ?? '')?.[0];
      expect(mentorCode).toBeDefined();
      const { token: newcomer } = await api('/webchat/api/session', { identity: 'visitor' });
      await api('/webchat/api/messages', { token: newcomer, text: mentorCode });
      await api('/webchat/api/messages', { token: newcomer, choice: 'lang:en' });
      await api('/webchat/api/messages', { token: newcomer, text: 'Zawadi Mwangi' });
      await switchTo(page, 'supervisor');
      await botSays(page, 'Main menu, Grace (demo supervisor)');
      await botSays(page, 'Zawadi Mwangi has joined as Mentor Mother', POLL_WAIT_MS);

      // Back to the admin: her earlier push is not shown a second time.
      await switchTo(page, 'admin');
      await botSays(page, 'Main menu, Joao (demo admin)');
      await page.waitForTimeout(3500);
      expect(await page.locator('.msg.bot', { hasText: 'has joined' }).count()).toBe(0);

      await page.screenshot({ path: '/tmp/webchat.png' });
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
