import type { GapRecord } from '../../features/search/ask-flow.js';
import { openApp } from '../open-app.js';

/** `gaps [--json]`: questions mentors shared because no good answer was found (no names, no numbers). */
export async function gapsCommand(options: { json?: boolean }): Promise<void> {
  const app = await openApp({ writes: false });
  try {
    const gaps = await app.services.store.journal<GapRecord>('gaps').query();
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify(gaps.map((g) => ({ at: g.at, lang: g.lang, question: g.question })))}\n`,
      );
      return;
    }
    if (gaps.length === 0) {
      process.stdout.write('No questions have been shared yet.\n');
      return;
    }
    for (const g of gaps) process.stdout.write(`${g.at.slice(0, 10)}  [${g.lang}]  ${g.question}\n`);
  } finally {
    await app.close();
  }
}
