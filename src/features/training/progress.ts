/** The progress types live with their rules in src/training; the store still imports them from here. */
export type { ModuleProgress, TrainingRecord } from '../../training/progress.js';
