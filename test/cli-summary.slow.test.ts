import { describe, expect, it } from 'vitest';
import type { Role, User } from '../src/accounts/types.js';
import type { ScreeningJournalRecord, ScreeningRecord } from '../src/clients/types.js';
import { LowdbStore } from '../src/store/lowdb/lowdb-store.js';
import type { AuditRecord } from '../src/store/port.js';
import { tempDataDir, testCacheDir } from './support/fakes.js';
import { run } from './support/processes.js';

const person = (id: string, role: Role, teamId: string | null, name: string): User => ({
  id,
  role,
  name,
  lang: 'en',
  teamId,
  active: true,
  addresses: [`cli:${id}`],
  lastAddress: `cli:${id}`,
  createdAt: '2026-10-01T00:00:00.000Z',
  invitedBy: null,
});

const screening = (id: string, at: string, mentorId: string, teamId: string): ScreeningRecord => ({
  at,
  type: 'screening',
  id,
  clientId: `c-${id}`,
  mentorId,
  teamId,
  questionnaire: 'hypertension-bp',
  version: 1,
  answers: null,
  score: null,
  band: null,
  urgency: id === 's1' ? 'emergency' : 'routine',
  reasons: [],
  consent: true,
});

/** Week 2026-W45 in Nairobi (UTC+3): Monday 2 November to Sunday 8 November. */
async function seed(): Promise<string> {
  const dataDir = tempDataDir();
  const store = await LowdbStore.open({ dataDir, lock: true });
  const team = {
    country: 'KE',
    timezone: 'Africa/Nairobi',
    supervisorId: null,
    createdAt: '2026-10-01T00:00:00Z',
  };
  await store.teams.put({ id: 't1', name: 'Kisumu', ...team });
  await store.teams.put({ id: 't2', name: 'Nakuru', ...team });
  await store.users.put(person('m1', 'mentor', 't1', '=Akinyi'));
  await store.users.put(person('m2', 'mentor', 't1', 'Wanjiru'));
  await store.users.put(person('m3', 'mentor', 't2', 'Njeri'));
  const journal = store.journal<ScreeningJournalRecord>('screenings');
  // Sunday 1 November 23:59 local (last week), then Monday 00:00 local (this week).
  await journal.append(screening('s0', '2026-11-01T20:59:00.000Z', 'm1', 't1'));
  await journal.append(screening('s1', '2026-11-01T21:00:00.000Z', 'm1', 't1'));
  await journal.append(screening('s2', '2026-11-03T08:00:00.000Z', 'm1', 't1'));
  await journal.append(screening('s3', '2026-11-04T08:00:00.000Z', 'm2', 't1'));
  await journal.append(screening('s4', '2026-11-05T08:00:00.000Z', 'm3', 't2'));
  await journal.append({
    at: '2026-11-05T09:00:00.000Z',
    type: 'void',
    id: 'v1',
    screeningId: 's3',
    clientId: 'c-s3',
    mentorId: 'm2',
    reason: 'wrong client',
  });
  await store.close();
  return dataDir;
}

const csvRows = (csv: string) =>
  csv
    .trim()
    .split('\n')
    .map((line) => line.split(','));

describe('the summary and export commands', () => {
  it('agree on the screenings per mentor of a week, leave out voided ones, and audit the export', async () => {
    const dataDir = await seed();
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', CACHE_DIR: testCacheDir() };
    const summary = await run('src/cli/main.ts', ['summary', '--week', '2026-W45', '--format', 'csv'], env);
    expect(summary.stderr).toBe('');
    expect(summary.code).toBe(0);
    const [header, ...rows] = csvRows(summary.stdout);
    const col = (name: string) => header?.indexOf(name) ?? -1;
    const perMentor = new Map(
      rows
        .filter((r) => r[col('mentor')] !== 'total')
        .map((r) => [r[col('mentor')], Number(r[col('screenings')])]),
    );
    // A name that looks like a formula is defused.
    expect(perMentor).toEqual(
      new Map([
        ["'=Akinyi", 2],
        ['Wanjiru', 0],
        ['Njeri', 1],
      ]),
    );

    const exported = await run(
      'src/cli/main.ts',
      ['export', '--from', '2026-11-02', '--to', '2026-11-08'],
      env,
    );
    expect(exported.code).toBe(0);
    const [exportHeader, ...lines] = csvRows(exported.stdout);
    const mentorCol = exportHeader?.indexOf('mentor') ?? -1;
    const counted = new Map<string | undefined, number>();
    for (const line of lines) counted.set(line[mentorCol], (counted.get(line[mentorCol]) ?? 0) + 1);
    for (const [mentor, n] of perMentor) expect(counted.get(mentor) ?? 0).toBe(n);
    expect(lines.map((l) => l[exportHeader?.indexOf('screening_id') ?? -1])).toEqual(['s1', 's2', 's4']);

    const withVoided = await run(
      'src/cli/main.ts',
      [
        'export',
        '--from',
        '2026-11-02',
        '--to',
        '2026-11-08',
        '--format',
        'jsonl',
        '--include-voided',
        '--team',
        'Kisumu',
      ],
      env,
    );
    expect(withVoided.code).toBe(0);
    const objects = withVoided.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { screening_id: string; voided: unknown });
    expect(objects.map((o) => o.screening_id)).toEqual(['s1', 's2', 's3']);
    expect(objects.find((o) => o.screening_id === 's3')?.voided).toBeTruthy();

    const store = await LowdbStore.open({ dataDir, lock: false });
    const audit = (await store.journal<AuditRecord>('audit').query()).filter(
      (r) => r.action === 'screenings.exported',
    );
    await store.close();
    expect(audit.map((r) => [r.actor, r.target, r.detail?.format, r.detail?.includeVoided])).toEqual([
      ['cli', 'all', 'csv', false],
      ['cli', 't1', 'jsonl', true],
    ]);
  });

  it('prints text and JSON, and says what is wrong with a bad week or team', async () => {
    const dataDir = await seed();
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', CACHE_DIR: testCacheDir() };
    const text = await run('src/cli/main.ts', ['summary', '--week', '2026-W45', '--team', 'Kisumu'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Weekly summary: Kisumu, 2026-W45 (2026-11-02 to 2026-11-08)');
    expect(text.stdout).toContain('=Akinyi: emergencies this week: 1');
    expect(text.stdout).not.toContain('Njeri');
    const json = await run('src/cli/main.ts', ['summary', '--week', 'last', '--format', 'json'], env);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { team: string }[]).map((s) => s.team)).toEqual(['Kisumu', 'Nakuru']);
    const badWeek = await run('src/cli/main.ts', ['summary', '--week', '2026-W99'], env);
    expect(badWeek.code).toBe(2);
    expect(badWeek.stderr).toContain('--week');
    const badTeam = await run(
      'src/cli/main.ts',
      ['export', '--from', '2026-11-02', '--to', '2026-11-08', '--team', 'Nowhere'],
      env,
    );
    expect(badTeam.code).toBe(1);
    expect(badTeam.stderr).toContain('No team is named "Nowhere"');
  });
});
