import type { Lang } from '../../accounts/types.js';
import type { Catalog } from '../../content/catalog.js';
import type { Question, Questionnaire, Urgency } from '../../screening/schema.js';

/** A questionnaire's texts in her language, each falling back to the English in the questionnaire file. */
export class QuestionnaireTexts {
  constructor(
    private readonly q: Questionnaire,
    private readonly catalog: Catalog,
    private readonly lang: Lang,
  ) {}

  private get t() {
    return this.lang === 'en'
      ? undefined
      : this.catalog.questionnaireText(this.q.id, this.lang, this.q.version);
  }

  get translated(): boolean {
    return this.lang === 'en' || this.t !== undefined;
  }

  title(): string {
    return this.t?.title ?? this.q.title;
  }

  intro(): string {
    return this.t?.intro ?? this.q.intro;
  }

  question(question: Question): string {
    return this.t?.questions[question.id]?.text ?? question.text;
  }

  unit(question: Question): string | undefined {
    if (question.type !== 'number') return undefined;
    return this.t?.questions[question.id]?.unit ?? question.unit;
  }

  option(question: Question, optionId: string): string {
    const own = this.t?.questions[question.id]?.options?.[optionId];
    if (own) return own;
    if (question.type === 'choice' || question.type === 'multi') {
      return question.options.find((o) => o.id === optionId)?.text ?? optionId;
    }
    return optionId;
  }

  check(question: Question, index: number): string {
    return this.t?.questions[question.id]?.checks?.[index] ?? question.checks[index]?.message ?? '';
  }

  rule(id: string): string {
    return this.t?.rules[id] ?? this.q.rules.find((r) => r.id === id)?.text ?? id;
  }

  band(id: string): string {
    return this.t?.bands[id] ?? this.q.bands.find((b) => b.id === id)?.text ?? id;
  }

  advice(urgency: Urgency): string {
    return this.t?.advice[urgency] ?? this.q.advice[urgency] ?? this.q.advice.none;
  }

  note(id: string): string {
    return this.t?.notes[id] ?? this.q.notes.find((n) => n.id === id)?.text ?? '';
  }
}
