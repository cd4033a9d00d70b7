import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { ChannelSender } from '../src/channels/delivery.js';
import type { OutMessage } from '../src/core/messages.js';
import { localesDir } from '../src/paths.js';
import {
  assertionStats,
  internalErrorTexts,
  loadTranscript,
  parseTranscript,
  runTranscript,
  type Transcript,
} from './support/transcript.js';

const dir = join(import.meta.dirname, 'transcripts');

describe('golden transcripts', () => {
  const transcripts: Transcript[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const transcript = loadTranscript(join(dir, file));
    transcripts.push(transcript);
    it(`${file}: ${transcript.title}`, () => runTranscript(transcript));
  }

  it('every step that sends something checks something', () => {
    const stats = assertionStats(transcripts);
    expect(stats.checked + stats.nothing).toBe(stats.steps);
    // `nothing: true` is for the rare step where any reply is fine; keep it rare.
    expect(stats.nothing / stats.steps).toBeLessThan(0.05);
  });

  afterAll(() => {
    const s = assertionStats(transcripts);
    const pct = (n: number) => `${((100 * n) / s.steps).toFixed(1)} %`;
    console.log(
      `transcripts: ${transcripts.length} files, ${s.steps} person steps; ` +
        `${s.checked} check something (${pct(s.checked)}), ${s.nothing} say nothing: true (${pct(s.nothing)}), ` +
        `${s.steps - s.checked - s.nothing} assert nothing; ` +
        `by kind: ${Object.entries(s.byKind)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
    );
  });
});

/** The runner itself: what must fail does fail. */
describe('transcript runner', () => {
  const locales = readdirSync(localesDir).filter((l) => !l.startsWith('.'));
  const internalOf = (locale: string): string =>
    JSON.parse(readFileSync(join(localesDir, locale, 'translation.json'), 'utf8')).errors.internal;

  /**
   * A stand-in for the app: answers every message with `replies`, and pushes `pushes` through the channel the
   * runner registered, as the real delivery would.
   */
  const stubApp = (replies: OutMessage[], pushes: { to: string; text: string }[] = []): App => {
    let sender: ChannelSender | undefined;
    const app = {
      delivery: {
        register: (s: ChannelSender) => {
          sender = s;
        },
      },
      receive: async () => {
        for (const p of pushes) await sender?.send(p.to, [{ type: 'text', text: p.text }]);
        return replies;
      },
      settled: async () => {},
      close: async () => {},
    };
    return app as unknown as App;
  };
  const run = (steps: unknown[], app: App) =>
    runTranscript(parseTranscript({ title: 'synthetic', steps }), {
      makeApp: async () => app,
      pushWaitMs: 50,
    });
  const text = (t: string): OutMessage[] => [{ type: 'text', text: t }];

  it('knows the internal-error reply of every locale', () => {
    const texts = internalErrorTexts();
    for (const locale of locales) expect(texts).toContain(internalOf(locale));
  });

  it.each(locales)(
    'fails a step that gets the internal-error reply (%s), even with nothing: true',
    async (locale) => {
      await expect(
        run([{ from: 'a', say: 'hi', nothing: true }], stubApp(text(`Ok.\n${internalOf(locale)}`))),
      ).rejects.toThrow(/step 1 \(a\) says "hi": got the internal-error reply/);
    },
  );

  it('fails a step that pushes the internal-error reply to someone else', async () => {
    await expect(
      run(
        [{ from: 'a', say: 'hi', pushed: { sup: [] } }],
        stubApp(text('Ok.'), [{ to: 'sup', text: internalOf('en') }]),
      ),
    ).rejects.toThrow(/pushed the internal-error reply to sup/);
  });

  it('passes the same steps when the replies are fine', async () => {
    await run([{ from: 'a', say: 'hi', nothing: true }], stubApp(text('Ok.')));
    await run(
      [{ from: 'a', say: 'hi', expect: ['Ok'], absent: ['Sorry'], pushed: { sup: ['alert'] } }],
      stubApp(text('Ok.'), [{ to: 'sup', text: 'an alert' }]),
    );
  });

  it('fails when an expected push went to nobody', async () => {
    await expect(
      run([{ from: 'a', say: 'hi', pushed: { sup: ['alert'] } }], stubApp(text('Ok.'))),
    ).rejects.toThrow(/expected a push to sup, but sup got nothing/);
  });

  it('fails a push to someone the step does not name, and pushed: {} means none at all', async () => {
    const app = () => stubApp(text('Ok.'), [{ to: 'eve', text: 'hello' }]);
    await expect(run([{ from: 'a', say: 'hi', expect: ['Ok'] }], app())).rejects.toThrow(/pushed to eve/);
    await expect(run([{ from: 'a', say: 'hi', pushed: {} }], app())).rejects.toThrow(/pushed to eve/);
  });

  it('fails on a missing expected string, a present absent one, and a reply to a silent step', async () => {
    await expect(run([{ from: 'a', say: 'hi', expect: ['Bye'] }], stubApp(text('Ok.')))).rejects.toThrow(
      /expected "Bye"/,
    );
    await expect(run([{ from: 'a', say: 'hi', absent: ['Ok'] }], stubApp(text('Ok.')))).rejects.toThrow(
      /did not expect "Ok"/,
    );
    await expect(run([{ from: 'a', say: 'hi', silent: true }], stubApp(text('Ok.')))).rejects.toThrow(
      /expected no reply/,
    );
  });

  it('fails a {{VAR}} that is not known yet instead of comparing the literal text', async () => {
    await expect(run([{ from: 'a', say: 'hi', absent: ['{{NOPE}}'] }], stubApp(text('Ok.')))).rejects.toThrow(
      /\{\{NOPE\}\} is not known/,
    );
  });

  it('fails a wrong stored count, against the real app', async () => {
    const stranger = { from: 's', say: 'hello', expect: ['I am only for m2m staff'] };
    await runTranscript(
      parseTranscript({ title: 'ok', steps: [{ ...stranger, stored: { clients: 0, audit: 0 } }] }),
    );
    await expect(
      runTranscript(parseTranscript({ title: 'wrong', steps: [{ ...stranger, stored: { clients: 1 } }] })),
    ).rejects.toThrow(/expected 1 clients stored, found 0/);
    await expect(
      runTranscript(
        parseTranscript({
          title: 'wrong',
          steps: [{ ...stranger, stored: { screenings: { count: 1, where: { urgency: 'emergency' } } } }],
        }),
      ),
    ).rejects.toThrow(/expected 1 screenings matching \{"urgency":"emergency"\} stored, found 0/);
  });

  describe('the schema', () => {
    const parse = (step: unknown) => () => parseTranscript({ title: 't', steps: [step] });

    it('refuses a person step that asserts nothing', () => {
      expect(parse({ from: 'a', say: 'hi' })).toThrow(/step 1: a person step must assert something/);
      expect(parse({ from: 'a', tap: 'Next', expect: [] })).toThrow(/step 1: .*expect/);
    });

    it('refuses unknown keys, so a misspelt assertion cannot check nothing', () => {
      expect(parse({ from: 'a', say: 'hi', expcet: ['x'] })).toThrow(/expcet/);
    });

    it('refuses nothing: true together with a check, and silent together with expect', () => {
      expect(parse({ from: 'a', say: 'hi', nothing: true, expect: ['x'] })).toThrow(/cannot go with expect/);
      expect(parse({ from: 'a', say: 'hi', silent: true, expect: ['x'] })).toThrow(/silent/);
    });

    it('refuses a step that sends nothing or two things, and stored of an unknown journal', () => {
      expect(parse({ from: 'a', expect: ['x'] })).toThrow(/exactly one of say, tap, choice, sticker/);
      expect(parse({ from: 'a', say: 'hi', tap: 'x', expect: ['x'] })).toThrow(/exactly one/);
      expect(parse({ from: 'a', say: 'hi', stored: { nonsense: 1 } })).toThrow(/stored/);
      expect(parse({ from: 'a', say: 'hi', stored: {} })).toThrow(/stored/);
    });

    it('accepts each kind of assertion on its own', () => {
      for (const check of [
        { expect: ['x'] },
        { absent: ['x'] },
        { pushed: {} },
        { stored: { clients: 0 } },
        { stored: { screenings: [1, { count: 0, where: { type: 'void' } }] } },
        { silent: true },
        { nothing: true },
      ])
        expect(parse({ from: 'a', say: 'hi', ...check })).not.toThrow();
    });
  });
});
