import type { Choice } from './messages.js';

/** The question on screen, kept so a number, a label or a tap can be matched against it after a restart. */
export interface PendingChoices {
  text: string;
  choices: Choice[];
  multiple: boolean;
  /** Ticked so far, for questions with several answers answered by taps. */
  selected: string[];
  /** Typed text that matches no choice goes to the flow instead of being refused. */
  allowText: boolean;
  /** Typing a number means the label that starts with it (PHQ-9 "0 Not at all"), not the position. */
  numbersAreLabels?: boolean;
}

/** One chat's place in a conversation. Stored per address, so a restart resumes where the person was. */
export interface Session {
  flow: string | null;
  step: string;
  data: Record<string, unknown>;
  pending: PendingChoices | null;
  /** Recently handled channel message ids, so a redelivery is not handled twice. */
  recent: string[];
  updatedAt: string;
}

export const emptySession = (at: Date): Session => ({
  flow: null,
  step: '',
  data: {},
  pending: null,
  recent: [],
  updatedAt: at.toISOString(),
});
