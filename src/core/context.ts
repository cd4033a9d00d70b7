import type { Lang, User } from '../accounts/types.js';
import type { ClientRecordsPort } from '../clients/records.js';
import type { ContentVersion } from '../content/live-content.js';
import type { Translator } from '../i18n/i18n.js';
import type { StoreView } from '../store/port.js';
import { DONE_ID, withMultipleExtras } from './choice-input.js';
import type { AskOptions, FlowContext, FlowStartOptions, PushReport } from './flow.js';
import type { Choice, Inbound, OutMessage } from './messages.js';
import type { FlowServices } from './services.js';
import { clearFlow, type Session } from './session.js';

export interface ContextHooks {
  startFlow(
    ctx: ConversationContext,
    id: string,
    args?: Record<string, unknown>,
    options?: FlowStartOptions,
  ): Promise<void>;
  call(
    ctx: ConversationContext,
    id: string,
    args: Record<string, unknown>,
    returnStep: string,
    options?: FlowStartOptions,
  ): Promise<void>;
  finish(ctx: ConversationContext, result: unknown): Promise<void>;
  showMenu(ctx: ConversationContext, intro?: string): Promise<void>;
}

/** A push as the engine hands it on: for whom, what, and (optionally) which flow wants to hear what became of it. */
export interface PendingPush {
  userId: string;
  message: OutMessage;
  report?: PushReport & { flow: string };
}

/** The FlowContext of one inbound message; collects the replies and pushes the engine returns. */
export class ConversationContext implements FlowContext {
  readonly replies: OutMessage[] = [];
  readonly pushes: PendingPush[] = [];
  private currentUser: User | null;
  private currentLang: Lang;

  constructor(
    readonly now: Date,
    readonly inbound: Inbound,
    readonly address: string,
    user: User | null,
    strangerLang: Lang,
    readonly session: Session,
    readonly services: FlowServices,
    readonly store: StoreView,
    readonly records: ClientRecordsPort,
    private readonly hooks: ContextHooks,
  ) {
    this.currentUser = user;
    this.currentLang = user?.lang ?? strangerLang;
  }

  get user(): User | null {
    return this.currentUser;
  }

  get lang(): Lang {
    return this.currentLang;
  }

  /** The version pinned when the flow started, while it is in memory; else the current one. */
  get content(): ContentVersion {
    const pinned = this.session.content;
    return (pinned && this.services.content.get(pinned)) || this.services.content.current();
  }

  get t(): Translator {
    return this.services.i18n.t(this.currentLang);
  }

  setUser(user: User): void {
    this.currentUser = user;
    this.currentLang = user.lang;
  }

  /** Before registration the chosen language lives in the session. */
  setLang(lang: Lang): void {
    this.currentLang = lang;
    this.session.lang = lang;
  }

  say(text: string): void {
    this.replies.push({ type: 'text', text });
  }

  ask(text: string, choices: Choice[], options: AskOptions = {}): void {
    const multiple = options.multiple ?? false;
    const shown = multiple
      ? [
          ...withMultipleExtras(choices, this.t('choices.none')),
          { id: DONE_ID, label: this.t('choices.done') },
        ]
      : choices;
    const hint = multiple ? this.t('input.severalHint') : undefined;
    this.session.pending = {
      choices: shown,
      multiple,
      selected: [],
      allowText: options.allowText ?? false,
      numbersAreLabels: options.numbersAreLabels ?? false,
      ...(hint ? { hint } : {}),
    };
    this.replies.push({
      type: 'choices',
      text,
      choices: shown,
      multiple,
      ...(options.numbersAreLabels ? { labelsNumbered: true as const } : {}),
      ...(hint ? { hint } : {}),
    });
  }

  send(message: OutMessage): void {
    this.replies.push(message);
  }

  push(userId: string, message: OutMessage, report?: PushReport): void {
    const flow = this.session.flow;
    this.pushes.push({ userId, message, ...(report && flow ? { report: { ...report, flow } } : {}) });
  }

  goto(step: string): void {
    this.session.step = step;
    this.session.pending = null;
  }

  startFlow(id: string, args?: Record<string, unknown>, options?: FlowStartOptions): Promise<void> {
    return this.hooks.startFlow(this, id, args, options);
  }

  call(
    id: string,
    args: Record<string, unknown>,
    returnStep: string,
    options?: FlowStartOptions,
  ): Promise<void> {
    return this.hooks.call(this, id, args, returnStep, options);
  }

  finish(result?: unknown): Promise<void> {
    return this.hooks.finish(this, result);
  }

  endFlow(): void {
    clearFlow(this.session);
  }

  showMenu(intro?: string): Promise<void> {
    return this.hooks.showMenu(this, intro);
  }

  /**
   * Shows the choices on screen again (after an answer that did not fit), when the flow cannot show its step
   * itself: the question's text is not kept in the session, so a short line stands in for it.
   */
  repeatPending(): void {
    const pending = this.session.pending;
    if (!pending) return;
    // Ticked answers are marked, so channels without editable buttons still show what is chosen.
    const tick = (id: string) => (pending.selected.includes(id) ? '✓ ' : '');
    this.replies.push({
      type: 'choices',
      text: this.t('input.chooseBelow'),
      choices: pending.choices.map((c) => ({ id: c.id, label: `${tick(c.id)}${c.label}` })),
      multiple: pending.multiple,
      ...(pending.numbersAreLabels ? { labelsNumbered: true as const } : {}),
      ...(pending.hint ? { hint: pending.hint } : {}),
    });
  }
}
