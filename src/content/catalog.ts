import type { Lang } from '../accounts/types.js';
import { CompiledQuestionnaire } from '../screening/questionnaire-engine.js';
import type { QuestionnaireText } from '../screening/schema.js';
import type { ContentSet } from './load-content.js';
import type { Article, GlossaryTerm, Module } from './schemas.js';
import type { Topic } from './topics.js';

/** An item in the language asked for, or in English when it has no translation yet (`fallback` says so). */
export interface Localised<T> {
  item: T;
  fallback: boolean;
}

export interface GlossaryEntry extends GlossaryTerm {
  topic: Topic;
}

/** The live content, indexed for the features (training, search, glossary). Read-only once built. */
export class Catalog {
  private readonly articles = new Map<string, Map<Lang, Article>>();
  private readonly modules = new Map<string, Map<Lang, Module>>();
  readonly glossary: GlossaryEntry[];
  /** Current questionnaires by id: the ones offered for a new screening. */
  private readonly questionnaires = new Map<string, CompiledQuestionnaire>();
  /** Every version (current and archived) by `id@version`, for screenings stored under an earlier version. */
  private readonly questionnaireVersions = new Map<string, CompiledQuestionnaire>();
  /** Texts by `id@version|lang`. */
  private readonly questionnaireTexts = new Map<string, QuestionnaireText>();

  constructor(readonly content: ContentSet) {
    for (const a of content.articles) this.index(this.articles, a.id, a.lang, a);
    for (const m of content.modules) this.index(this.modules, m.id, m.lang, m);
    this.glossary = content.glossaries.flatMap((g) => g.terms.map((t) => ({ ...t, topic: g.topic })));
    for (const q of content.questionnaires) {
      const compiled = new CompiledQuestionnaire(q);
      this.questionnaires.set(q.id, compiled);
      this.questionnaireVersions.set(`${q.id}@${q.version}`, compiled);
    }
    for (const q of content.archivedQuestionnaires) {
      this.questionnaireVersions.set(`${q.id}@${q.version}`, new CompiledQuestionnaire(q));
    }
    for (const t of [...content.questionnaireTexts, ...content.archivedQuestionnaireTexts]) {
      this.questionnaireTexts.set(`${t.id}@${t.version}|${t.lang}`, t);
    }
  }

  /** Module ids in a stable order (by topic list order of their English version, then title). */
  moduleIds(): string[] {
    return [...this.modules.keys()].sort((a, b) => {
      const ma = this.module(a, 'en')?.item;
      const mb = this.module(b, 'en')?.item;
      return (ma?.title ?? a).localeCompare(mb?.title ?? b);
    });
  }

  module(id: string, lang: Lang): Localised<Module> | undefined {
    return this.localise(this.modules.get(id), lang);
  }

  article(id: string, lang: Lang): Localised<Article> | undefined {
    return this.localise(this.articles.get(id), lang);
  }

  /**
   * A questionnaire: the current version, or a given version (current or archived) to show or re-read a screening
   * stored under it. Undefined when that version is not kept.
   */
  questionnaire(id: string, version?: number): CompiledQuestionnaire | undefined {
    return version === undefined
      ? this.questionnaires.get(id)
      : this.questionnaireVersions.get(`${id}@${version}`);
  }

  /** The version offered for new screenings (undefined for an unknown id). */
  currentVersion(id: string): number | undefined {
    return this.questionnaires.get(id)?.source.version;
  }

  questionnaireIds(): string[] {
    return [...this.questionnaires.keys()].sort();
  }

  /**
   * A questionnaire's text in a language (undefined for English, which lives in the questionnaire itself), of the
   * current version or of the version given.
   */
  questionnaireText(
    id: string,
    lang: Lang,
    version = this.currentVersion(id),
  ): QuestionnaireText | undefined {
    return this.questionnaireTexts.get(`${id}@${version}|${lang}`);
  }

  allArticles(): Article[] {
    return this.content.articles;
  }

  private localise<T>(versions: Map<Lang, T> | undefined, lang: Lang): Localised<T> | undefined {
    const own = versions?.get(lang);
    if (own) return { item: own, fallback: false };
    const en = versions?.get('en');
    return en ? { item: en, fallback: true } : undefined;
  }

  private index<T>(map: Map<string, Map<Lang, T>>, id: string, lang: Lang, item: T): void {
    const versions = map.get(id) ?? new Map<Lang, T>();
    versions.set(lang, item);
    map.set(id, versions);
  }
}

export class ContentInvalidError extends Error {
  constructor(readonly lines: string[]) {
    super(
      `The content is not valid, so the bot will not start:\n${lines.map((l) => `  ${l}`).join('\n')}\nFix these (npm run cli -- content validate) and start again.`,
    );
    this.name = 'ContentInvalidError';
  }
}
