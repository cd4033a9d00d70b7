import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { LowdbStore } from '../src/store/lowdb/lowdb-store.js';
import { tempDataDir, testCacheDir } from './support/fakes.js';
import { run, spawnTs, waitForLine } from './support/processes.js';

describe('the bot process', () => {
  it('starts within 10 s with no token, serves /healthz, keeps a second bot off its DATA_DIR, stops on SIGTERM', async () => {
    const dataDir = tempDataDir();
    const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', CACHE_DIR: testCacheDir() };
    const started = Date.now();
    const bot = spawnTs('src/main.ts', [], env);
    try {
      const [, url] = await waitForLine(bot, /(http:\/\/127\.0\.0\.1:\d+\/)/, 10_000);
      const health = await fetch(`${url}healthz`);
      expect(health.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await (await fetch(url as string)).text()).toContain('<title>');

      const second = await run('src/main.ts', [], env);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/Another bot process \(pid \d+\) is using DATA_DIR/);

      const invite = await run('src/cli/main.ts', ['invite', '--role', 'admin'], env);
      expect(invite.code).toBe(1);
      expect(invite.stderr).toContain('needs the store to itself');

      bot.kill('SIGTERM');
      const [code] = await once(bot, 'exit');
      expect(code).toBe(0);
      expect(existsSync(join(dataDir, 'bot.lock'))).toBe(false);
    } finally {
      bot.kill('SIGKILL');
    }
  });

  it('refuses to start on a bad configuration value, naming it', async () => {
    const result = await run('src/main.ts', [], {
      DATA_DIR: tempDataDir(),
      PORT: 'eighty',
      REMINDER_TIME: '25:00',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('REMINDER_TIME: must be HH:MM');
  });

  it('keeps a registration confirmed to the user even when the process is killed right after', async () => {
    const dataDir = tempDataDir();
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const invite = await run('src/cli/main.ts', ['invite', '--role', 'trainer', '--json'], env);
    const { code } = JSON.parse(invite.stdout);
    const chat = spawnTs('src/cli/main.ts', ['chat', '--json'], env);
    chat.stdin?.write(`${JSON.stringify({ from: 'lerato', text: code })}\n`);
    chat.stdin?.write(`${JSON.stringify({ from: 'lerato', text: '4' })}\n`);
    chat.stdin?.write(`${JSON.stringify({ from: 'lerato', text: 'Lerato' })}\n`);
    await waitForLine(chat, /"type":"done","in":3/, 10_000);
    chat.kill('SIGKILL');
    await once(chat, 'exit');
    const store = await LowdbStore.open({ dataDir, lock: true });
    const user = await store.users.byAddress('cli:lerato');
    expect(user).toMatchObject({ name: 'Lerato', role: 'trainer', lang: 'st' });
    expect((await store.journal('audit').query()).map((r) => (r as { action?: string }).action)).toContain(
      'user.registered',
    );
    await store.close();
  });
});

describe('the command line', () => {
  it('chat --json answers each line, marks the end of each answer and reports bad lines', async () => {
    const env = { DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent' };
    await run('src/cli/main.ts', ['seed-demo'], env);
    const input = [
      JSON.stringify({ from: 'demo-admin', text: '/menu' }),
      JSON.stringify({ from: 'demo-admin', choice: 'm:users' }),
      JSON.stringify({ from: 'demo-admin', choice: 'stale-id' }),
      'not json',
      JSON.stringify({ from: 'x', document: '/nonexistent/file.yaml' }),
    ].join('\n');
    const result = await run('src/cli/main.ts', ['chat', '--json'], env, `${input}\n`);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'done').map((l) => l.in)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]).toMatchObject({ to: 'demo-admin', type: 'choices', multiple: false });
    expect(
      lines.find((l) => l.type === 'choices' && l.text.startsWith('People with an account')),
    ).toBeTruthy();
    expect(lines.find((l) => l.type === 'text' && l.text.includes('earlier message'))).toBeTruthy();
    expect(lines.filter((l) => l.type === 'error').map((l) => l.in)).toEqual([4, 5]);
  });

  it('invite validates its options with clear messages', async () => {
    const env = { DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent' };
    const noTeam = await run('src/cli/main.ts', ['invite', '--role', 'mentor'], env);
    expect(noTeam.code).toBe(2);
    expect(noTeam.stderr).toContain('add --team NAME');
    const badRole = await run('src/cli/main.ts', ['invite', '--role', 'boss'], env);
    expect(badRole.code).toBe(2);
    const badCountry = await run(
      'src/cli/main.ts',
      ['invite', '--role', 'supervisor', '--team', 'X', '--country', 'FR'],
      env,
    );
    expect(badCountry.stderr).toContain('not a programme country');
    const ok = await run(
      'src/cli/main.ts',
      ['invite', '--role', 'supervisor', '--team', 'Kisumu', '--country', 'KE', '--json'],
      env,
    );
    expect(JSON.parse(ok.stdout)).toMatchObject({
      role: 'supervisor',
      team: 'Kisumu',
      code: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/),
    });
    const mentor = await run('src/cli/main.ts', ['invite', '--role', 'mentor', '--team', 'kisumu'], env);
    expect(mentor.code).toBe(0);
    expect(mentor.stdout).toContain('in the team Kisumu (KE, Africa/Nairobi)');
  });
});

