import { normaliseInviteCode } from '../accounts/invite-codes.js';
import { isLang, type Lang, type User } from '../accounts/types.js';
import { ConflictError } from '../store/port.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { assertNever } from './assert-never.js';
import { DONE_ID, matchTypedChoice, NONE_ID } from './choice-input.js';
import { parseCommand } from './commands.js';
import { type ContextHooks, ConversationContext, type PendingPush } from './context.js';
import type {
  DeliveryReport,
  Feature,
  Flow,
  FlowInput,
  FlowStartOptions,
  MenuEntry,
  Permission,
} from './flow.js';
import { KeyedQueue } from './keyed-queue.js';
import type { Inbound, OutMessage } from './messages.js';
import { addressKey } from './messages.js';
import { safeError } from './safe-error.js';
import type { FlowServices, Services } from './services.js';
import { clearFlow, emptySession, loadSession, type Session } from './session.js';

/** Longer texts are refused politely: no question we answer needs more, and it bounds the work per message. */
export const MAX_TEXT_LENGTH = 2000;
const RECENT_IDS = 20;
const ONBOARDING = 'onboarding';
/** A unit that lost an optimistic check is run again from the start, this many times at most. */
const MAX_ATTEMPTS = 3;
const HOUR_MS = 3_600_000;

export interface HandleResult {
  replies: OutMessage[];
  /** Messages for other people, to deliver after the replies (with the flow to tell what became of them). */
  pushes: PendingPush[];
}

const NOTHING: HandleResult = { replies: [], pushes: [] };

/**
 * The conversation engine: inbound message + the sender's stored state -> outputs. It sends nothing itself;
 * channels render what it returns. Messages from one chat are handled one at a time, in order, and everything a
 * message changes (records, progress, her session, the message id) is one unit of work, committed before the
 * replies are returned, or not at all.
 */
