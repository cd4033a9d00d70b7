import { describe, expect, it } from 'vitest';
import { createInvite } from '../../src/accounts/invites.js';
import { createTeam } from '../../src/accounts/teams.js';
import { Engine } from '../../src/core/engine.js';
import type { Inbound } from '../../src/core/messages.js';
import { allFeatures } from '../../src/features/index.js';
import { allText } from '../support/chat-driver.js';
import { makeTestApp } from '../support/fakes.js';

type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

async function setUp(app: TestApp) {
  const engine = new Engine(app.services, allFeatures());
  const team = await createTeam(app.services.store, app.services, null, 'T', 'ZA');
  const invite = await createInvite(app.services.store, app.services, null, 'mentor', team.id);
  const send = async (payload: Inbound['payload']) =>
    (await engine.handle({ channel: 'cli', ref: 'm', at: new Date(), payload })).replies;
  const say = (text: string) => send({ kind: 'text', text });
  const tap = (id: string) => send({ kind: 'choice', id });
  await say(invite.code);
  await say('1');
  await say('Zodwa');
  return { say, tap };
}

describe('the ask flow', () => {
  it('says the emergency line first even when the search itself fails', async () => {
    const app = await makeTestApp();
    const { say } = await setUp(app);
    app.services.search.search = async () => {
      throw new Error('index broken');
    };
    const replies = await say('my client is bleeding heavily after giving birth, what do I do');
    expect(allText([replies[0] ?? { type: 'text', text: '' }])).toContain('Heavy bleeding is an emergency');
    expect(allText(replies)).toContain('I could not search the health content just now');
    await app.close();
  });

  it('keeps only the scrubbed question while she decides to share it, and shares it that way', async () => {
    const app = await makeTestApp();
    const { say, tap } = await setUp(app);
    expect(allText(await say('how do I reset my phone password 0821234567'))).toContain('I did not find');
    const session = JSON.stringify(await app.services.store.sessions.get('cli:m'));
    expect(session).not.toContain('0821234567');
    expect(allText(await tap('ask.share'))).toContain('shared with the trainers');
    const gaps = await app.services.store.journal<{ at: string; question: string }>('gaps').query();
    expect(gaps.map((g) => g.question)).toEqual(['how do I reset my phone password [number]']);
    expect(JSON.stringify(await app.services.store.sessions.get('cli:m'))).not.toContain('password');
    await app.close();
  });
});
