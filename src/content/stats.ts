import { LANGUAGES, type Lang } from '../accounts/types.js';
import type { ContentSet } from './load-content.js';
import { TOPICS, type Topic } from './topics.js';

export interface ContentStats {
  library: Partial<Record<Lang, Partial<Record<Topic, number>>>>;
  modules: { id: string; topic: Topic; langs: Lang[]; steps: number; quiz: number }[];
  glossary: { terms: number; perTopic: Partial<Record<Topic, number>> };
  questionnaires: { id: string; version: number; langs: Lang[] }[];
  coverage: Partial<Record<Lang, { topics: number; of: number; articles: number }>>;
}

export function contentStats(content: ContentSet): ContentStats {
  const library: ContentStats['library'] = {};
  for (const article of content.articles) {
    const perLang = library[article.lang] ?? {};
    perLang[article.topic] = (perLang[article.topic] ?? 0) + 1;
    library[article.lang] = perLang;
  }
  const modules = [...new Set(content.modules.map((m) => m.id))].sort().map((id) => {
    const versions = content.modules.filter((m) => m.id === id);
    const en = versions.find((m) => m.lang === 'en') ?? versions[0];
    return {
      id,
      topic: en?.topic as Topic,
      langs: LANGUAGES.filter((l) => versions.some((m) => m.lang === l)),
      steps: en?.steps.length ?? 0,
      quiz: en?.quiz.length ?? 0,
    };
  });
  const perTopic: Partial<Record<Topic, number>> = {};
  for (const g of content.glossaries) perTopic[g.topic] = (perTopic[g.topic] ?? 0) + g.terms.length;
  const coverage: ContentStats['coverage'] = {};
  for (const lang of LANGUAGES) {
    const counts = library[lang] ?? {};
    coverage[lang] = {
      topics: TOPICS.filter((t) => (counts[t] ?? 0) > 0).length,
      of: TOPICS.length,
      articles: Object.values(counts).reduce((a, b) => a + (b ?? 0), 0),
    };
  }
  return {
    library,
    modules,
    glossary: { terms: Object.values(perTopic).reduce((a, b) => a + (b ?? 0), 0), perTopic },
    questionnaires: [],
    coverage,
  };
}

export function formatStats(stats: ContentStats): string {
  const lines = [
    'Library articles per topic and language:',
    `  ${'topic'.padEnd(22)}${LANGUAGES.map((l) => l.padStart(7)).join('')}`,
  ];
  for (const topic of TOPICS) {
    lines.push(
      `  ${topic.padEnd(22)}${LANGUAGES.map((l) => String(stats.library[l]?.[topic] ?? 0).padStart(7)).join('')}`,
    );
  }
  lines.push(
    `  ${'topics covered'.padEnd(22)}${LANGUAGES.map((l) => `${stats.coverage[l]?.topics ?? 0}/${TOPICS.length}`.padStart(7)).join('')}`,
  );
  lines.push('', 'Training modules:');
  for (const m of stats.modules) {
    lines.push(
      `  ${m.id.padEnd(28)} ${m.topic.padEnd(22)} ${m.steps} steps, ${m.quiz} questions  [${m.langs.join(' ')}]`,
    );
  }
  lines.push(
    '',
    `Glossary: ${stats.glossary.terms} terms in ${Object.keys(stats.glossary.perTopic).length} topics`,
  );
  return `${lines.join('\n')}\n`;
}
