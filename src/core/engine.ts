import { normaliseInviteCode } from '../accounts/invite-codes.js';
import { isLang, type Lang, type User } from '../accounts/types.js';
import { assertNever } from './assert-never.js';
import { DONE_ID, matchTypedChoice, NONE_ID } from './choice-input.js';
import { parseCommand } from './commands.js';
import { ConversationContext } from './context.js';
import type { Feature, Flow, FlowInput, MenuEntry } from './flow.js';
import { KeyedQueue } from './keyed-queue.js';
import { addressKey, type HandleResult, type Inbound } from './messages.js';
import type { Services } from './services.js';
import { emptySession } from './session.js';

/** Longer texts are refused politely: no question we answer needs more, and it bounds the work per message. */
export const MAX_TEXT_LENGTH = 2000;
const RECENT_IDS = 20;
const ONBOARDING = 'onboarding';

const NOTHING: HandleResult = { replies: [], pushes: [] };

/**
 * The conversation engine: inbound message + the sender's stored state -> outputs. It sends nothing itself;
 * channels render what it returns. Messages from one chat are handled one at a time, in order.
 */
export class Engine {
  private readonly flows = new Map<string, Flow>();
  private readonly menu: MenuEntry[] = [];
  private readonly commands = new Map<string, NonNullable<Feature['commands']>[string]>();
  private readonly queue = new KeyedQueue();
  private freeText: Feature['freeText'];

  constructor(
    private readonly services: Services,
    features: Feature[],
  ) {
    for (const feature of features) {
      for (const flow of feature.flows) {
        if (this.flows.has(flow.id)) throw new Error(`flow ${flow.id} registered twice`);
        this.flows.set(flow.id, flow);
      }
      this.menu.push(...(feature.menu ?? []));
      for (const [name, command] of Object.entries(feature.commands ?? {})) this.commands.set(name, command);
      if (feature.freeText) this.freeText = feature.freeText;
    }
    this.flows.set('menu', this.menuFlow());
    this.menu.sort((a, b) => a.order - b.order);
    if (!this.flows.has(ONBOARDING)) throw new Error('the onboarding flow is required');
  }

  handle(inbound: Inbound): Promise<HandleResult> {
    const address = addressKey(inbound);
    return this.queue.run(address, () => this.process(inbound, address));
  }

  /** Resolves when no message is being handled (graceful shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Menu entries a person of this role sees, in order. */
  menuFor(user: User): MenuEntry[] {
    return this.menu.filter((entry) => entry.roles.includes(user.role));
  }

  private async process(inbound: Inbound, address: string): Promise<HandleResult> {
    const { store, clock, logger, pseudo } = this.services;
    const now = clock.now();
    const user = await store.users.byAddress(address);
    if (user && !user.active) return NOTHING;
    const session = (await store.sessions.get(address)) ?? emptySession(now);
    if (inbound.messageId) {
      if (session.recent.includes(inbound.messageId)) return NOTHING;
      session.recent = [...session.recent, inbound.messageId].slice(-RECENT_IDS);
    }
    const strangerLang: Lang = isLang(session.data.lang)
      ? session.data.lang
      : isLang(inbound.langHint?.slice(0, 2))
        ? (inbound.langHint?.slice(0, 2) as Lang)
        : 'en';
    const ctx = new ConversationContext(
      now,
      inbound,
      address,
      user ?? null,
      strangerLang,
      session,
      this.services,
      {
        startFlow: (c, id, args) => this.startFlow(c, id, args),
        showMenu: (c, intro) => this.showMenu(c, intro),
      },
    );
    try {
      await this.dispatch(ctx);
    } catch (error) {
      logger.error(
        { err: error, user: pseudo(user?.id ?? address), flow: session.flow },
        'message handling failed',
      );
      ctx.replies.length = 0;
      ctx.say(ctx.t('errors.internal'));
      ctx.endFlow();
    }
    if (ctx.user && ctx.user.lastAddress !== address) {
      await store.users.put({ ...ctx.user, lastAddress: address });
    }
    session.updatedAt = now.toISOString();
    // Nothing is kept of a stranger who is not registering: strangers writing cannot grow the store.
    if (!ctx.user && session.flow === null) await store.sessions.delete(address);
    else await store.sessions.set(address, session);
    return { replies: ctx.replies, pushes: ctx.pushes };
  }

