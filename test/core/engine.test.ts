import { describe, expect, it } from 'vitest';
import { createInvite } from '../../src/accounts/invites.js';
import { Engine } from '../../src/core/engine.js';
import type { Feature, FlowInput } from '../../src/core/flow.js';
import { allFeatures } from '../../src/features/index.js';
import { allText, ChatDriver } from '../support/chat-driver.js';
import { makeTestApp } from '../support/fakes.js';

async function registeredMentor() {
  const app = await makeTestApp();
  const chat = new ChatDriver(app);
  const { createTeam } = await import('../../src/accounts/teams.js');
  const team = await createTeam(app.services.store, app.services, null, 'Soweto', 'ZA');
  const invite = await createInvite(app.services.store, app.services, null, 'mentor', team.id);
  await chat.text('m', invite.code);
  await chat.tap('m', 'English');
  await chat.text('m', 'Mpho');
  return { app, chat };
}

/** An engine with the real features plus one under test, and a mentor invite to register with. */
async function engineWithMentorInvite(app: Awaited<ReturnType<typeof makeTestApp>>, extra: Feature) {
  const { createTeam } = await import('../../src/accounts/teams.js');
  const engine = new Engine(app.services, [...allFeatures(), extra]);
  const team = await createTeam(app.services.store, app.services, null, 'T', 'ZA');
  return { engine, invite: await createInvite(app.services.store, app.services, null, 'mentor', team.id) };
}

describe('engine', () => {
  it('handles a redelivered message (same channel message id) once', async () => {
    const { app, chat } = await registeredMentor();
    const first = await chat.text('m', '/help', 'tg-77');
    const again = await chat.text('m', '/help', 'tg-77');
    expect(first.length).toBeGreaterThan(0);
    expect(again).toEqual([]);
    await app.close();
  });

  it('handles quick messages from one person in the order they came', async () => {
    const { app, chat } = await registeredMentor();
    const [a, b] = await Promise.all([chat.text('m', '/language'), chat.text('m', 'Kiswahili')]);
    expect(allText(a ?? [])).toContain('Which language');
    expect(allText(b ?? [])).toContain('Kiswahili');
    expect((await app.services.store.users.byAddress('cli:m'))?.lang).toBe('sw');
    await app.close();
  });

  it('refuses very long texts and unsupported media politely, keeping her place', async () => {
    const { app, chat } = await registeredMentor();
    await chat.text('m', '/language');
    expect(allText(await chat.text('m', 'x'.repeat(5000)))).toMatch(/too long[\s\S]*Which language/);
    expect(allText(await chat.receive('m', { kind: 'unsupported', what: 'voice' }))).toMatch(
      /only read text[\s\S]*Which language/,
    );
    const doc = await chat.receive('m', {
      kind: 'document',
      name: 'x.bin',
      mime: 'application/octet-stream',
      size: 50_000_000,
      read: async () => new Uint8Array(),
    });
    expect(allText(doc)).toMatch(/cannot use a file here[\s\S]*Which language/);
    expect(allText(await chat.text('m', '\u0000\u0007 2 \u001b'))).toContain('Português');
    await app.close();
  });

  it('answers a failing flow with an apology, not a crash, and the person can go on', async () => {
    const app = await makeTestApp();
    const broken: Feature = {
      flows: [
        {
          id: 'broken',
          roles: ['mentor'],
          start: async () => {
            throw new Error('bug');
          },
          onInput: async () => undefined,
        },
      ],
      commands: { broken: { flow: 'broken', roles: ['mentor'] } },
    };
    const { engine, invite } = await engineWithMentorInvite(app, broken);
    const send = (text: string) =>
      engine.handle({ channel: 'cli', ref: 'z', at: new Date(), payload: { kind: 'text', text } });
    await send(invite.code);
    await send('1');
    await send('Zodwa');
    expect(allText((await send('/broken')).replies)).toContain('something went wrong on my side');
    expect(allText((await send('/menu')).replies)).toContain('Main menu');
    await app.close();
  });

  it('takes several answers by taps with "Done", or by typed numbers, with "None of these" always offered', async () => {
    const app = await makeTestApp();
    const got: FlowInput[] = [];
    const multi: Feature = {
      flows: [
        {
          id: 'multi',
          roles: ['mentor'],
          start: async (ctx) =>
            ctx.ask(
              'Which signs?',
              [
                { id: 'cough', label: 'Cough' },
                { id: 'fever', label: 'Fever' },
              ],
              { multiple: true },
            ),
          onInput: async (ctx, input) => {
            got.push(input);
            await ctx.startFlow('multi');
          },
        },
      ],
      commands: { multi: { flow: 'multi', roles: ['mentor'] } },
    };
    const { engine, invite } = await engineWithMentorInvite(app, multi);
    const send = async (payload: { kind: 'text'; text: string } | { kind: 'choice'; id: string }) =>
      (await engine.handle({ channel: 'cli', ref: 'q', at: new Date(), payload })).replies;
    await send({ kind: 'text', text: invite.code });
    await send({ kind: 'text', text: '1' });
    await send({ kind: 'text', text: 'Queen' });
    const shown = await send({ kind: 'text', text: '/multi' });
    expect(shown[0]).toMatchObject({ type: 'choices', multiple: true });
    expect(allText(shown)).toContain('None of these');
    expect(allText(await send({ kind: 'choice', id: 'fever' }))).toContain('✓ Fever');
    await send({ kind: 'choice', id: 'cough' });
    await send({ kind: 'choice', id: 'fever' });
    await send({ kind: 'choice', id: '_done' });
    await send({ kind: 'text', text: '1, 2' });
    await send({ kind: 'text', text: '3' });
    expect(allText(await send({ kind: 'text', text: '1, 3' }))).toContain('cannot be chosen together');
    expect(got).toEqual([
      { kind: 'choices', ids: ['cough'] },
      { kind: 'choices', ids: ['cough', 'fever'] },
      { kind: 'choices', ids: [] },
    ]);
    await app.close();
  });
});
