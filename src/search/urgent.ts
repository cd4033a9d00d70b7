import type { Lang } from '../accounts/types.js';
import { foldText } from './text.js';

/**
 * Recognises a question that describes danger. Each phrase is a list of words that must all appear in the
 * question; a phrase word also matches a longer word it starts ("bleed" -> "bleeding").
 * All languages are checked whatever her language: people mix languages, and a miss here is the costly error.
 */
export class UrgentDetector {
  private readonly phrases: string[][];

  constructor(phrases: Partial<Record<Lang, string[]>>) {
    this.phrases = Object.values(phrases)
      .flat()
      .map((p) =>
        foldText(p ?? '')
          .split(' ')
          .filter(Boolean),
      )
      .filter((words) => words.length > 0);
  }

  isUrgent(question: string): boolean {
    const words = foldText(question).split(' ');
    return this.phrases.some((phrase) =>
      phrase.every((p) => words.some((w) => w === p || (p.length >= 4 && w.startsWith(p)))),
    );
  }
}
