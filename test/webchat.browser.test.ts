import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBot } from '../src/main.js';
import { startTestBot } from './support/bots.js';
import { hasChromium, launchChromium, warnNoChromium } from './support/browser.js';

if (!hasChromium) warnNoChromium('the web chat browser tests (test/webchat.browser.test.ts)');

const CODE = /[A-Z2-9]{4}-[A-Z2-9]{4}/;
/** The page polls /webchat/api/events every 3 s. */
const POLL_WAIT_MS = 8000;
/** A name that is not loopback, so the page is not a secure context (like http://<LAN address>:3000/). */
const PLAIN_HTTP_HOST = 'webchat.test';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phone-sized page that records page errors, failed console loads and HTTP errors. */
async function phonePage(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 800 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // The browser asks for /favicon.ico on its own; the page has none (a harmless 404).
    const where = message.location().url;
    if (message.type() === 'error' && !where.endsWith('/favicon.ico'))
      errors.push(`${message.text()} ${where}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  return { context, page, errors };
}

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

/** Whether the element is wholly on screen, above the composer (the newest message must not hide behind it). */
async function expectOnScreen(page: Page, element: Locator): Promise<void> {
  const box = await element.boundingBox();
  const composer = await page.locator('#composer').boundingBox();
  expect(box).not.toBeNull();
  expect(composer).not.toBeNull();
  if (!box || !composer) return;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(composer.y + 1);
}

const switchTo = async (page: Page, identity: string) => {
  await page.click('#switch');
  await page.click(`#identities button[data-identity="${identity}"]`);
};

describe.skipIf(!hasChromium)('web chat page in a browser', () => {
  const bots: RunningBot[] = [];
  let browser: Browser;

  const start = async (env: Record<string, string>): Promise<RunningBot> => {
    const bot = await startTestBot(env);
    bots.push(bot);
    return bot;
  };

  beforeAll(async () => {
    browser = await launchChromium([`--host-resolver-rules=MAP ${PLAIN_HTTP_HOST} 127.0.0.1`]);
  });

  afterAll(async () => {
    await browser?.close();
    for (const bot of bots) await bot.stop();
  });

  it('demo mode: the admin invites a supervisor, she registers in Swahili, pushes reach each identity', async () => {
    const bot = await start({});
    const base = `http://127.0.0.1:${bot.port}`;
    const api = async (path: string, body: unknown) =>
      (await (
        await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json()) as { token?: string; messages?: { text?: string }[] };

    const { context, page, errors } = await phonePage(browser);
    try {
      await page.goto(base);
      expect(await page.title()).toBe('m2m Mentor Mother assistant');
      await page.locator('#identities').waitFor();
      await page.screenshot({ path: '/tmp/webchat-identities.png' });
      expect(await page.isVisible('#composer')).toBe(false);
      expect(await page.isVisible('#switch')).toBe(false);

      // The demo admin: the main menu as buttons.
      await page.click('#identities button[data-identity="admin"]');
      await botSays(page, 'Main menu, Joao (demo admin)');
      expect(await page.isVisible('#composer')).toBe(true);
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
      await expectOnScreen(page, page.locator('.choices').last());
      await tap(page, 'Kenya');
      const created = await botSays(page, 'Invite code for a new supervisor in the team Mombasa Coast');
      const code = CODE.exec(created)?.[0];
      expect(code).toBeDefined();
      await botSays(page, 'Main menu, Joao (demo admin)');
      // The taps disabled the buttons they answered; the new menu is live and on screen.
      expect(await page.locator('.choices button:disabled', { hasText: 'Kenya' }).count()).toBe(1);
      await expectOnScreen(page, page.locator('.choices').last());
      await page.screenshot({ path: '/tmp/webchat-invite.png' });

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
      await page.screenshot({ path: '/tmp/webchat-swahili.png' });

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

      // A push to another identity shows too after switching (each identity numbers its events from 1).
      await api('/webchat/api/session', { identity: 'supervisor' });
      const invited = await api('/webchat/api/messages', { token: 'demo-supervisor', text: '/invite' });
      const mentorCode = CODE.exec(invited.messages?.map((m) => m.text).join('\n') ?? '')?.[0];
      expect(mentorCode).toBeDefined();
      const { token: newcomer } = await api('/webchat/api/session', { identity: 'visitor' });
      await api('/webchat/api/messages', { token: newcomer, text: mentorCode });
      await api('/webchat/api/messages', { token: newcomer, choice: 'ob.en' });
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
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 30_000);

  it('WEBCHAT=on over plain HTTP on a non-loopback name: no identities, the welcome, and replies', async () => {
    const bot = await start({ WEBCHAT: 'on' });
    const { context, page, errors } = await phonePage(browser);
    try {
      await page.goto(`http://${PLAIN_HTTP_HOST}:${bot.port}/`);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
      await botSays(page, 'I am only for m2m staff');
      expect(await page.locator('#identities').count()).toBe(0);
      expect(await page.isVisible('#switch')).toBe(false);
      const token = await page.evaluate(() => localStorage.getItem('m2m.token'));
      expect(token).toMatch(/^[\w-]{20,}$/);
      expect(token).not.toMatch(/^demo-/);

      await send(page, 'ABCD-EFGH');
      await botSays(page, 'I do not know that invite code');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
