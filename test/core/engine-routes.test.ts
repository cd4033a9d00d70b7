import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createInvite } from '../../src/accounts/invites.js';
import { createTeam } from '../../src/accounts/teams.js';
import type { Role } from '../../src/accounts/types.js';
import { defineFlow } from '../../src/core/define-flow.js';
import { Engine } from '../../src/core/engine.js';
import type { Feature } from '../../src/core/flow.js';
import type { Inbound, OutMessage } from '../../src/core/messages.js';
import { onboardingFeature } from '../../src/features/onboarding/index.js';
import { allText } from '../support/chat-driver.js';
import { makeTestApp } from '../support/fakes.js';

type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

/** Takes a document: says its name and size as read, and which content version it runs on. */
const intake = defineFlow({
  id: 'intake',
  ns: 'in',
  roles: ['trainer'],
  acceptsDocuments: true,
  state: z.object({ via: z.boolean() }),
  start(ctx, args) {
    ctx.state = { via: args.viaDocument === true };
    ctx.goto('file');
    if (!ctx.state.via) ctx.say('send the file');
  },
  steps: {
    file: {
      async onInput(ctx, input) {
        if (input.kind !== 'document') return ctx.say('a file, please');
        const bytes = await input.read();
        ctx.say(`got ${input.name} (${bytes.length} bytes, via menu ${ctx.state.via})`);
        ctx.endFlow();
      },
    },
  },
});

/** Opens what a link names; says the content version it is pinned to. */
const opener = defineFlow({
  id: 'opener',
  ns: 'op',
  roles: ['mentor', 'trainer'],
  state: z.null(),
  start(ctx, args) {
    ctx.say(`opened ${String(args.item)} on ${ctx.content.id}`);
  },
  steps: {},
});

const secret = defineFlow({
  id: 'secret',
  ns: 'se',
  roles: ['mentor', 'trainer'],
  permission: 'clinician',
  state: z.null(),
  start(ctx) {
    ctx.say('clinicians only');
  },
  steps: {},
});

const feature: Feature = {
  flows: [intake, opener, secret],
  menu: [
    {
      id: 'm:secret',
      label: 'menu.help',
      roles: ['mentor', 'trainer'],
      permission: 'clinician',
      flow: 'secret',
      order: 1,
    },
  ],
  commands: { secret: { flow: 'secret', roles: ['mentor', 'trainer'] } },
  documents: { flow: 'intake', roles: ['trainer'] },
  links: { it: { flow: 'opener', arg: 'item', roles: ['mentor', 'trainer'] } },
};

async function person(app: TestApp, engine: Engine, role: Role, ref: string) {
  const team = await createTeam(app.services.store, app.services, null, `T${ref}`, 'ZA');
  const invite = await createInvite(app.services.store, app.services, null, role, team.id);
  const inbound = (payload: Inbound['payload']): Inbound => ({
    channel: 'cli',
    ref,
    at: new Date(),
    payload,
  });
  const send = async (payload: Inbound['payload']): Promise<OutMessage[]> =>
    (await engine.handle(inbound(payload))).replies;
  const say = (text: string) => send({ kind: 'text', text });
  await say(invite.code);
  await say('1');
  await say(`Name ${ref}`);
  return { say, send, tap: (id: string) => send({ kind: 'choice', id }) };
}

const file = (name: string, text: string, reads: { n: number }): Inbound['payload'] => ({
  kind: 'document',
  name,
  mime: 'application/yaml',
  size: text.length,
  read: async () => {
    reads.n++;
    return new TextEncoder().encode(text);
  },
});

describe('engine routes for documents, links and permissions', () => {
  it('a trainer sending a file from the menu starts the document flow with it; a mentor is refused, unread', async () => {
    const app = await makeTestApp();
    const engine = new Engine(app.services, [onboardingFeature, feature]);
    const trainer = await person(app, engine, 'trainer', 't');
    const mentor = await person(app, engine, 'mentor', 'm');
    const reads = { n: 0 };
    expect(allText(await trainer.send(file('a.yaml', 'id: a', reads)))).toBe(
      'got a.yaml (5 bytes, via menu true)',
    );
    const refused = allText(await mentor.send(file('b.yaml', 'id: b', reads)));
    expect(refused).toMatch(/Only trainers publish content files/);
    expect(reads.n).toBe(1);
    // A stranger's file is not read either.
    const stranger = await engine.handle({
      channel: 'cli',
      ref: 'x',
      at: new Date(),
      payload: file('c.yaml', 'id: c', reads),
    });
    expect(allText(stranger.replies)).toMatch(/invite code/i);
    expect(reads.n).toBe(1);
    await app.close();
  });

  it('a link choice works off screen for the roles it names; an unknown or malformed one is stale', async () => {
    const app = await makeTestApp();
    const engine = new Engine(app.services, [onboardingFeature, feature]);
    const mentor = await person(app, engine, 'mentor', 'm');
    const live = app.services.content.current().id;
    expect(allText(await mentor.tap('@it:hiv-basics'))).toBe(`opened hiv-basics on ${live}`);
    expect(allText(await mentor.tap('@nope:x'))).toMatch(/earlier message/);
    expect(allText(await mentor.tap('@it:'))).toMatch(/earlier message/);
    await app.close();
  });

  it('a permission hides a menu entry and refuses its flow until an admin gives it', async () => {
    const app = await makeTestApp();
    const engine = new Engine(app.services, [onboardingFeature, feature]);
    const trainer = await person(app, engine, 'trainer', 't');
    const user = await app.services.store.users.byAddress('cli:t');
    if (!user) throw new Error('no user');
    expect(engine.menuFor(user).map((e) => e.id)).not.toContain('m:secret');
    expect(allText(await trainer.say('/secret'))).toMatch(/not available|not allowed|cannot/i);
    await app.services.store.users.put({ ...user, clinician: true });
    expect(engine.menuFor({ ...user, clinician: true }).map((e) => e.id)).toContain('m:secret');
    expect(allText(await trainer.say('/secret'))).toBe('clinicians only');
    // A deactivated clinician holds nothing.
    expect(engine.menuFor({ ...user, clinician: true, active: false }).map((e) => e.id)).not.toContain(
      'm:secret',
    );
    await app.close();
  });
});
