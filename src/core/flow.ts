import type { Lang, Role, User } from '../accounts/types.js';
import type { ClientRecordsPort } from '../clients/records.js';
import type { ContentVersion } from '../content/live-content.js';
import type { Translator } from '../i18n/i18n.js';
import type { StoreView } from '../store/port.js';
import type { Choice, Inbound, OutMessage } from './messages.js';
import type { FlowServices } from './services.js';
import type { Session } from './session.js';

/** What a flow receives once the engine has matched the message against the question on screen. */
export type FlowInput =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; id: string }
  | { kind: 'choices'; ids: string[] }
  | { kind: 'document'; name: string; mime: string; size: number; read: () => Promise<Uint8Array> };

/** A permission apart from the role (see User.clinician). */
export type Permission = 'clinician';

/** Runs a flow pinned to a content version (a trainer trying a proposal before it goes live). */
export interface FlowStartOptions {
  content?: string;
}

export interface AskOptions {
  multiple?: boolean;
  /** Whether typed text that matches no choice goes to the flow (e.g. "type a team name or pick one"). */
  allowText?: boolean;
  /** Labels start with their own number ("0 Not at all"): typing a number picks that label, not that position. */
  numbersAreLabels?: boolean;
}

/** What became of a message a flow sent to someone else. */
export interface DeliveryReport {
  /** The flow's own name for what it sent (e.g. "alert"), with the data it attached. */
  tag: string;
  data?: Record<string, string>;
  status: 'sent' | 'failed';
  /** Why it failed, in words safe to log: 'unreachable' (no channel or blocked), 'temporary', 'inactive'. */
  reason?: string;
  /** Every try, in order: which channel, and what became of it (ids and words safe to log only). */
  attempts?: DeliveryAttempt[];
}

/** One try to deliver a push on one channel. */
export interface DeliveryAttempt {
  channel: string;
  status: 'sent' | 'failed';
  reason?: 'unreachable' | 'inactive' | 'temporary';
}

/** Asks for a report on a push: the sending flow's `onDelivery` hears what became of it. */
export interface PushReport {
  tag: string;
  data?: Record<string, string>;
}

/** A flow's window on one message: who wrote, in which language, what she may read and change, how to answer. */
export interface FlowContext {
  readonly now: Date;
  readonly inbound: Inbound;
  readonly address: string;
  readonly user: User | null;
  readonly lang: Lang;
  readonly t: Translator;
  readonly session: Session;
  readonly services: FlowServices;
  /** The store as this message's unit of work sees it: writes are committed with the reply, all or nothing. */
  readonly store: StoreView;
  /** Clients' screenings and referrals, within the same unit of work. */
  readonly records: ClientRecordsPort;
  /** The content version the running flow started on (she finishes a module or questionnaire on it). */
  readonly content: ContentVersion;
  say(text: string): void;
  ask(text: string, choices: Choice[], options?: AskOptions): void;
  send(message: OutMessage): void;
  /** A message for someone else (an alert to a supervisor); delivered on their channel after her replies. */
  push(userId: string, message: OutMessage, report?: PushReport): void;
  goto(step: string): void;
  /** Replaces the running flow with another. */
  startFlow(id: string, args?: Record<string, unknown>, options?: FlowStartOptions): Promise<void>;
  /** Runs another flow as a sub-flow; when it finishes with a result, this flow resumes at `returnStep`. */
  call(
    id: string,
    args: Record<string, unknown>,
    returnStep: string,
    options?: FlowStartOptions,
  ): Promise<void>;
  /** Ends a sub-flow with a result for its caller; a flow nobody called just ends. */
  finish(result?: unknown): Promise<void>;
  endFlow(): void;
  /** Ends the flow and shows the main menu. */
  showMenu(intro?: string): Promise<void>;
  /** Before registration, the language she picked. */
  setLang(lang: Lang): void;
  /** After a person registers or changes language mid-message. */
  setUser(user: User): void;
}

/** A flow as the engine runs it. Write flows with `defineFlow`, which gives typed state and steps. */
export interface Flow {
  readonly id: string;
  /** Roles that may run this flow; null for the registration flow strangers use. */
  readonly roles: readonly Role[] | null;
  /** A permission the person needs besides the role. */
  readonly permission?: Permission;
  readonly acceptsDocuments?: boolean;
  start(ctx: FlowContext, args?: Record<string, unknown>): Promise<void>;
  onInput(ctx: FlowContext, input: FlowInput): Promise<void>;
  /** Shows the current step's question again (after a stale tap or an answer that did not fit). */
  show?(ctx: FlowContext): Promise<void>;
  /** A sub-flow this flow called has finished; the engine has restored this flow's step and state. */
  onResult?(ctx: FlowContext, result: unknown): Promise<void>;
  /** A message this flow pushed to someone else was delivered or not. */
  onDelivery?(ctx: FlowContext, report: DeliveryReport): Promise<void>;
  /** Whether stored state (and step) fit this flow; a session from an older release may not. */
  accepts?(step: string, state: unknown): boolean;
}

/** An entry of the main menu; the menu shows only entries of the person's role. */
export interface MenuEntry {
  id: string;
  /** i18n key of the label. */
  label: string;
  roles: readonly Role[];
  /** Shown only to people with this permission (besides the role). */
  permission?: Permission;
  flow: string;
  /** Where it sits in the menu (lower first). */
  order: number;
}

/** A feature: flows and menu entries, registered with the engine at composition. */
export interface Feature {
  flows: Flow[];
  menu?: MenuEntry[];
  /** Slash commands this feature answers (without the slash), mapped to the flow they start. */
  commands?: Record<string, { flow: string; roles: readonly Role[] }>;
  /** The flow that takes free text typed at the main menu (a health question), started with {question}. */
  freeText?: { flow: string; roles: readonly Role[] };
  /**
   * The flow that takes a document sent when no open flow expects one (a trainer's content file): started with
   * {viaDocument: true}, then handed the document as its first input. Other roles are told politely.
   */
  documents?: { flow: string; roles: readonly Role[] };
  /**
   * Choice ids `@<name>:<value>` that work wherever they are tapped, even off screen (a button in a message the bot
   * pushed, e.g. "open the new module"): each starts `flow` with `{[arg]: value}` for the roles given.
   */
  links?: Record<string, { flow: string; arg: string; roles: readonly Role[]; permission?: Permission }>;
}
