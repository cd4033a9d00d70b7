import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The Chromium that browser tests drive: `CHROMIUM_PATH`, else the Debian package's (`apt-get install chromium`). */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Whether browser tests can run here; when not, they skip with a loud warning (see `warnNoChromium`). */
export const hasChromium = existsSync(chromiumPath);

export function warnNoChromium(what: string): void {
  // CI sets REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
  if (process.env.REQUIRE_BROWSER === '1')
    throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${chromiumPath}`);
  console.warn(
    [
      '',
      '!'.repeat(78),
      `!! SKIPPING ${what}: no Chromium at ${chromiumPath}.`,
      '!! Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH). CI always runs these tests.',
      '!! Never `npx playwright install`.',
      '!'.repeat(78),
      '',
    ].join('\n'),
  );
}

/** Launches headless Chromium; `extraArgs` e.g. `--host-resolver-rules=MAP chat.test 127.0.0.1` for a non-loopback name. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}
