import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createInvite } from '../../src/accounts/invites.js';
import { createTeam } from '../../src/accounts/teams.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging/logger.js';
import { ChatDriver } from '../support/chat-driver.js';
import { FixedClock, SeededIds, tempDataDir } from '../support/fakes.js';

describe('logs', () => {
  it('carry no message text, names or channel ids, only pseudonyms', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({ DATA_DIR: tempDataDir(), LOG_LEVEL: 'trace' });
    const app = await createApp(config, {
      logger: createLogger('trace', sink),
      clock: new FixedClock(),
      ids: new SeededIds(),
    });
    const chat = new ChatDriver(app, 'telegram');
    const team = await createTeam(app.services.store, app.services, null, 'Secret Team', 'ZA');
    const invite = await createInvite(app.services.store, app.services, null, 'mentor', team.id);
    await chat.text('27821234567', 'I have HIV and my name is Nomsa');
    await chat.text('27821234567', invite.code);
    await chat.text('27821234567', '1');
    await chat.text('27821234567', 'Nomsa Khumalo');
    await app.close();
    const log = lines.join('');
    expect(lines.some((l) => l.includes('user registered'))).toBe(true);
    for (const secret of ['Nomsa', 'HIV', '27821234567', 'Secret Team', invite.code]) {
      expect(log, secret).not.toContain(secret);
    }
  });
});