  private async dispatch(ctx: ConversationContext): Promise<void> {
    const { payload } = ctx.inbound;
    const { session } = ctx;
    switch (payload.kind) {
      case 'unsupported':
        ctx.say(ctx.t('input.unsupported'));
        return this.remind(ctx);
      case 'document': {
        const flow = session.flow ? this.flows.get(session.flow) : undefined;
        if (ctx.user && flow?.acceptsDocuments) return flow.onInput(ctx, payload);
        ctx.say(ctx.t('input.documentNotExpected'));
        return this.remind(ctx);
      }
      case 'choice':
        return this.onChoice(ctx, payload.id);
      case 'text':
        return this.onText(ctx, payload.text);
      default:
        return assertNever(payload);
    }
  }

  private async onText(ctx: ConversationContext, raw: string): Promise<void> {
    // Strip control characters a client may send; keep line breaks.
    const text = raw
      .normalize('NFC')
      .replace(/[^\P{Cc}\n\t]/gu, '')
      .trim();
    if (text.length > MAX_TEXT_LENGTH) {
      ctx.say(ctx.t('input.tooLong', { max: MAX_TEXT_LENGTH }));
      return this.remind(ctx);
    }
    if (text === '') {
      ctx.say(ctx.t('input.empty'));
      return this.remind(ctx);
    }
    const command = parseCommand(text, ctx.lang, this.services.i18n);
    if (command) return this.onCommand(ctx, command.name, command.args);

    if (!ctx.user) {
      const code = normaliseInviteCode(text);
      if (code && ctx.session.flow !== ONBOARDING) return this.startFlow(ctx, ONBOARDING, { code });
      if (ctx.session.flow !== ONBOARDING) return this.welcomeStranger(ctx);
    }
    const flow = ctx.session.flow ? this.flows.get(ctx.session.flow) : undefined;
    const atMenu = !flow || flow.id === 'menu';
    const code = normaliseInviteCode(text);
    if (ctx.user && atMenu && code && (await this.services.store.invites.get(code))) {
      ctx.say(ctx.t('onboarding.alreadyRegistered'));
      return this.showMenu(ctx);
    }
    if (!flow) return (this.flows.get('menu') as Flow).onInput(ctx, { kind: 'text', text });
    const pending = ctx.session.pending;
    if (!pending) return flow.onInput(ctx, { kind: 'text', text });
    const match = matchTypedChoice(text, pending);
    switch (match.kind) {
      case 'choice':
        return flow.onInput(ctx, match);
      case 'choices': {
        if (match.ids.length === 1 && match.ids[0] === DONE_ID) {
          return flow.onInput(ctx, { kind: 'choices', ids: pending.selected });
        }
        return flow.onInput(ctx, {
          kind: 'choices',
          ids: match.ids.filter((id) => id !== NONE_ID && id !== DONE_ID),
        });
      }
      case 'invalid':
        ctx.say(
          match.reason === 'range'
            ? ctx.t('input.outOfRange', { max: pending.choices.length })
            : ctx.t('input.noneWithOthers'),
        );
        return ctx.repeatPending();
      case 'no-match':
        if (pending.allowText) return flow.onInput(ctx, { kind: 'text', text });
        ctx.say(
          ctx.t(pending.multiple ? 'input.pickSeveral' : 'input.pickOne', { max: pending.choices.length }),
        );
        return ctx.repeatPending();
      default:
        return assertNever(match);
    }
  }

  private async onChoice(ctx: ConversationContext, id: string): Promise<void> {
    const pending = ctx.session.pending;
    const flow = ctx.session.flow ? this.flows.get(ctx.session.flow) : undefined;
    const known = pending?.choices.some((c) => c.id === id);
    if (!pending || !flow || !known) {
      // A button from an earlier message, or an id a script made up: say so and show where she is.
      ctx.say(ctx.t('input.staleChoice'));
      if (!ctx.user) return this.welcomeStranger(ctx);
      if (pending && flow) return ctx.repeatPending();
      return this.showMenu(ctx);
    }
    if (!pending.multiple) return flow.onInput(ctx, { kind: 'choice', id });
    if (id === NONE_ID) return flow.onInput(ctx, { kind: 'choices', ids: [] });
    if (id === DONE_ID) return flow.onInput(ctx, { kind: 'choices', ids: pending.selected });
    pending.selected = pending.selected.includes(id)
      ? pending.selected.filter((s) => s !== id)
      : [...pending.selected, id];
    return ctx.repeatPending();
  }