describe('search on the command line', () => {
  it('answers one question as JSON, a batch from stdin with the model loaded once, and refuses bad options', async () => {
    const env = { DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent', CACHE_DIR: testCacheDir() };
    const one = await run('src/cli/main.ts', ['search', '--json', '-k', '2', 'how does TB spread?'], env);
    expect(one.code).toBe(0);
    const parsed = JSON.parse(one.stdout);
    expect(parsed).toMatchObject({ query: 'how does TB spread?', urgent: false, confident: true });
    expect(parsed.hits).toHaveLength(2);
    expect(Object.keys(parsed.hits[0]).sort()).toEqual([
      'id',
      'item',
      'lang',
      'score',
      'snippet',
      'title',
      'topic',
    ]);
    expect(parsed.hits[0].topic).toBe('tb');

    const batch = [
      JSON.stringify({ query: 'mtoto ana degedege', lang: 'sw' }),
      'oops',
      JSON.stringify({ query: 'how do I fix my phone screen' }),
    ].join('\n');
    const many = await run('src/cli/main.ts', ['search', '--json', '--stdin'], env, `${batch}\n`);
    expect(many.code).toBe(0);
    const lines = many.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ urgent: true });
    expect(lines[1]).toMatchObject({ error: 'bad_line' });
    expect(lines[2]).toMatchObject({ confident: false });

    const badLang = await run('src/cli/main.ts', ['search', '--lang', 'fr', 'question'], env);
    expect(badLang.code).toBe(2);
    expect(badLang.stderr).toContain('--lang must be one of en, pt, sw, st, ny');
  });
});

