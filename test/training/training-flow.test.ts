import { describe, expect, it } from 'vitest';
import { createInvite } from '../../src/accounts/invites.js';
import { createTeam } from '../../src/accounts/teams.js';
import { Engine } from '../../src/core/engine.js';
import type { Inbound } from '../../src/core/messages.js';
import { allFeatures } from '../../src/features/index.js';
import { withoutVerdict } from '../../src/features/training/training-flow.js';
import type { ModuleProgress, TrainingRecord } from '../../src/training/progress.js';
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
  const user = await app.services.store.users.byAddress('cli:m');
  if (!user) throw new Error('not registered');
  return { say, tap, user };
}

/** The TB module's English lessons renamed, as trainers might publish while she is in the middle of it. */
async function publishRenamedLessons(app: TestApp): Promise<void> {
  const content = app.services.content.current().content;
  await app.services.content.replace({
    ...content,
    modules: content.modules.map((m) =>
      m.id === 'tb-basics' && m.lang === 'en'
        ? { ...m, steps: m.steps.map((s) => ({ ...s, title: `Renamed ${s.title}` })) }
        : m,
    ),
  });
}

describe('the training flow on the unit of work', () => {
  it('finishes a module on the content version she started; the next visit reads the new one', async () => {
    const app = await makeTestApp();
    const { say, tap } = await setUp(app);
    await say('/training');
    expect(allText(await tap('tr.mod:tb-basics'))).toContain('Lesson 1/7: How TB spreads');
    await publishRenamedLessons(app);
    const next = allText(await tap('tr.next'));
    expect(next).toContain('Lesson 2/7: Who is most at risk');
    expect(next).not.toContain('Renamed');
    await say('/training');
    expect(allText(await tap('tr.mod:tb-basics'))).toContain('Lesson 2/7: Renamed Who is most at risk');
    await app.close();
  });

  it('stores progress and the training journal with her answers, and keeps no module text in the session', async () => {
    const app = await makeTestApp();
    const { say, tap, user } = await setUp(app);
    await say('/training');
    await tap('tr.mod:tb-basics');
    for (let i = 0; i < 7; i++) await tap('tr.next');
    const quiz = app.services.content.current().catalog.module('tb-basics', 'en')?.item.quiz ?? [];
    let last = '';
    for (const question of quiz) last = allText(await tap(`tr.a:${question.id}:${question.answer}`));
    expect(last).toContain(`You scored ${quiz.length}/${quiz.length} and passed`);
    const progress = (await app.services.store.progress.get(user.id, 'tb-basics')) as ModuleProgress;
    expect(progress).toMatchObject({ status: 'passed', attempts: 1, lastScore: { correct: quiz.length } });
    const journal = await app.services.store.journal<TrainingRecord>('training').query();
    expect(journal).toEqual([
      expect.objectContaining({ userId: user.id, moduleId: 'tb-basics', passed: true }),
    ]);
    const session = JSON.stringify(await app.services.store.sessions.get('cli:m'));
    expect(session).toContain('"state":{"module":"tb-basics"}');
    expect(session).not.toContain('You scored');
    await app.close();
  });

  it('takes a tap on an earlier question as no answer, and shows the question on screen again', async () => {
    const app = await makeTestApp();
    const { say, tap, user } = await setUp(app);
    await say('/training');
    await tap('tr.mod:tb-basics');
    for (let i = 0; i < 7; i++) await tap('tr.next');
    const [first] = app.services.content.current().catalog.module('tb-basics', 'en')?.item.quiz ?? [];
    if (!first) throw new Error('no quiz');
    await tap(`tr.a:${first.id}:${first.answer}`);
    const again = allText(await tap(`tr.a:${first.id}:${first.answer}`));
    expect(again).toContain('Question 2/');
    expect((await app.services.store.progress.get(user.id, 'tb-basics'))?.question).toBe(1);
    await app.close();
  });
});

describe('quiz feedback', () => {
  it('drops the option\'s own opening verdict, so "✅ Certo!" is not followed by "Certo."', () => {
    expect(withoutVerdict('Certo. Cada um destes é um sinal de perigo.', 'Certo|Correto|Sim')).toBe(
      'Cada um destes é um sinal de perigo.',
    );
    expect(withoutVerdict('Sawa. Ndiyo maana hewa safi husaidia.', 'Sahihi|Sawa|Ndiyo')).toBe(
      'Ndiyo maana hewa safi husaidia.',
    );
    // A first sentence that says more than a verdict is kept, and so is a verdict alone.
    expect(withoutVerdict('Not enough. The baby goes today.', 'No|Wrong')).toBe(
      'Not enough. The baby goes today.',
    );
    expect(withoutVerdict('Right.', 'Right|Correct|Yes')).toBe('Right.');
  });
});
