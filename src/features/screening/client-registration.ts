import { makeClientCode, parseClientCode, parseRegisterNumber } from '../../clients/client-code.js';
import { infantTestDueAt } from '../../clients/follow-up.js';
import { type Client, INFANT_TESTS } from '../../clients/types.js';
import type { FlowContext, FlowInput } from '../../core/flow.js';
import { CLIENT_GROUPS, type ClientGroup } from '../../screening/schema.js';
import type { AuditRecord } from '../../store/port.js';

const CHILD_GROUPS: ClientGroup[] = ['child', 'infant', 'hiv_exposed_infant'];

/** Registering a client: consent first, then a pseudonymous code, year of birth, sex, groups, mother, birth date. */
export async function startRegistration(ctx: FlowContext): Promise<void> {
  ctx.session.data.reg = {};
  ctx.goto('reg-consent');
  ctx.ask(ctx.t('clients.askConsent'), [
    { id: 'c:yes', label: ctx.t('clients.consentYes') },
    { id: 'c:no', label: ctx.t('clients.consentNo') },
  ]);
}

type Reg = Partial<Client> & { ownCode?: boolean };

/** Returns the new client when registration is complete, 'anonymous' when consent was refused, else null. */
export async function continueRegistration(
  ctx: FlowContext,
  input: FlowInput,
): Promise<Client | 'anonymous' | null> {
  const reg = (ctx.session.data.reg ?? {}) as Reg;
  ctx.session.data.reg = reg;
  const year = ctx.now.getUTCFullYear();
  switch (ctx.session.step) {
    case 'reg-consent':
      if (input.kind === 'choice' && input.id === 'c:no') return 'anonymous';
      if (!(input.kind === 'choice' && input.id === 'c:yes')) return null;
      ctx.goto('reg-code');
      ctx.ask(ctx.t('clients.askCode'), [
        { id: 'k:new', label: ctx.t('clients.codeNew') },
        { id: 'k:own', label: ctx.t('clients.codeOwn') },
      ]);
      return null;
    case 'reg-code':
      if (input.kind === 'choice' && input.id === 'k:own') {
        ctx.goto('reg-own');
        ctx.say(ctx.t('clients.askOwnCode'));
        return null;
      }
      reg.code = await uniqueCode(ctx);
      return askYear(ctx);
    case 'reg-own': {
      const code =
        input.kind === 'text' ? (parseClientCode(input.text) ?? parseRegisterNumber(input.text)) : null;
      if (!code) {
        ctx.say(ctx.t('clients.badOwnCode'));
        return null;
      }
      if ((await ctx.services.store.clients.list({ mentorId: ctx.user?.id })).some((c) => c.code === code)) {
        ctx.say(ctx.t('clients.codeTaken'));
        return null;
      }
      reg.code = code;
      return askYear(ctx);
    }
    case 'reg-year': {
      const value = input.kind === 'text' ? Number(input.text.trim()) : Number.NaN;
      if (!Number.isInteger(value) || value < year - 110 || value > year) {
        ctx.say(ctx.t('clients.badYear', { min: year - 110, max: year }));
        return null;
      }
      reg.birthYear = value;
      ctx.goto('reg-sex');
      ctx.ask(ctx.t('clients.askSex'), [
        { id: 'x:female', label: ctx.t('clients.female') },
        { id: 'x:male', label: ctx.t('clients.male') },
      ]);
      return null;
    }
    case 'reg-sex':
      if (input.kind !== 'choice') return null;
      reg.sex = input.id === 'x:male' ? 'male' : 'female';
      ctx.goto('reg-groups');
      ctx.ask(
        ctx.t('clients.askGroups'),
        CLIENT_GROUPS.map((g) => ({ id: `g:${g}`, label: ctx.t(`clients.groups.${g}`) })),
        { multiple: true },
      );
      return null;
    case 'reg-groups': {
      if (input.kind !== 'choices') return null;
      reg.groups = input.ids.map((id) => id.replace(/^g:/, '') as ClientGroup);
      if (reg.groups.some((g) => CHILD_GROUPS.includes(g)) || year - (reg.birthYear ?? 0) < 5)
        return askMother(ctx);
      return finish(ctx, reg);
    }
    case 'reg-mother':
      if (input.kind === 'choice') reg.motherId = input.id === 'm:none' ? null : input.id.replace(/^m:/, '');
      return needsBirthDate(ctx, reg) ? askBirthDate(ctx) : finish(ctx, reg);
    case 'reg-birthdate': {
      const text = input.kind === 'text' ? input.text.trim() : '';
      const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : null;
      if (
        !date ||
        Number.isNaN(date.getTime()) ||
        date > ctx.now ||
        date.getUTCFullYear() !== reg.birthYear
      ) {
        ctx.say(ctx.t('clients.badBirthDate', { year: reg.birthYear }));
        return null;
      }
      reg.birthDate = text;
      return finish(ctx, reg);
    }
    default:
      return null;
  }
}