describe('gaps on the command line', () => {
  it('lists shared questions without names or numbers', async () => {
    const env = { DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent', CACHE_DIR: testCacheDir() };
    await run('src/cli/main.ts', ['seed-demo'], env);
    const chat = [
      JSON.stringify({ from: 'demo-mentor', text: 'how do I reset my phone, call me on +27 82 123 4567' }),
      JSON.stringify({ from: 'demo-mentor', choice: 'ask.share' }),
    ].join('\n');
    await run('src/cli/main.ts', ['chat', '--json'], env, `${chat}\n`);
    const gaps = await run('src/cli/main.ts', ['gaps', '--json'], env);
    expect(gaps.code).toBe(0);
    const list = JSON.parse(gaps.stdout);
    expect(list).toHaveLength(1);
    expect(list[0].question).toBe('how do I reset my phone, call me on [number]');
    expect(JSON.stringify(list)).not.toMatch(/demo|Thandi|4567/);
  });
});

describe('screening durability', () => {
  it('keeps a screening confirmed to the user when the process is killed right after', async () => {
    const dataDir = tempDataDir();
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', CACHE_DIR: testCacheDir() };
    const sup = await run(
      'src/cli/main.ts',
      ['invite', '--role', 'supervisor', '--team', 'Soweto', '--json'],
      env,
    );
    const code = (
      await run('src/cli/main.ts', ['invite', '--role', 'mentor', '--team', 'Soweto', '--json'], env)
    ).stdout;
    expect(sup.code).toBe(0);
    const chat = spawnTs('src/cli/main.ts', ['chat', '--json'], env);
    const lines = [
      { text: JSON.parse(code).code },
      { text: '1' },
      { text: 'Lindiwe' },
      { text: '/screen' },
      { choice: 'sc.anon' },
      { choice: 'sc.q:hypertension-bp' },
      { text: '150' },
      { text: '95' },
      { choice: 'sc.a:no' },
      { choice: 'sc.a:no' },
      { choice: '_none' },
    ];
    for (const line of lines) chat.stdin?.write(`${JSON.stringify({ from: 'lindiwe', ...line })}\n`);
    await waitForLine(chat, new RegExp(`"type":"done","in":${lines.length}`), 15_000);
    chat.kill('SIGKILL');
    await once(chat, 'exit');
    const store = await LowdbStore.open({ dataDir, lock: true });
    const screenings = await store.journal('screenings').query();
    expect(screenings).toEqual([
      expect.objectContaining({ questionnaire: 'hypertension-bp', urgency: 'routine', clientId: null }),
    ]);
    await store.close();
  });
});

describe('screen on the command line', () => {
  it('scores answers like the chat, refuses bad ones naming the question, and reads a batch from stdin', async () => {
    const env = { DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent', CACHE_DIR: testCacheDir() };
    const answers = { systolic: 139, diastolic: 89, pregnant: false, postpartum: false, symptoms: [] };
    const ok = await run(
      'src/cli/main.ts',
      ['screen', 'hypertension-bp', '--json', '--answers', JSON.stringify(answers)],
      env,
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({
      questionnaire: 'hypertension-bp',
      version: 2,
      urgency: 'none',
      score: null,
      band: null,
      reasons: [],
    });
    // Chest pain at 170/100: an emergency under the contract's version 2, routine under version 1.
    const chest = JSON.stringify({ ...answers, systolic: 170, diastolic: 100, symptoms: ['chest_pain'] });
    const v2 = await run('src/cli/main.ts', ['screen', 'hypertension-bp', '--json', '--answers', chest], env);
    expect(JSON.parse(v2.stdout)).toMatchObject({ version: 2, urgency: 'emergency' });
    const v1 = await run(
      'src/cli/main.ts',
      ['screen', 'hypertension-bp@1', '--json', '--answers', chest],
      env,
    );
    expect(JSON.parse(v1.stdout)).toMatchObject({ version: 1, urgency: 'routine' });
    const bad = await run(
      'src/cli/main.ts',
      [
        'screen',
        'hypertension-bp',
        '--json',
        '--answers',
        JSON.stringify({ ...answers, systolic: 80, diastolic: 90 }),
      ],
      env,
    );
    expect(JSON.parse(bad.stdout)).toEqual({
      error: 'invalid_answers',
      issues: [{ question: 'diastolic', message: expect.stringContaining('lower than the top number') }],
    });
    const unknown = await run('src/cli/main.ts', ['screen', 'nope', '--json', '--answers', '{}'], env);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toEqual({ error: 'unknown_questionnaire' });
    const batch = [
      JSON.stringify({ questionnaire: 'hypertension-bp', answers: { ...answers, systolic: 140 } }),
      JSON.stringify({ questionnaire: 'nope', answers: {} }),
      'garbage',
    ].join('\n');
    const many = await run('src/cli/main.ts', ['screen', '--stdin', '--json'], env, `${batch}\n`);
    expect(many.code).toBe(0);
    const lines = many.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ urgency: 'routine', reasons: ['high'] });
    expect(lines[1]).toEqual({ error: 'unknown_questionnaire' });
    expect(lines[2]).toMatchObject({ error: 'invalid_answers' });
  });
});

describe('content versions on the command line', () => {
  it('publishes an article that search on the same DATA_DIR finds, lists the history, rolls back, refuses bad input', async () => {
    const dataDir = tempDataDir();
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', CACHE_DIR: testCacheDir() };
    const article = parse(readFileSync(join('content', 'library', 'tb', 'tb-myths.en.yaml'), 'utf8'));
    article.id = 'tb-quokka-care';
    article.title = 'Quokka care for TB clinics';
    article.related = [];
    article.sections = [
      { id: 'only', heading: 'Quokkas', body: 'Quokkas near a TB clinic do not spread TB.' },
    ];
    const file = join(dataDir, 'tb-quokka-care.en.yaml');
    writeFileSync(file, stringify(article));

    const published = await run('src/cli/main.ts', ['content', 'publish', file, '--note', 'quokkas'], env);
    expect(published.code).toBe(0);
    expect(published.stdout).toContain('Published version 2: 1 added: +library/tb/tb-quokka-care.en.yaml');
    expect(published.stdout).toContain('A bot running on this DATA_DIR picks it up within a few seconds');

    const search = await run('src/cli/main.ts', ['search', '--json', 'do quokkas spread TB?'], env);
    expect(search.code).toBe(0);
    expect(JSON.parse(search.stdout).hits[0]).toMatchObject({ item: 'tb-quokka-care' });

    const history = await run('src/cli/main.ts', ['content', 'history', '--json'], env);
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ version: 1, by: 'repository', current: false }),
      expect.objectContaining({
        version: 2,
        by: 'cli',
        note: 'quokkas',
        current: true,
        changes: { added: ['library/tb/tb-quokka-care.en.yaml'], changed: [], removed: [] },
      }),
    ]);

    writeFileSync(file, stringify({ ...article, sections: [{ id: 'only', heading: 7 }] }));
    const invalid = await run('src/cli/main.ts', ['content', 'publish', file], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/^library\/tb\/tb-quokka-care\.en\.yaml: line \d+: sections\[0\]/m);
    expect(invalid.stderr).toContain('nothing was published');

    const rollback = await run('src/cli/main.ts', ['content', 'rollback', '1'], env);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain('Published version 3 (rollback to 1): 1 removed');
    const after = await run('src/cli/main.ts', ['search', '--json', 'do quokkas spread TB?'], env);
    expect(JSON.parse(after.stdout).hits.map((h: { item: string }) => h.item)).not.toContain(
      'tb-quokka-care',
    );
    const text = await run('src/cli/main.ts', ['content', 'history'], env);
    expect(text.stdout).toMatch(/^\* 3 .* cli "rollback to 1"/m);
  }, 60_000);
});
