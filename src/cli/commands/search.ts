import { createInterface } from 'node:readline';
import { z } from 'zod';
import { isLang, LANGUAGES, type Lang } from '../../accounts/types.js';
import type { SearchPort } from '../../core/ports.js';
import { SEARCH_MODES, type SearchMode, type SearchResult } from '../../search/search-engine.js';
import { CliError, openApp } from '../open-app.js';

export interface SearchCliOptions {
  json?: boolean;
  lang?: string;
  mode?: string;
  k?: string;
  stdin?: boolean;
}

const SNIPPET_CHARS = 200;

const stdinLine = z.object({ query: z.string(), lang: z.string().optional() });

function toJson(result: SearchResult) {
  return {
    query: result.query,
    urgent: result.urgent,
    /** The danger sign recognised, and by which path (words or meaning). */
    danger: result.danger ? { sign: result.danger.sign, via: result.danger.via } : null,
    confident: result.confident,
    hits: result.hits.map((h) => ({
      id: h.passage.id,
      item: h.passage.item,
      title: `${h.passage.itemTitle}: ${h.passage.heading}`,
      topic: h.passage.topic,
      lang: h.passage.lang,
      score: Number(h.score.toFixed(6)),
      snippet: h.passage.text.slice(0, SNIPPET_CHARS),
    })),
  };
}

function printHuman(result: SearchResult): void {
  const lines: string[] = [];
  if (result.urgent)
    lines.push('URGENT: the question describes danger; the chat leads with the urgent-referral message.');
  lines.push(
    result.confident
      ? 'Confident answer:'
      : 'No confident answer (the chat says so and offers to share the question).',
  );
  result.hits.forEach((h, i) => {
    lines.push(
      `${i + 1}. [${h.passage.lang}] ${h.passage.itemTitle}: ${h.passage.heading}  (${h.passage.id}, ${h.score.toFixed(4)})`,
    );
    lines.push(
      `   ${h.passage.text.slice(0, SNIPPET_CHARS)}${h.passage.text.length > SNIPPET_CHARS ? '…' : ''}`,
    );
  });
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `search [--json] [--lang LL] [--mode M] [-k N] "question"` and `search --json --stdin` (model loaded once). */
export async function searchCommand(question: string | undefined, options: SearchCliOptions): Promise<void> {
  const lang = options.lang ?? 'en';
  if (!isLang(lang)) throw new CliError(`--lang must be one of ${LANGUAGES.join(', ')} (got "${lang}")`, 2);
  const mode = (options.mode ?? 'hybrid') as SearchMode;
  if (!SEARCH_MODES.includes(mode)) throw new CliError(`--mode must be one of ${SEARCH_MODES.join(', ')}`, 2);
  const k = Number(options.k ?? 5);
  if (!Number.isInteger(k) || k < 1 || k > 50)
    throw new CliError('-k must be a whole number from 1 to 50', 2);
  if (!options.stdin && (question === undefined || question.trim() === '')) {
    throw new CliError('give a question in quotes, or --stdin with one JSON object per line', 2);
  }
  // Read-only: search may run beside the bot (it only updates the vector cache).
  const app = await openApp({ writes: false });
  try {
    const engine = app.services.search;
    // A one-shot search wants the whole hybrid ranking: wait for the model and the passage vectors.
    await engine.ready();
    if (options.stdin) return await searchStdin(engine, mode, k, lang);
    const result = await engine.search(question ?? '', lang, { mode, k });
    if (options.json) process.stdout.write(`${JSON.stringify(toJson(result))}\n`);
    else printHuman(result);
  } finally {
    await app.close();
  }
}

async function searchStdin(
  engine: SearchPort,
  mode: SearchMode,
  k: number,
  defaultLang: Lang,
): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let parsed: z.infer<typeof stdinLine>;
    try {
      const result = stdinLine.safeParse(JSON.parse(line));
      if (!result.success) throw new Error('expected {"query": "...", "lang": "en"}');
      parsed = result.data;
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: 'bad_line', message: (error as Error).message })}\n`);
      continue;
    }
    const lang = parsed.lang && isLang(parsed.lang) ? parsed.lang : defaultLang;
    const result = await engine.search(parsed.query, lang, { mode, k });
    process.stdout.write(`${JSON.stringify(toJson(result))}\n`);
  }
}