  private async onCommand(ctx: ConversationContext, name: string, args: string): Promise<void> {
    const { user } = ctx;
    if (!user) {
      if (name === 'start' && args) return this.startFlow(ctx, ONBOARDING, { code: args });
      if (name === 'link' && args) return this.startFlow(ctx, 'link', { args });
      if (name === 'cancel' && ctx.session.flow) {
        ctx.endFlow();
        ctx.say(ctx.t('commands.cancelled'));
      }
      return this.welcomeStranger(ctx);
    }
    switch (name) {
      case 'start':
        if (args && normaliseInviteCode(args)) ctx.say(ctx.t('onboarding.alreadyRegistered'));
        return this.showMenu(ctx);
      case 'menu':
        return this.showMenu(ctx);
      case 'cancel': {
        const wasBusy = ctx.session.flow !== null && ctx.session.flow !== 'menu';
        ctx.endFlow();
        return this.showMenu(ctx, ctx.t(wasBusy ? 'commands.cancelled' : 'commands.nothingToCancel'));
      }
      default: {
        const command = this.commands.get(name);
        if (command?.roles.includes(user.role)) return this.startFlow(ctx, command.flow, { args });
        return this.showMenu(ctx, ctx.t('commands.unknown', { command: `/${name}` }));
      }
    }
  }

  private async startFlow(
    ctx: ConversationContext,
    id: string,
    args?: Record<string, unknown>,
  ): Promise<void> {
    const flow = this.flows.get(id);
    if (!flow) throw new Error(`unknown flow ${id}`);
    if (flow.roles && !(ctx.user && flow.roles.includes(ctx.user.role))) {
      ctx.say(ctx.t('errors.notAllowed'));
      return this.showMenu(ctx);
    }
    ctx.endFlow();
    ctx.session.flow = id;
    await flow.start(ctx, args);
  }

  private async showMenu(ctx: ConversationContext, intro?: string): Promise<void> {
    ctx.endFlow();
    if (!ctx.user) return this.welcomeStranger(ctx);
    if (intro) ctx.say(intro);
    ctx.session.flow = 'menu';
    const entries = this.menuFor(ctx.user);
    // Free text at the menu is not an error: it goes to the menu flow (and, with search, becomes a question).
    ctx.ask(
      ctx.t('menu.title', { name: ctx.user.name }),
      entries.map((e) => ({ id: e.id, label: ctx.t(e.label) })),
      { allowText: true },
    );
  }

  /** After an input that could not be used, show what she was being asked (or, with nothing open, nothing). */
  private remind(ctx: ConversationContext): void {
    if (ctx.session.pending) ctx.repeatPending();
    else if (!ctx.user) ctx.say(ctx.t('stranger.askCode'));
  }

  private welcomeStranger(ctx: ConversationContext): void {
    ctx.endFlow();
    ctx.say(ctx.t('stranger.welcome'));
  }

  /** Runs the menu entry a person picked (the 'menu' flow is the engine's own). */
  menuFlow(): Flow {
    return {
      id: 'menu',
      roles: null,
      start: async (ctx) => ctx.showMenu(),
      onInput: async (ctx, input: FlowInput) => {
        const entry =
          input.kind === 'choice' && ctx.user
            ? this.menuFor(ctx.user).find((e) => e.id === input.id)
            : undefined;
        if (entry) return ctx.startFlow(entry.flow);
        const freeText = this.freeText;
        if (input.kind === 'text' && ctx.user && freeText?.roles.includes(ctx.user.role)) {
          return ctx.startFlow(freeText.flow, { question: input.text });
        }
        return ctx.showMenu(ctx.t('menu.notUnderstood'));
      },
    };
  }
}