export class Engine {
  private readonly flows = new Map<string, Flow>();
  private readonly menu: MenuEntry[] = [];
  private readonly commands = new Map<string, NonNullable<Feature['commands']>[string]>();
  private readonly queue = new KeyedQueue();
  private readonly flowServices: FlowServices;
  private readonly hooks: ContextHooks;
  private freeText: Feature['freeText'];
  private documents: Feature['documents'];
  private readonly links = new Map<string, NonNullable<Feature['links']>[string]>();

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
      if (feature.documents) this.documents = feature.documents;
      for (const [name, link] of Object.entries(feature.links ?? {})) {
        if (this.links.has(name)) throw new Error(`link @${name} registered twice`);
        this.links.set(name, link);
      }
    }
    this.flows.set('menu', this.menuFlow());
    this.menu.sort((a, b) => a.order - b.order);
    if (!this.flows.has(ONBOARDING)) throw new Error('the onboarding flow is required');
    const { store: _store, records: _records, ...flowServices } = services;
    this.flowServices = flowServices;
    this.hooks = {
      startFlow: (c, id, args, options) => this.startFlow(c, id, args, options),
      call: (c, id, args, returnStep, options) => this.call(c, id, args, returnStep, options),
      finish: (c, result) => this.finish(c, result),
      showMenu: (c, intro) => this.showMenu(c, intro),
    };
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
    return this.menu.filter(
      (entry) => entry.roles.includes(user.role) && hasPermission(user, entry.permission),
    );
  }

  /**
   * Tells the flow that pushed a message what became of it. Runs in the sender's queue like a message of hers;
   * what the flow says goes to her as a push (she may be elsewhere by now). Her session is not changed.
   */
  report(address: string, flowId: string, report: DeliveryReport): Promise<HandleResult> {
    return this.queue.run(address, async () => {
      const flow = this.flows.get(flowId);
      const { store, clock, logger } = this.services;
      const user = await store.users.byAddress(address);
      if (!flow?.onDelivery || !user?.active) return NOTHING;
      const now = clock.now();
      const session = loadSession(await store.sessions.get(address), now)?.session ?? emptySession(now);
      const sep = address.indexOf(':');
      const inbound: Inbound = {
        channel: address.slice(0, sep) as Inbound['channel'],
        ref: address.slice(sep + 1),
        at: now,
        payload: { kind: 'text', text: '' },
      };
      const unit = new UnitOfWork(store);
      const ctx = this.context(now, inbound, address, user, user.lang, structuredClone(session), unit);
      try {
        await flow.onDelivery(ctx, report);
        await unit.commit();
      } catch (error) {
        logger.error({ err: safeError(error), flow: flowId }, 'delivery report handling failed');
        return NOTHING;
      }
      return {
        replies: [],
        pushes: [...ctx.replies.map((message) => ({ userId: user.id, message })), ...ctx.pushes],
      };
    });
  }

  /** Closes conversations idle for longer than SESSION_IDLE_HOURS: their state (answers, ids) is dropped. */
  async expireIdle(): Promise<number> {
    const { store, clock } = this.services;
    const before = new Date(clock.now().getTime() - this.idleMs()).toISOString();
    let expired = 0;
    for (const address of await store.sessions.idleSince(before)) {
      await this.queue.run(address, async () => {
        const raw = await store.sessions.get(address);
        const loaded = loadSession(raw, clock.now());
        if (!loaded || loaded.session.updatedAt >= before) return;
        const { session } = loaded;
        if (session.flow === null || (session.flow === 'menu' && session.stack.length === 0)) {
          if (session.state === null && session.pending === null) return;
        }
        // Kept: the handled message ids and her language. Dropped: the flow, its state, the question on screen.
        const kept: Session = { ...emptySession(new Date(session.updatedAt)), recent: session.recent };
        kept.lang = session.lang;
        await store.commit([{ kind: 'session', address, session: kept }]);
        expired++;
      });
    }
    return expired;
  }

  private idleMs(): number {
    return this.services.config.SESSION_IDLE_HOURS * HOUR_MS;
  }

  private async process(inbound: Inbound, address: string): Promise<HandleResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(inbound, address);
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private context(
    now: Date,
    inbound: Inbound,
    address: string,
    user: User | null,
    lang: Lang,
    session: Session,
    unit: UnitOfWork,
  ): ConversationContext {
    return new ConversationContext(
      now,
      inbound,
      address,
      user,
      lang,
      session,
      this.flowServices,
      unit,
      this.services.records.view(unit),
      this.hooks,
    );
  }

  private async attempt(inbound: Inbound, address: string): Promise<HandleResult> {
    const { store, clock, logger, pseudo } = this.services;
    const now = clock.now();
    const user = await store.users.byAddress(address);
    if (user && !user.active) return NOTHING;
    const loaded = loadSession(await store.sessions.get(address), now);
    const session = loaded?.session ?? emptySession(now);
    if (inbound.messageId) {
      if (session.recent.includes(inbound.messageId)) return NOTHING;
      session.recent = [...session.recent, inbound.messageId].slice(-RECENT_IDS);
    }
    const notices: string[] = [];
    const who = () => pseudo(user?.id ?? address);
    if (loaded?.kind === 'reset') {
      logger.warn({ user: who(), reason: loaded.reason }, 'stored session restarted');
      notices.push('session.restarted');
    } else if (session.flow && !this.fits(session)) {
      logger.warn({ user: who(), flow: session.flow }, 'stored flow state does not fit its flow; restarted');
      clearFlow(session);
      notices.push('session.restarted');
    } else if (
      session.flow &&
      session.flow !== 'menu' &&
      now.getTime() - Date.parse(session.updatedAt) > this.idleMs()
    ) {
      clearFlow(session);
      notices.push('session.expired');
    }
    const hint = inbound.langHint?.slice(0, 2);
    const strangerLang: Lang = session.lang ?? (isLang(hint) ? hint : 'en');
    const flowBefore = session.flow;
    const unit = new UnitOfWork(store);
    const ctx = this.context(now, inbound, address, user ?? null, strangerLang, session, unit);
    for (const key of notices) {
      ctx.say(ctx.t(key, { hours: this.services.config.SESSION_IDLE_HOURS }));
    }
    try {
      // What she sent was meant for the conversation that was closed: show where she can go on instead, unless
      // she sent a command.
      const isCommand = inbound.payload.kind === 'text' && inbound.payload.text.trim().startsWith('/');
      if (notices.length > 0 && ctx.user && !isCommand) await this.showMenu(ctx);
      else await this.dispatch(ctx);
    } catch (error) {
      if (error instanceof ConflictError) throw error;
      // Nothing the message staged is kept; she stays where she was, and is told so truthfully.
      logger.error({ err: safeError(error), user: who(), flow: flowBefore }, 'message handling failed');
      // The session as committed (nothing of this message was), with this message's id, so it is not run again.
      const before = loadSession(await store.sessions.get(address), now)?.session ?? emptySession(now);
      before.recent = session.recent;
      return this.commitFailure(ctx, address, before, now);
    }
    return this.commit(ctx, unit, address, session, now);
  }

  private async commit(
    ctx: ConversationContext,
    unit: UnitOfWork,
    address: string,
    session: Session,
    now: Date,
  ): Promise<HandleResult> {
    if (ctx.user && ctx.user.lastAddress !== address) {
      const current = (await unit.users.get(ctx.user.id)) ?? ctx.user;
      await unit.users.put({ ...current, lastAddress: address });
    }
    session.updatedAt = now.toISOString();
    // Nothing is kept of a stranger who is not registering: strangers writing cannot grow the store.
    const keep = ctx.user !== null || session.flow !== null;
    try {
      await unit.commit([{ kind: 'session', address, session: keep ? session : null }]);
    } catch (error) {
      if (error instanceof ConflictError) throw error;
      this.services.logger.error(
        { err: safeError(error), user: this.services.pseudo(ctx.user?.id ?? address) },
        'could not commit a message',
      );
      return { replies: [{ type: 'text', text: ctx.t('errors.notSaved') }], pushes: [] };
    }
    return { replies: ctx.replies, pushes: ctx.pushes };
  }

  private async commitFailure(
    ctx: ConversationContext,
    address: string,
    before: Session,
    now: Date,
  ): Promise<HandleResult> {
    const replies: OutMessage[] = [{ type: 'text', text: ctx.t('errors.internal') }];
    before.updatedAt = now.toISOString();
    const keep = ctx.user !== null || before.flow !== null;
    try {
      // Only the message id (so a redelivery is not handled again) and where she was.
      await this.services.store.commit([{ kind: 'session', address, session: keep ? before : null }]);
    } catch {
      // The reply already says nothing was saved.
    }
    return { replies, pushes: [] };
  }

  /** Whether the stored state of the running flow, and of every caller waiting for it, fits its flow. */
  private fits(session: Session): boolean {
    const frames = [{ flow: session.flow ?? '', step: session.step, state: session.state }, ...session.stack];
    return frames.every((f) => {
      const flow = this.flows.get(f.flow);
      if (!flow) return false;
      return !flow.accepts || flow.accepts(f.step, f.state);
    });
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
        if (!ctx.user && !session.flow) return this.welcomeStranger(ctx);
        const documents = this.documents;
        // In the middle of something else a file is not taken as a publication: she is shown where she was.
        const atMenu = !session.flow || session.flow === 'menu';
        if (!ctx.user || !documents || !atMenu) {
          ctx.say(ctx.t('input.documentNotExpected'));
          return this.remind(ctx);
        }
        if (!documents.roles.includes(ctx.user.role)) {
          // Nothing is read: only trainers and admins publish content.
          ctx.say(ctx.t('input.onlyTrainersPublish'));
          return this.remind(ctx);
        }
        await this.startFlow(ctx, documents.flow, { viaDocument: true });
        const started = this.flows.get(documents.flow);
        if (ctx.session.flow === documents.flow && started) return started.onInput(ctx, payload);
        return;
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
    if (ctx.user && atMenu && code && (await ctx.store.invites.get(code))) {
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
        return this.showAgain(ctx, flow);
      case 'no-match':
        if (pending.allowText) return flow.onInput(ctx, { kind: 'text', text });
        ctx.say(
          ctx.t(pending.multiple ? 'input.pickSeveral' : 'input.pickOne', { max: pending.choices.length }),
        );
        return this.showAgain(ctx, flow);
      default:
        return assertNever(match);
    }
  }

  /** The question on screen again: the flow shows its step when it can, otherwise the choices alone. */
  private async showAgain(ctx: ConversationContext, flow: Flow): Promise<void> {
    const pending = ctx.session.pending;
    if (pending?.multiple && pending.selected.length > 0) return ctx.repeatPending();
    if (flow.show) return flow.show(ctx);
    return ctx.repeatPending();
  }

  private async onChoice(ctx: ConversationContext, id: string): Promise<void> {
    if (id.startsWith('@') && ctx.user) {
      const link = this.link(id);
      if (link) {
        const flow = this.flows.get(link.flow);
        if (flow && link.roles.includes(ctx.user.role) && hasPermission(ctx.user, link.permission))
          return this.startFlow(ctx, link.flow, { [link.arg]: link.value });
      }
    }
    const pending = ctx.session.pending;
    const flow = ctx.session.flow ? this.flows.get(ctx.session.flow) : undefined;
    const known = pending?.choices.some((c) => c.id === id);
    if (!pending || !flow || !known) {
      // A button from an earlier message, or an id a script made up: say so and show where she is.
      ctx.say(ctx.t('input.staleChoice'));
      if (!ctx.user) return this.welcomeStranger(ctx);
      // A step that asks for typed text has no buttons on screen: it shows itself again, and she goes on.
      if (flow && (pending || flow.show)) return this.showAgain(ctx, flow);
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

  private allowed(ctx: ConversationContext, flow: Flow): boolean {
    if (!flow.roles) return true;
    return (
      ctx.user !== null && flow.roles.includes(ctx.user.role) && hasPermission(ctx.user, flow.permission)
    );
  }

  private async startFlow(
    ctx: ConversationContext,
    id: string,
    args?: Record<string, unknown>,
    options?: FlowStartOptions,
  ): Promise<void> {
    const flow = this.flows.get(id);
    if (!flow) throw new Error(`unknown flow ${id}`);
    if (!this.allowed(ctx, flow)) {
      ctx.say(ctx.t('errors.notAllowed'));
      return this.showMenu(ctx);
    }
    ctx.endFlow();
    this.enter(ctx, id, options);
    await flow.start(ctx, args);
  }

  /** A link choice `@name:value`, when its name is registered. */
  private link(id: string): (NonNullable<Feature['links']>[string] & { value: string }) | null {
    const colon = id.indexOf(':');
    if (colon < 2) return null;
    const link = this.links.get(id.slice(1, colon));
    const value = id.slice(colon + 1);
    return link && value ? { ...link, value } : null;
  }

  /** Starts a sub-flow; the caller waits on the stack with the step to resume at. */
  private async call(
    ctx: ConversationContext,
    id: string,
    args: Record<string, unknown>,
    returnStep: string,
    options?: FlowStartOptions,
  ): Promise<void> {
    const flow = this.flows.get(id);
    const caller = ctx.session.flow;
    if (!flow || !caller) throw new Error(`cannot call flow ${id} from ${caller ?? 'nothing'}`);
    if (!this.allowed(ctx, flow)) {
      ctx.say(ctx.t('errors.notAllowed'));
      return this.showMenu(ctx);
    }
    const { session } = ctx;
    session.stack = [
      ...session.stack,
      { flow: caller, step: returnStep, state: session.state, content: session.content },
    ];
    session.pending = null;
    this.enter(ctx, id, options);
    await flow.start(ctx, args);
  }

  /** Ends a sub-flow and resumes its caller with the result; a flow nobody called ends at the menu. */
  private async finish(ctx: ConversationContext, result: unknown): Promise<void> {
    const { session } = ctx;
    const frame = session.stack.at(-1);
    if (!frame) return this.showMenu(ctx);
    const caller = this.flows.get(frame.flow);
    if (!caller) throw new Error(`caller flow ${frame.flow} is gone`);
    session.stack = session.stack.slice(0, -1);
    session.flow = frame.flow;
    session.step = frame.step;
    session.state = frame.state;
    session.content = frame.content;
    session.pending = null;
    if (caller.onResult) return caller.onResult(ctx, result);
    if (caller.show) return caller.show(ctx);
    return this.showMenu(ctx);
  }

  private enter(ctx: ConversationContext, id: string, options?: FlowStartOptions): void {
    const { session } = ctx;
    session.flow = id;
    session.step = '';
    session.state = null;
    // A flow pinned to a version that is not live (a trainer trying a proposal) only while that version is known.
    const pinned = options?.content && this.services.content.get(options.content);
    session.content = pinned ? pinned.id : this.services.content.current().id;
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
  private async remind(ctx: ConversationContext): Promise<void> {
    const flow = ctx.session.flow ? this.flows.get(ctx.session.flow) : undefined;
    if (ctx.session.pending && flow) return this.showAgain(ctx, flow);
    if (ctx.session.pending) return ctx.repeatPending();
    if (!ctx.user) ctx.say(ctx.t('stranger.askCode'));
  }

  private welcomeStranger(ctx: ConversationContext): void {
    ctx.endFlow();
    ctx.say(ctx.t('stranger.welcome'));
  }

  /** Runs the menu entry a person picked (the 'menu' flow is the engine's own). */
  private menuFlow(): Flow {
    return {
      id: 'menu',
      roles: null,
      start: async (ctx) => ctx.showMenu(),
      show: async (ctx) => ctx.showMenu(),
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

/** Whether an active person holds a permission (none asked for: yes). */
function hasPermission(user: User, permission: Permission | undefined): boolean {
  if (!permission) return true;
  switch (permission) {
    case 'clinician':
      return user.active && user.clinician === true;
    default:
      return assertNever(permission);
  }
}
