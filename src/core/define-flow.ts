import type { z } from 'zod';
import type { Role } from '../accounts/types.js';
import type {
  AskOptions,
  DeliveryReport,
  Flow,
  FlowContext,
  FlowInput,
  FlowStartOptions,
  Permission,
} from './flow.js';
import type { Choice } from './messages.js';

/**
 * A flow's window on one message with its own typed state and steps. Choice ids are local to the flow: `ask`
 * namespaces them and inputs arrive with the namespace taken off, so a button of another flow can never be
 * mistaken for one of this flow's.
 */
export interface StepContext<S, Step extends string> extends Omit<FlowContext, 'goto' | 'ask'> {
  /** The flow's state, checked against its schema whenever it is loaded. */
  state: S;
  readonly step: Step;
  goto(step: Step): void;
  ask(text: string, choices: Choice[], options?: AskOptions): void;
  /** Runs another flow; when it finishes with a result, this flow's `returnStep` hears it in `onResult`. */
  call(
    id: string,
    args: Record<string, unknown>,
    returnStep: Step,
    options?: FlowStartOptions,
  ): Promise<void>;
}

export interface StepDefinition<S, Step extends string> {
  /** Shows this step's question (again): after a stale tap or an unusable answer, or on returning to it. */
  show?(ctx: StepContext<S, Step>): Promise<void> | void;
  onInput(ctx: StepContext<S, Step>, input: FlowInput): Promise<void> | void;
  /** A sub-flow called from this step finished with a result. */
  onResult?(ctx: StepContext<S, Step>, result: unknown): Promise<void> | void;
}

export interface FlowDefinition<S, Step extends string> {
  id: string;
  /** A short prefix for this flow's choice ids (callback data is short on Telegram); default: the id. */
  ns?: string;
  roles: readonly Role[] | null;
  /** A permission needed besides the role (e.g. approving content). */
  permission?: Permission;
  acceptsDocuments?: boolean;
  /** The schema of the flow's state. A stored state that does not fit restarts the flow politely. */
  state: z.ZodType<S>;
  /** Sets the first state and step. */
  start(ctx: StepContext<S, Step>, args: Record<string, unknown>): Promise<void> | void;
  steps: { [K in Step]: StepDefinition<S, Step> };
  /** Hears what became of a message this flow pushed to someone else. */
  onDelivery?(ctx: StepContext<S | null, Step>, report: DeliveryReport): Promise<void> | void;
}

/** Builds an engine `Flow` from a typed definition. */
export function defineFlow<S, Step extends string>(def: FlowDefinition<S, Step>): Flow {
  const prefix = `${def.ns ?? def.id}.`;
  const isStep = (step: string): step is Step => Object.hasOwn(def.steps, step);
  const stepOf = (ctx: FlowContext): StepDefinition<S, Step> | undefined =>
    isStep(ctx.session.step) ? def.steps[ctx.session.step] : undefined;

  const wrap = <T>(ctx: FlowContext): StepContext<T, Step> => {
    const own: Record<PropertyKey, unknown> = {
      goto: (step: Step) => ctx.goto(step),
      ask: (text: string, choices: Choice[], options?: AskOptions) =>
        ctx.ask(
          text,
          choices.map((c) => ({ id: `${prefix}${c.id}`, label: c.label })),
          options,
        ),
      call: (id: string, args: Record<string, unknown>, step: Step, options?: FlowStartOptions) =>
        ctx.call(id, args, step, options),
    };
    // A view of the engine's context: methods run on the context itself, `state` and `step` read the session.
    return new Proxy(ctx, {
      get(target, prop) {
        if (prop === 'state') return target.session.state;
        if (prop === 'step') return target.session.step;
        if (Object.hasOwn(own, prop)) return own[prop];
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
      set(target, prop, value) {
        if (prop !== 'state') return false;
        target.session.state = value;
        return true;
      },
    }) as unknown as StepContext<T, Step>;
  };

  /** Takes the flow's namespace off choice ids; null for an id that is not this flow's. */
  const local = (input: FlowInput): FlowInput | null => {
    if (input.kind === 'choice') {
      return input.id.startsWith(prefix) ? { kind: 'choice', id: input.id.slice(prefix.length) } : null;
    }
    if (input.kind === 'choices') {
      if (!input.ids.every((id) => id.startsWith(prefix))) return null;
      return { kind: 'choices', ids: input.ids.map((id) => id.slice(prefix.length)) };
    }
    return input;
  };

  const show = async (ctx: FlowContext): Promise<void> => {
    const step = stepOf(ctx);
    if (step?.show) return step.show(wrap<S>(ctx));
    return ctx.showMenu();
  };

  /** A flow left on no step of its own (it answered and has nothing to ask) is over. */
  const settle = (ctx: FlowContext): void => {
    if (ctx.session.flow === def.id && !isStep(ctx.session.step)) ctx.endFlow();
  };

  return {
    id: def.id,
    roles: def.roles,
    ...(def.permission ? { permission: def.permission } : {}),
    ...(def.acceptsDocuments ? { acceptsDocuments: true } : {}),
    accepts: (step, state) => isStep(step) && def.state.safeParse(state).success,
    async start(ctx, args) {
      await def.start(wrap<S>(ctx), args ?? {});
      settle(ctx);
    },
    async onInput(ctx, input) {
      const step = stepOf(ctx);
      if (!step) return show(ctx);
      const mine = local(input);
      if (!mine) return show(ctx);
      await step.onInput(wrap<S>(ctx), mine);
      settle(ctx);
    },
    show,
    async onResult(ctx, result) {
      const step = stepOf(ctx);
      if (step?.onResult) await step.onResult(wrap<S>(ctx), result);
      else await show(ctx);
      settle(ctx);
    },
    ...(def.onDelivery
      ? {
          onDelivery: async (ctx: FlowContext, report: DeliveryReport) =>
            (def.onDelivery as NonNullable<typeof def.onDelivery>)(wrap<S | null>(ctx), report),
        }
      : {}),
  };
}
