import { createInterface } from 'node:readline';
import type { Catalog } from '../../content/catalog.js';
import { describeProblem } from '../../screening/questionnaire-engine.js';
import { CliError, openApp } from '../open-app.js';

type Line = Record<string, unknown>;

/**
 * Scores one set of answers the way the chat does; stores nothing (shared docs/interfaces.md, `screen`). The
 * current version, or an earlier one kept in the archive: `hypertension-bp@1` (or `version` on a --stdin line),
 * to re-read a screening stored under it.
 */
export function screenOnce(
  catalog: Catalog,
  questionnaire: unknown,
  answers: unknown,
  requested?: unknown,
): Line {
  const [qid, at] = typeof questionnaire === 'string' ? questionnaire.split('@') : [];
  const wanted = at !== undefined ? Number(at) : requested;
  const q =
    qid === undefined
      ? undefined
      : wanted === undefined || wanted === null
        ? catalog.questionnaire(qid)
        : Number.isInteger(wanted)
          ? catalog.questionnaire(qid, wanted as number)
          : undefined;
  if (!q) return { error: 'unknown_questionnaire' };
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    return { error: 'invalid_answers', issues: [{ question: '', message: 'answers must be a JSON object' }] };
  }
  const result = q.evaluate(answers as Record<string, unknown>);
  if (!result.ok) {
    return {
      error: 'invalid_answers',
      issues: result.issues.map((i) => ({ question: i.question, message: describeProblem(i.problem) })),
    };
  }
  const { questionnaire: id, version, urgency, score, band, reasons } = result.outcome;
  return { questionnaire: id, version, urgency, score, band, reasons };
}

export async function screenCommand(
  questionnaire: string | undefined,
  options: { answers?: string; json?: boolean; stdin?: boolean },
): Promise<void> {
  const app = await openApp({ writes: false });
  try {
    const catalog = app.services.catalog;
    if (options.stdin) {
      const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        let out: Line;
        try {
          const input = JSON.parse(line) as Line;
          out = screenOnce(catalog, input.questionnaire, input.answers, input.version);
        } catch {
          out = { error: 'invalid_answers', issues: [{ question: '', message: 'the line is not JSON' }] };
        }
        process.stdout.write(`${JSON.stringify(out)}\n`);
      }
      return;
    }
    if (!questionnaire) throw new CliError('name a questionnaire, or use --stdin', 2);
    let answers: unknown;
    try {
      answers = JSON.parse(options.answers ?? '{}');
    } catch {
      answers = null;
    }
    const out = screenOnce(catalog, questionnaire, answers);
    if (options.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else process.stdout.write(`${formatHuman(out)}\n`);
    if (out.error === 'unknown_questionnaire') {
      process.stderr.write(
        `Unknown questionnaire or version. Known: ${catalog.questionnaireIds().join(', ')} (an earlier version: <id>@<n>)\n`,
      );
      process.exitCode = 2;
    } else if (out.error) {
      process.exitCode = 1;
    }
  } finally {
    await app.close();
  }
}

function formatHuman(out: Line): string {
  if (out.error === 'invalid_answers') {
    return `Answers refused:\n${(out.issues as { question: string; message: string }[]).map((i) => `  ${i.question}: ${i.message}`).join('\n')}`;
  }
  if (out.error) return String(out.error);
  return [
    `${out.questionnaire} v${out.version}: ${String(out.urgency).toUpperCase()}`,
    out.score === null ? null : `score ${out.score}${out.band ? ` (${out.band})` : ''}`,
    `reasons: ${(out.reasons as string[]).join(', ') || 'none'}`,
  ]
    .filter(Boolean)
    .join('\n');
}