async function uniqueCode(ctx: FlowContext): Promise<string> {
  const taken = new Set((await ctx.services.store.clients.list({})).map((c) => c.code));
  let code = makeClientCode(ctx.services.ids.bytes(6));
  while (taken.has(code)) code = makeClientCode(ctx.services.ids.bytes(6));
  return code;
}

function askYear(ctx: FlowContext): null {
  ctx.goto('reg-year');
  ctx.say(ctx.t('clients.askYear'));
  return null;
}

async function askMother(ctx: FlowContext): Promise<null> {
  const mothers = (await ctx.services.store.clients.list({ mentorId: ctx.user?.id })).filter(
    (c) => c.sex === 'female' && ctx.now.getUTCFullYear() - c.birthYear >= 12,
  );
  ctx.goto('reg-mother');
  ctx.ask(ctx.t('clients.askMother'), [
    ...mothers.slice(-8).map((m) => ({ id: `m:${m.id}`, label: m.code })),
    { id: 'm:none', label: ctx.t('clients.noMother') },
  ]);
  return null;
}

function needsBirthDate(ctx: FlowContext, reg: Reg): boolean {
  return ctx.now.getUTCFullYear() - (reg.birthYear ?? 0) <= 2;
}

function askBirthDate(ctx: FlowContext): null {
  ctx.goto('reg-birthdate');
  ctx.say(ctx.t('clients.askBirthDate'));
  return null;
}

async function finish(ctx: FlowContext, reg: Reg): Promise<Client> {
  const { store, ids } = ctx.services;
  const user = ctx.user;
  const client: Client = {
    id: ids.id(),
    code: reg.code ?? (await uniqueCode(ctx)),
    mentorId: user?.id ?? '',
    teamId: user?.teamId ?? null,
    birthYear: reg.birthYear ?? ctx.now.getUTCFullYear(),
    birthDate: reg.birthDate ?? null,
    sex: reg.sex ?? 'female',
    groups: reg.groups ?? [],
    motherId: reg.motherId ?? null,
    consent: true,
    consentAt: ctx.now.toISOString(),
    breastfeedingEndedAt: null,
    createdAt: ctx.now.toISOString(),
  };
  await store.clients.put(client);
  await store
    .journal<AuditRecord>('audit')
    .append({ at: client.createdAt, actor: client.mentorId, action: 'client.registered', target: client.id });
  ctx.say(ctx.t('clients.registered', { code: client.code }));
  await scheduleInfantTests(ctx, client);
  return client;
}

/** An infant linked to a mother living with HIV (or marked HIV-exposed) gets her test schedule as follow-ups. */
export async function scheduleInfantTests(ctx: FlowContext, client: Client): Promise<void> {
  const mother = client.motherId ? await ctx.services.store.clients.get(client.motherId) : undefined;
  const exposed = client.groups.includes('hiv_exposed_infant') || mother?.groups.includes('living_with_hiv');
  if (!exposed || !client.birthDate) return;
  const birth = new Date(`${client.birthDate}T00:00:00Z`);
  for (const test of INFANT_TESTS) {
    const due = infantTestDueAt(test, birth, null);
    await ctx.services.records().addReferralEvent({
      at: ctx.now.toISOString(),
      type: 'referral',
      id: ctx.services.ids.id(),
      clientId: client.id,
      mentorId: client.mentorId,
      teamId: client.teamId,
      source: { kind: 'infant-test', test },
      urgency: 'routine',
      dueAt: due ? due.toISOString() : null,
    });
  }
  ctx.say(ctx.t('clients.infantSchedule'));
}
