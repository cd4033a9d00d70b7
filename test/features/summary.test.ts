import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTeam } from '../../src/accounts/teams.js';
import type { Lang, Role, User } from '../../src/accounts/types.js';
import type { ScreeningJournalRecord } from '../../src/clients/types.js';
import { Engine } from '../../src/core/engine.js';
import type { Inbound, OutMessage } from '../../src/core/messages.js';
import { allFeatures } from '../../src/features/index.js';
import { allText } from '../support/chat-driver.js';
import { makeTestApp } from '../support/fakes.js';

type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

const person = (id: string, role: Role, teamId: string | null, name: string, lang: Lang): User => ({
  id,
  role,
  name,
  lang,
  teamId,
  active: true,
  addresses: [`cli:${id}`],
  lastAddress: `cli:${id}`,
  createdAt: '2026-10-01T00:00:00.000Z',
  invitedBy: null,
});

const screening = (
  id: string,
  at: string,
  mentorId: string,
  teamId: string,
  urgency: 'emergency' | 'routine',
) =>
  ({
    at,
    type: 'screening',
    id,
    clientId: `c-${id}`,
    mentorId,
    teamId,
    questionnaire: 'hypertension-bp',
    version: 1,
    answers: { systolic: 150, diastolic: 95 },
    score: null,
    band: null,
    urgency,
    reasons: ['high'],
    consent: true,
  }) as ScreeningJournalRecord;

/** Two teams in Johannesburg; the fixed clock stands on Monday 2 November 2026, 10:00 local (week 2026-W45). */
async function world(app: TestApp) {
  const { store } = app.services;
  const soweto = await createTeam(store, app.services, null, 'Soweto', 'ZA');
  const tembisa = await createTeam(store, app.services, null, 'Tembisa', 'ZA');
  await store.users.put(person('sup', 'supervisor', soweto.id, 'Thandi', 'pt'));
  await store.users.put(person('m1', 'mentor', soweto.id, 'Zodwa', 'en'));
  await store.users.put(person('m2', 'mentor', soweto.id, 'Lerato', 'sw'));
  await store.users.put(person('m3', 'mentor', tembisa.id, 'Naledi', 'en'));
  await store.users.put(person('adm', 'admin', null, 'Ada', 'en'));
  const journal = store.journal<ScreeningJournalRecord>('screenings');
  await journal.append(screening('s1', '2026-11-02T06:00:00.000Z', 'm1', soweto.id, 'emergency'));
  await journal.append(screening('s2', '2026-11-02T07:00:00.000Z', 'm1', soweto.id, 'routine'));
  await journal.append(screening('s3', '2026-11-02T07:30:00.000Z', 'm3', tembisa.id, 'routine'));
  const engine = new Engine(app.services, allFeatures());
  const send = async (from: string, payload: Inbound['payload']) =>
    (await engine.handle({ channel: 'cli', ref: from, at: app.clock.now(), payload })).replies;
  return {
    soweto,
    tembisa,
    say: (from: string, text: string) => send(from, { kind: 'text', text }),
    tap: (from: string, id: string) => send(from, { kind: 'choice', id }),
  };
}

const ofType = <T extends OutMessage['type']>(replies: OutMessage[], type: T) =>
  replies.filter((m): m is Extract<OutMessage, { type: T }> => m.type === type);

const labels = (replies: OutMessage[]) =>
  ofType(replies, 'choices').flatMap((m) => m.choices.map((c) => c.label));

describe('/summary', () => {
  it("gives a supervisor in Portuguese her team's week as text, a chart and a CSV", async () => {
    const app = await makeTestApp();
    const { say, tap } = await world(app);
    expect(labels(await say('sup', '/menu'))).toContain('Resumo semanal');
    const asked = await say('sup', '/summary');
    expect(allText(asked)).toContain('Que semana quer ver?');
    const replies = await tap('sup', 'sm.w:this');
    const text = allText(ofType(replies, 'text'));
    expect(text).toContain('Resumo semanal: Soweto, 2026-W45');
    // Flags first: the emergency this week and the mentor with no activity, before the per-mentor lines.
    expect(text.indexOf('Precisa de atenção')).toBeLessThan(text.indexOf('*Zodwa*'));
    expect(text).toContain('Zodwa: emergências esta semana: 1');
    expect(text).toContain('Lerato: sem atividade esta semana');
    expect(text).toContain('Rastreios: 2 (emergência 1, urgente 0, rotina 1, nenhuma 0)');
    // Her team only; clients only as counts.
    expect(text).not.toContain('Naledi');
    expect(text).not.toContain('c-s1');
    const [image] = ofType(replies, 'image');
    const [csv] = ofType(replies, 'document');
    expect(image?.caption).toBe('Rastreios por mentora, por urgência');
    expect(csv?.path).toMatch(/\.csv$/);
    for (const path of [image?.path ?? '', csv?.path ?? '']) {
      expect(path.startsWith(`${app.dataDir}/exports/`)).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    }
    expect(statSync(`${app.dataDir}/exports`).mode & 0o777).toBe(0o700);
    const png = await import('node:fs/promises').then((fs) => fs.readFile(image?.path ?? ''));
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    await app.close();
  });

  it('tells a mentor politely, in her language, that the summary is not for her', async () => {
    const app = await makeTestApp();
    const { say } = await world(app);
    const replies = await say('m2', '/summary');
    expect(allText(replies)).toContain('Muhtasari wa wiki ni kwa wasimamizi');
    // Nor is it in her menu, which follows the refusal.
    expect(labels(replies)).not.toContain('Muhtasari wa wiki');
    expect(labels(replies).length).toBeGreaterThan(0);
    expect(ofType(replies, 'image')).toEqual([]);
    expect(ofType(replies, 'document')).toEqual([]);
    await app.close();
  });

  it('shows an admin every team, one line each, then a team per mentor on request', async () => {
    const app = await makeTestApp();
    const { say, tap, tembisa } = await world(app);
    await say('adm', '/summary');
    const overview = await tap('adm', 'sm.w:this');
    const text = allText(overview);
    expect(text).toContain('All teams, 2026-W45');
    expect(text).toContain('Soweto: 2 mentors, 2 screenings');
    expect(text).toContain('Tembisa: 1 mentors, 1 screenings');
    expect(ofType(overview, 'document')).toHaveLength(1);
    const team = await tap('adm', `sm.t:${tembisa.id}`);
    expect(allText(team)).toContain('*Naledi*');
    expect(allText(team)).not.toContain('Zodwa');
    expect(ofType(team, 'image')).toHaveLength(1);
    await app.close();
  });

  it('reads a typed date as its week', async () => {
    const app = await makeTestApp();
    const { say, tap } = await world(app);
    await say('sup', '/summary');
    await tap('sup', 'sm.w:pick');
    expect(allText(await say('sup', 'next tuesday'))).toContain('Não consegui ler essa semana');
    const replies = await say('sup', '2026-10-28');
    expect(allText(replies)).toContain('Soweto, 2026-W44 (2026-10-26 a 2026-11-01)');
    await app.close();
  });
});
