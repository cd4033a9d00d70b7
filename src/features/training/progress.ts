/** Where a person is in one training module. Kept in the store so she continues where she left off. */
export interface ModuleProgress {
  userId: string;
  moduleId: string;
  status: 'lessons' | 'quiz' | 'passed' | 'failed';
  /** The lesson step on screen (0-based) while in lessons. */
  step: number;
  /** The quiz question on screen (0-based) and right answers so far, while in the quiz. */
  question: number;
  correct: number;
  attempts: number;
  /** The last finished quiz: right answers out of questions. */
  lastScore: { correct: number; total: number } | null;
  startedAt: string;
  updatedAt: string;
  /** When she first passed; weekly summaries count these. */
  passedAt: string | null;
}

/** One line per finished quiz, kept for good in the training journal. */
export interface TrainingRecord {
  at: string;
  userId: string;
  teamId: string | null;
  moduleId: string;
  lang: string;
  correct: number;
  total: number;
  passed: boolean;
}
