import { z } from 'zod';
import { parseClientCode, parseRegisterNumber } from '../../clients/client-code.js';
import { scheduleInfantTests } from '../../clients/infant-schedule.js';
import {
  birthYearRange,
  needsBirthDate,
  needsMother,
  newClient,
  parseBirthDate,
  parseBirthYear,
  possibleMothers,
  uniqueClientCode,
} from '../../clients/registration.js';
import type { Client } from '../../clients/types.js';
import { defineFlow, type StepContext, type StepDefinition } from '../../core/define-flow.js';
import { CLIENT_GROUPS } from '../../screening/schema.js';
import type { AuditRecord } from '../../store/port.js';
import { parseTypedDate } from './date-input.js';

export const REGISTER_CLIENT = 'register-client';

/** What registration gathers, step by step: no name and no phone number, ever. */
const registrationState = z.object({
  code: z.string().nullable(),
  birthYear: z.number().int().nullable(),
  sex: z.enum(['female', 'male']).nullable(),
  groups: z.array(z.enum(CLIENT_GROUPS)),
  motherId: z.string().nullable(),
});
type Registration = z.infer<typeof registrationState>;
type Step = 'consent' | 'code' | 'own' | 'year' | 'sex' | 'groups' | 'mother' | 'birthdate';
type Ctx = StepContext<Registration, Step>;

/** What registration returns to its caller: the new client's id, or null when she did not consent. */
export const registrationResult = z.object({ clientId: z.string().nullable() });
export type RegistrationResult = z.infer<typeof registrationResult>;

const steps: { [K in Step]: StepDefinition<Registration, Step> } = {
  consent: {
    show: (ctx) =>
      ctx.ask(ctx.t('clients.askConsent'), [
        { id: 'yes', label: ctx.t('clients.consentYes') },
        { id: 'no', label: ctx.t('clients.consentNo') },
      ]),
    async onInput(ctx, input) {
      const id = input.kind === 'choice' ? input.id : '';
      if (id === 'no') return ctx.finish({ clientId: null } satisfies RegistrationResult);
      if (id === 'yes') return go(ctx, 'code');
      return show(ctx);
    },
  },
  code: {
    show: (ctx) =>
      ctx.ask(ctx.t('clients.askCode'), [
        { id: 'new', label: ctx.t('clients.codeNew') },
        { id: 'own', label: ctx.t('clients.codeOwn') },
      ]),
    async onInput(ctx, input) {
      if (input.kind === 'choice' && input.id === 'own') return go(ctx, 'own');
      ctx.state.code = await uniqueClientCode(ctx.store, ctx.services.ids);
      return go(ctx, 'year');
    },
  },
  own: {
    show: (ctx) => ctx.say(ctx.t('clients.askOwnCode')),
    async onInput(ctx, input) {
      const code =
        input.kind === 'text' ? (parseClientCode(input.text) ?? parseRegisterNumber(input.text)) : null;
      if (!code) return ctx.say(ctx.t('clients.badOwnCode'));
      if ((await myClients(ctx)).some((c) => c.code === code)) return ctx.say(ctx.t('clients.codeTaken'));
      ctx.state.code = code;
      return go(ctx, 'year');
    },
  },
  year: {
    show: (ctx) => ctx.say(ctx.t('clients.askYear')),
    onInput(ctx, input) {
      const year = input.kind === 'text' ? parseBirthYear(input.text, ctx.now) : null;
      if (year === null) return ctx.say(ctx.t('clients.badYear', birthYearRange(ctx.now)));
      ctx.state.birthYear = year;
      return go(ctx, 'sex');
    },
  },
  sex: {
    show: (ctx) =>
      ctx.ask(ctx.t('clients.askSex'), [
        { id: 'female', label: ctx.t('clients.female') },
        { id: 'male', label: ctx.t('clients.male') },
      ]),
    onInput(ctx, input) {
      if (input.kind !== 'choice' || (input.id !== 'female' && input.id !== 'male')) return show(ctx);
      ctx.state.sex = input.id;
      return go(ctx, 'groups');
    },
  },
  groups: {
    show: (ctx) =>
      ctx.ask(
        ctx.t('clients.askGroups'),
        CLIENT_GROUPS.map((g) => ({ id: `g:${g}`, label: ctx.t(`clients.groups.${g}`) })),
        { multiple: true },
      ),
    async onInput(ctx, input) {
      if (input.kind !== 'choices') return show(ctx);
      const groups = CLIENT_GROUPS.filter((g) => input.ids.includes(`g:${g}`));
      ctx.state.groups = groups;
      if (needsMother(groups, ctx.state.birthYear ?? ctx.now.getUTCFullYear(), ctx.now))
        return go(ctx, 'mother');
      return afterMother(ctx);
    },
  },
  mother: {
    async show(ctx) {
      const mothers = possibleMothers(await myClients(ctx), ctx.now);
      ctx.ask(ctx.t('clients.askMother'), [
        ...mothers.slice(-8).map((m) => ({ id: `m:${m.id}`, label: m.code })),
        { id: 'none', label: ctx.t('clients.noMother') },
      ]);
    },
    async onInput(ctx, input) {
      if (input.kind !== 'choice') return show(ctx);
      const id = input.id.startsWith('m:') ? input.id.slice(2) : null;
      const mother = id ? possibleMothers(await myClients(ctx), ctx.now).find((m) => m.id === id) : undefined;
      if (id && !mother) return show(ctx);
      ctx.state.motherId = mother?.id ?? null;
      return afterMother(ctx);
    },
  },
  birthdate: {
    show: (ctx) => ctx.say(ctx.t('clients.askBirthDate')),
    async onInput(ctx, input) {
      const year = ctx.state.birthYear ?? ctx.now.getUTCFullYear();
      // Any of her usual forms ("5/3/2025", "5 Mar 2025"), day first; kept as YYYY-MM-DD.
      const typed = input.kind === 'text' ? parseTypedDate(input.text) : null;
      if (typed && typed > ctx.now.toISOString().slice(0, 10))
        return ctx.say(ctx.t('clients.birthDateFuture'));
      const date = typed ? parseBirthDate(typed, year, ctx.now) : null;
      if (!date) return ctx.say(ctx.t('clients.badBirthDate', { year }));
      return register(ctx, date);
    },
  },
};

