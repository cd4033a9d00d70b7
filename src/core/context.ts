import type { Lang, User } from '../accounts/types.js';
import type { Translator } from '../i18n/i18n.js';
import { DONE_ID, withMultipleExtras } from './choice-input.js';
import type { AskOptions, FlowContext } from './flow.js';
import type { Choice, Inbound, OutMessage, Push } from './messages.js';
import type { Services } from './services.js';
import type { Session } from './session.js';

export interface ContextHooks {
  startFlow(ctx: ConversationContext, id: string, args?: Record<string, unknown>): Promise<void>;
  showMenu(ctx: ConversationContext, intro?: string): Promise<void>;
}

/** The FlowContext of one inbound message; collects the replies and pushes the engine returns. */
export class ConversationContext implements FlowContext {
  readonly replies: OutMessage[] = [];
  readonly pushes: Push[] = [];
  private currentUser: User | null;
  private currentLang: Lang;

  constructor(
    readonly now: Date,
    readonly inbound: Inbound,
    readonly address: string,
    user: User | null,
    strangerLang: Lang,
    readonly session: Session,
    readonly services: Services,
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
    this.session.pending = {
      text,
      choices: shown,
      multiple,
      selected: [],
      allowText: options.allowText ?? false,
      numbersAreLabels: options.numbersAreLabels ?? false,
    };
    this.replies.push({
      type: 'choices',
      text,
      choices: shown,
      multiple,
      ...(options.numbersAreLabels ? { labelsNumbered: true as const } : {}),
    });
  }

  send(message: OutMessage): void {
    this.replies.push(message);
  }

  push(userId: string, message: OutMessage): void {
    this.pushes.push({ userId, message });
  }

  goto(step: string): void {
    this.session.step = step;
    this.session.pending = null;
  }

  startFlow(id: string, args?: Record<string, unknown>): Promise<void> {
    return this.hooks.startFlow(this, id, args);
  }

  endFlow(): void {
    this.session.flow = null;
    this.session.step = '';
    this.session.data = {};
    this.session.pending = null;
  }

  showMenu(intro?: string): Promise<void> {
    return this.hooks.showMenu(this, intro);
  }

  /** Shows the question on screen again (after an answer that did not fit). */
  repeatPending(): void {
    const pending = this.session.pending;
    if (!pending) return;
    // Ticked answers are marked, so channels without editable buttons still show what is chosen.
    const tick = (id: string) => (pending.selected.includes(id) ? '✓ ' : '');
    this.replies.push({
      type: 'choices',
      text: pending.text,
      choices: pending.choices.map((c) => ({ id: c.id, label: `${tick(c.id)}${c.label}` })),
      multiple: pending.multiple,
      ...(pending.numbersAreLabels ? { labelsNumbered: true as const } : {}),
    });
  }
}
