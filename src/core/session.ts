import { z } from 'zod';
import { LANGUAGES } from '../accounts/types.js';

/** The question on screen: choice ids and labels, so a number, a label or a tap can be matched after a restart.
 * Its text is not kept: a step shows itself again when it needs to (sessions hold ids, not rendered pages). */
const pendingSchema = z.object({
  choices: z.array(z.object({ id: z.string(), label: z.string() })),
  multiple: z.boolean(),
  /** Ticked so far, for questions with several answers answered by taps. */
  selected: z.array(z.string()),
  /** Typed text that matches no choice goes to the flow instead of being refused. */
  allowText: z.boolean(),
  /** Typing a number means the label that starts with it (PHQ-9 "0 Not at all"), not the position. */
  numbersAreLabels: z.boolean().optional(),
  /** The hint for several answers, shown again with the choices. */
  hint: z.string().optional(),
});
export type PendingChoices = z.infer<typeof pendingSchema>;

/** A caller waiting for a sub-flow's result (goflow's enter_flow): where to resume and with what state. */
const frameSchema = z.object({
  flow: z.string(),
  step: z.string(),
  state: z.unknown(),
  content: z.string().nullable(),
});
export type Frame = z.infer<typeof frameSchema>;

export const SESSION_VERSION = 2;

/** One chat's place in a conversation. Stored per address, so a restart resumes where the person was. */
export const sessionSchema = z.object({
  v: z.literal(SESSION_VERSION),
  flow: z.string().nullable(),
  step: z.string(),
  /** The running flow's own state, checked against that flow's schema when it is loaded. */
  state: z.unknown(),
  /** The content version the running flow started on, so she finishes a module or questionnaire on it. */
  content: z.string().nullable(),
  stack: z.array(frameSchema),
  pending: pendingSchema.nullable(),
  /** A stranger's chosen language, before she has an account. */
  lang: z.enum(LANGUAGES).nullable(),
  /** Recently handled channel message ids, so a redelivery is not handled twice. */
  recent: z.array(z.string()),
  updatedAt: z.string(),
});
export type Session = z.infer<typeof sessionSchema>;

export const emptySession = (at: Date): Session => ({
  v: SESSION_VERSION,
  flow: null,
  step: '',
  state: null,
  content: null,
  stack: [],
  pending: null,
  lang: null,
  recent: [],
  updatedAt: at.toISOString(),
});

/** Leaves the conversation: no flow, no state, no callers waiting, nothing on screen (message ids and language stay). */
export function clearFlow(
  session: Pick<Session, 'flow' | 'step' | 'state' | 'content' | 'stack' | 'pending'>,
): void {
  session.flow = null;
  session.step = '';
  session.state = null;
  session.content = null;
  session.stack = [];
  session.pending = null;
}

export type LoadedSession =
  | { kind: 'ok'; session: Session }
  /** Stored by an older release or damaged: the message ids and language are kept, the flow is not. */
  | { kind: 'reset'; session: Session; reason: string };

/**
 * Checks a stored session. A session of an unknown shape never crashes the engine: what can be kept safely (the
 * handled message ids, a stranger's language) is kept and the conversation restarts politely.
 */
export function loadSession(raw: unknown, now: Date): LoadedSession | null {
  if (raw === undefined || raw === null) return null;
  const parsed = sessionSchema.safeParse(raw);
  if (parsed.success) return { kind: 'ok', session: parsed.data };
  const fresh = emptySession(now);
  const old = (typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (Array.isArray(old.recent)) fresh.recent = old.recent.filter((r): r is string => typeof r === 'string');
  const lang = (old.data as Record<string, unknown> | undefined)?.lang ?? old.lang;
  if (LANGUAGES.includes(lang as never)) fresh.lang = lang as Session['lang'];
  const wasBusy = typeof old.flow === 'string' && old.flow !== 'menu';
  return wasBusy
    ? { kind: 'reset', session: fresh, reason: `stored session of another shape (v ${String(old.v ?? 1)})` }
    : { kind: 'ok', session: fresh };
}