/**
 * Registering a client, as a sub-flow: consent first, then a pseudonymous code, year of birth, sex, groups,
 * mother and birth date for a child. Finishes with `{ clientId }` (null when she does not consent), so the
 * screening that called it goes on where it was.
 */
export const registerClientFlow = defineFlow<Registration, Step>({
  id: REGISTER_CLIENT,
  ns: 'rc',
  roles: ['mentor'],
  state: registrationState,
  start(ctx) {
    ctx.state = { code: null, birthYear: null, sex: null, groups: [], motherId: null };
    return go(ctx, 'consent');
  },
  steps,
});

/** Shows the current step's question again. */
async function show(ctx: Ctx): Promise<void> {
  await steps[ctx.step].show?.(ctx);
}

/** Moves to a step and shows its question (one place per question: the step's `show`). */
async function go(ctx: Ctx, step: Step): Promise<void> {
  ctx.goto(step);
  return show(ctx);
}

async function myClients(ctx: Ctx): Promise<Client[]> {
  return ctx.store.clients.list({ mentorId: ctx.user?.id });
}

function afterMother(ctx: Ctx): Promise<void> {
  const year = ctx.state.birthYear ?? ctx.now.getUTCFullYear();
  return needsBirthDate(year, ctx.now) ? go(ctx, 'birthdate') : register(ctx, null);
}

async function register(ctx: Ctx, birthDate: string | null): Promise<void> {
  const user = ctx.user;
  if (!user) return ctx.showMenu();
  const reg = ctx.state;
  const client = newClient(
    {
      code: reg.code ?? (await uniqueClientCode(ctx.store, ctx.services.ids)),
      birthYear: reg.birthYear ?? ctx.now.getUTCFullYear(),
      sex: reg.sex ?? 'female',
      groups: reg.groups,
      motherId: reg.motherId,
      birthDate,
    },
    user,
    ctx.services.ids.id(),
    ctx.now,
  );
  await ctx.store.clients.put(client);
  await ctx.store
    .journal<AuditRecord>('audit')
    .append({ at: client.createdAt, actor: client.mentorId, action: 'client.registered', target: client.id });
  ctx.say(ctx.t('clients.registered', { code: client.code }));
  const scheduled = await scheduleInfantTests(ctx.store, ctx.records, client, ctx.now, () =>
    ctx.services.ids.id(),
  );
  if (scheduled > 0) ctx.say(ctx.t('clients.infantSchedule'));
  return ctx.finish({ clientId: client.id } satisfies RegistrationResult);
}
