import type { Lang } from '../../accounts/types.js';
import type { Catalog } from '../../content/catalog.js';
import type { Translator } from '../../i18n/i18n.js';
import type { ModuleProgress } from './progress.js';

/** "new", "in progress 3/8", "quiz 2/5", "passed 5/5", "not passed - retake": what the module list shows. */
export function progressLabel(
  t: Translator,
  progress: ModuleProgress | undefined,
  steps: number,
  questions: number,
): string {
  if (!progress) return t('training.state.new');
  switch (progress.status) {
    case 'lessons':
      return t('training.state.lessons', { step: progress.step + 1, steps });
    case 'quiz':
      return t('training.state.quiz', { question: progress.question + 1, questions });
    case 'passed':
      return t('training.state.passed', {
        correct: progress.lastScore?.correct ?? 0,
        total: progress.lastScore?.total ?? questions,
      });
    case 'failed':
      return t('training.state.failed');
    default:
      return t('training.state.new');
  }
}

export interface ModuleChoice {
  id: string;
  label: string;
}

/** The modules in her language where they exist (English otherwise, marked), each with her progress. */
export function moduleChoices(
  catalog: Catalog,
  lang: Lang,
  t: Translator,
  progress: ModuleProgress[],
): ModuleChoice[] {
  return catalog.moduleIds().flatMap((id) => {
    const localised = catalog.module(id, lang);
    if (!localised) return [];
    const { item, fallback } = localised;
    const state = progressLabel(
      t,
      progress.find((p) => p.moduleId === id),
      item.steps.length,
      item.quiz.length,
    );
    const english = fallback ? ` (${t('training.english')})` : '';
    return [{ id: `mod:${id}`, label: `${item.title}${english} · ${state}` }];
  });
}
