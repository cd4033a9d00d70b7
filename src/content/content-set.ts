import type { Questionnaire, QuestionnaireText } from '../screening/schema.js';
import type { Country } from '../teams/countries.js';
import type { Article, DangerSigns, Glossary, Module, UrgentPhrases } from './schemas.js';
import type { ParsedYaml } from './yaml-file.js';

/** Everything in the content folder, parsed: what the checks read and what a content version holds. */
export interface ContentSet {
  articles: Article[];
  modules: Module[];
  glossaries: Glossary[];
  countries: Country[];
  urgentPhrases: UrgentPhrases[];
  /** Danger signs in mentors' words (safety/danger-signs.yaml): what danger detection reads. */
  dangerSigns: DangerSigns[];
  questionnaires: Questionnaire[];
  questionnaireTexts: QuestionnaireText[];
  /**
   * Earlier versions of questionnaires (questionnaires/archive/<id>.v<n>.yaml) and their translations
   * (<id>.v<n>.<lang>.yaml): checked like the current ones so a screening stored under an earlier version keeps its
   * meaning and texts, never offered for a new screening.
   */
  archivedQuestionnaires: Questionnaire[];
  archivedQuestionnaireTexts: QuestionnaireText[];
}

/** Where each item came from, for error messages that name the file and line. */
export interface Origin {
  file: string;
  yaml: ParsedYaml;
}
