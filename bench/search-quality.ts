import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LANGUAGES, type Lang } from '../src/accounts/types.js';
import { projectRoot } from '../src/paths.js';
import { SEARCH_MODES, type SearchEngine, type SearchMode } from '../src/search/search-engine.js';

interface Question {
  q: string;
  lang: Lang;
  topics?: string[];
}

export interface QualityRow {
  mode: SearchMode;
  lang: Lang | 'all';
  n: number;
  hit1: number;
  hit3: number;
  mrr: number;
}

export interface QualityResult {
  rows: QualityRow[];
  /** Share of on-topic questions answered confidently, and of off-topic ones refused, in hybrid mode. */
  confidence: { answered: number; answeredCorrect: number; offTopicRefused: number; offTopic: number };
  /** Signals for calibration: best cosine/keyword per question, with whether the top hit was right. */
  signals: { cosine: number; keyword: number; lang: Lang; correct: boolean; offTopic: boolean }[];
}

const load = (file: string): Question[] =>
  (parse(readFileSync(join(projectRoot, 'test', 'search', file), 'utf8')) as { questions: Question[] })
    .questions;

/** hit@1, hit@3 and MRR (first right topic within the top 10) per language and mode, on the evaluation set. */
export async function searchQuality(engine: SearchEngine): Promise<QualityResult> {
  const questions = load('eval-questions.yaml');
  const offTopic = load('off-topic-questions.yaml');
  const rows: QualityRow[] = [];
  const signals: QualityResult['signals'] = [];
  let answered = 0;
  let answeredCorrect = 0;
  for (const mode of SEARCH_MODES) {
    const per = new Map<string, { n: number; hit1: number; hit3: number; rr: number }>();
    for (const question of questions) {
      const result = await engine.search(question.q, question.lang, { mode, k: 10 });
      const rank = result.hits.findIndex((h) => question.topics?.includes(h.passage.topic));
      for (const key of [question.lang, 'all']) {
        const acc = per.get(key) ?? { n: 0, hit1: 0, hit3: 0, rr: 0 };
        acc.n++;
        if (rank === 0) acc.hit1++;
        if (rank >= 0 && rank < 3) acc.hit3++;
        if (rank >= 0) acc.rr += 1 / (rank + 1);
        per.set(key, acc);
      }
      if (mode === 'hybrid') {
        signals.push({ ...result.signals, lang: question.lang, correct: rank === 0, offTopic: false });
        if (result.confident) {
          answered++;
          if (rank === 0) answeredCorrect++;
        }
      }
    }
    for (const lang of [...LANGUAGES, 'all'] as const) {
      const acc = per.get(lang);
      if (!acc) continue;
      rows.push({
        mode,
        lang,
        n: acc.n,
        hit1: acc.hit1 / acc.n,
        hit3: acc.hit3 / acc.n,
        mrr: acc.rr / acc.n,
      });
    }
  }
  let refused = 0;
  for (const question of offTopic) {
    const result = await engine.search(question.q, question.lang, { k: 3 });
    signals.push({ ...result.signals, lang: question.lang, correct: false, offTopic: true });
    if (!result.confident) refused++;
  }
  return {
    rows,
    confidence: {
      answered: answered / questions.length,
      answeredCorrect: answered ? answeredCorrect / answered : 0,
      offTopicRefused: refused / offTopic.length,
      offTopic: offTopic.length,
    },
    signals,
  };
}

export function formatQuality(result: QualityResult): string {
  const lines = ['Search quality on test/search/eval-questions.yaml (a hit = a passage of a labelled topic)'];
  lines.push(
    `  ${'mode'.padEnd(9)}${'lang'.padEnd(6)}${'n'.padStart(5)}${'hit@1'.padStart(8)}${'hit@3'.padStart(8)}${'MRR'.padStart(8)}`,
  );
  for (const r of result.rows) {
    lines.push(
      `  ${r.mode.padEnd(9)}${r.lang.padEnd(6)}${String(r.n).padStart(5)}${r.hit1.toFixed(3).padStart(8)}${r.hit3.toFixed(3).padStart(8)}${r.mrr.toFixed(3).padStart(8)}`,
    );
  }
  const c = result.confidence;
  lines.push(
    `  confidence (hybrid): answers ${(c.answered * 100).toFixed(0)}% of questions, ${(c.answeredCorrect * 100).toFixed(0)}% of those with the right topic first; refuses ${(c.offTopicRefused * 100).toFixed(0)}% of ${c.offTopic} off-topic questions`,
  );
  return lines.join('\n');
}
