import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CliChat } from '../../src/channels/cli/cli-chat.js';
import { addMentor } from '../support/bots.js';
import { makeTestApp, tempDataDir } from '../support/fakes.js';

/** One `chat --json` run: its input lines in, its output lines out, the app closed as the process would. */
async function chatRun(
  dataDir: string,
  lines: unknown[],
  setUp?: (app: App) => Promise<void>,
): Promise<string[]> {
  const app = await makeTestApp({ dataDir });
  await setUp?.(app);
  const out: string[] = [];
  try {
    await new CliChat(app, true, (line) => out.push(line)).run(
      Readable.from(lines.map((l) => `${JSON.stringify(l)}\n`)),
      'ignored',
    );
  } finally {
    await app.close();
  }
  return out;
}

const repliesTo = (out: string[], to: string) =>
  out.map((line) => JSON.parse(line) as { to?: string; type?: string }).filter((m) => m.to === to);

describe('the CLI chat', () => {
  it('answers the first lines of a second run for the same person (message ids differ per run)', async () => {
    const dataDir = tempDataDir();
    const first = await chatRun(dataDir, [{ from: 'amina', text: 'hello' }], (app) =>
      addMentor(app, 'cli:amina'),
    );
    const second = await chatRun(dataDir, [{ from: 'amina', text: 'hello' }]);
    expect(repliesTo(first, 'amina')).not.toEqual([]);
    expect(repliesTo(second, 'amina')).not.toEqual([]);
    expect(second).toContain(JSON.stringify({ type: 'done', in: 1 }));
  });
});
