import type { Lang, Role, User } from '../accounts/types.js';
import type { Translator } from '../i18n/i18n.js';
import type { Choice, Inbound, OutMessage } from './messages.js';
import type { Services } from './services.js';
import type { Session } from './session.js';

/** What a flow receives once the engine has matched the message against the question on screen. */
export type FlowInput =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; id: string }
  | { kind: 'choices'; ids: string[] }
  | { kind: 'document'; name: string; mime: string; size: number; read: () => Promise<Uint8Array> };

export interface AskOptions {
  multiple?: boolean;
  /** Whether typed text that matches no choice goes to the flow (e.g. "type a team name or pick one"). */
  allowText?: boolean;
  /** Labels start with their own number ("0 Not at all"): typing a number picks that label, not that position. */
  numbersAreLabels?: boolean;
}

/** A flow's window on one message: who wrote, in which language, and how to answer. */
export interface FlowContext {
  readonly now: Date;
  readonly inbound: Inbound;
  readonly address: string;
  readonly user: User | null;
  readonly lang: Lang;
  readonly t: Translator;
  readonly session: Session;
  readonly services: Services;
  say(text: string): void;
  ask(text: string, choices: Choice[], options?: AskOptions): void;
  send(message: OutMessage): void;
  /** A message for someone else (an alert to a supervisor); delivered on their channel. */
  push(userId: string, message: OutMessage): void;
  goto(step: string): void;
  /** Replaces the running flow with another. */
  startFlow(id: string, args?: Record<string, unknown>): Promise<void>;
  endFlow(): void;
  /** Ends the flow and shows the main menu. */
  showMenu(intro?: string): Promise<void>;
  /** Before registration, the language she picked. */
  setLang(lang: Lang): void;
  /** After a person registers or changes language mid-message. */
  setUser(user: User): void;
}

export interface Flow {
  readonly id: string;
  /** Roles that may run this flow; null for the registration flow strangers use. */
  readonly roles: readonly Role[] | null;
  readonly acceptsDocuments?: boolean;
  start(ctx: FlowContext, args?: Record<string, unknown>): Promise<void>;
  onInput(ctx: FlowContext, input: FlowInput): Promise<void>;
}

/** An entry of the main menu; the menu shows only entries of the person's role. */
export interface MenuEntry {
  id: string;
  /** i18n key of the label. */
  label: string;
  roles: readonly Role[];
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
}
