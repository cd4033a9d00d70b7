import type { ContentSet } from '../content-set.js';
import type { ItemKind } from './types.js';

/** One content item as a preview reads it: who it is, where its file is, a few counts, and its parsed value. */
export interface ContentItem {
  kind: ItemKind;
  id: string;
  lang: string | null;
  title: string;
  /** The file by the content folder's naming convention (FOLDERS in load-content.ts). */
  file: string;
  counts: Record<string, number>;
  /** The version of an archived questionnaire (or its translation). */
  archived?: number;
  value: unknown;
}

/** What matches an item across versions: kind, id and language (and an archived questionnaire's version). */
export const itemKey = (item: ContentItem): string =>
  [item.kind, item.id, item.lang ?? '', item.archived ?? ''].join('|');

/** Every item of a content set by key, in file order. */
export function contentItems(content: ContentSet): Map<string, ContentItem> {
  const items: ContentItem[] = [
    ...content.articles.map((a) => ({
      kind: 'article' as const,
      id: a.id,
      lang: a.lang,
      title: a.title,
      file: `library/${a.topic}/${a.id}.${a.lang}.yaml`,
      counts: { sections: a.sections.length },
      value: a,
    })),
    ...content.modules.map((m) => ({
      kind: 'module' as const,
      id: m.id,
      lang: m.lang,
      title: m.title,
      file: `modules/${m.id}.${m.lang}.yaml`,
      counts: { steps: m.steps.length, quiz: m.quiz.length },
      value: m,
    })),
    ...content.glossaries.map((g) => ({
      kind: 'glossary' as const,
      id: g.topic,
      lang: null,
      title: g.topic,
      file: `glossary/${g.topic}.yaml`,
      counts: { terms: g.terms.length },
      value: g,
    })),
    ...content.countries.map((c) => ({
      kind: 'country' as const,
      id: c.code,
      lang: null,
      title: c.name,
      file: `countries/${c.code.toLowerCase()}.yaml`,
      counts: { numbers: c.numbers.length },
      value: c,
    })),
    ...content.dangerSigns.map((d) => ({
      kind: 'danger-signs' as const,
      id: 'danger-signs',
      lang: null,
      title: '',
      file: 'safety/danger-signs.yaml',
      counts: { signs: d.signs.length, words: Object.keys(d.words).length },
      value: d,
    })),
    ...content.urgentPhrases.map((u) => ({
      kind: 'urgent-phrases' as const,
      id: 'urgent-phrases',
      lang: null,
      title: '',
      file: 'safety/urgent-phrases.yaml',
      counts: {
        phrases: Object.values(u.phrases).reduce((n, list) => n + (list?.length ?? 0), 0),
        signs: u.signs.length,
      },
      value: u,
    })),
    ...[...content.questionnaires, ...content.archivedQuestionnaires].map((q) => {
      const archived = content.archivedQuestionnaires.includes(q) ? q.version : undefined;
      return {
        kind: 'questionnaire' as const,
        id: q.id,
        lang: q.lang,
        title: q.title,
        file: archived ? `questionnaires/archive/${q.id}.v${archived}.yaml` : `questionnaires/${q.id}.yaml`,
        counts: { questions: q.questions.length, rules: q.rules.length },
        ...(archived ? { archived } : {}),
        value: q,
      };
    }),
    ...[...content.questionnaireTexts, ...content.archivedQuestionnaireTexts].map((t) => {
      const archived = content.archivedQuestionnaireTexts.includes(t) ? t.version : undefined;
      const name = archived ? `archive/${t.id}.v${archived}` : t.id;
      return {
        kind: 'questionnaire-text' as const,
        id: t.id,
        lang: t.lang,
        title: t.title,
        file: `questionnaires/${name}.${t.lang}.yaml`,
        counts: { questions: Object.keys(t.questions).length, rules: Object.keys(t.rules).length },
        ...(archived ? { archived } : {}),
        value: t,
      };
    }),
  ];
  const byKey = new Map<string, ContentItem>();
  // Duplicates are the loader's error to report; the first one stands here.
  for (const item of items.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)))
    if (!byKey.has(itemKey(item))) byKey.set(itemKey(item), item);
  return byKey;
}
