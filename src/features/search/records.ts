/** A question shared with trainers because the content had no good answer (journal 'gaps'). */
export interface GapRecord {
  at: string;
  /** Without who asked, digits and phone-number-like strings removed. */
  question: string;
  lang: string;
}

/** "Was this helpful?" about one passage (journal 'feedback'). */
export interface FeedbackRecord {
  at: string;
  passage: string;
  lang: string;
  helpful: boolean;
}

/** A shared question is kept this long at most (characters, after scrubbing). */
export const MAX_GAP_CHARS = 500;
