import { describe, expect, it } from 'vitest';
import { createTeam } from '../../src/accounts/teams.js';
import type { User } from '../../src/accounts/types.js';
import type { Push } from '../../src/core/messages.js';
import type { AuditRecord } from '../../src/store/port.js';
import { dueWeek, parseSchedule, runDueSummaries, SUMMARY_PUSHED } from '../../src/summary/weekly-push.js';
import { FixedClock, makeTestApp, tempDataDir } from '../support/fakes.js';

/** Nairobi is UTC+3 all year: Monday 07:00 there is 04:00 UTC. */
const nairobi = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+03:00`);

const supervisor = (id: string, teamId: string, active = true): User => ({
  id,
  role: 'supervisor',
  name: id,
  lang: 'sw',
  teamId,
  active,
  addresses: [`cli:${id}`],
  lastAddress: `cli:${id}`,
  createdAt: '2026-10-01T00:00:00.000Z',
  invitedBy: null,
});

function recorder() {
  const sent: Push[] = [];
  const deliver = async (pushes: Push[]) => {
    sent.push(...pushes);
    return pushes.map(() => ({ status: 'sent' as const }));
  };
  return { sent, deliver };
}

async function setUp(dataDir: string, clock: FixedClock) {
  const app = await makeTestApp({ dataDir, clock });
  const { store } = app.services;
  const team =
    (await store.teams.byName('Kisumu')) ?? (await createTeam(store, app.services, null, 'Kisumu', 'KE'));
  await store.users.put(supervisor('s1', team.id));
  await store.users.put(supervisor('gone', team.id, false));
  return { app, team };
}

describe('the weekly summary push', () => {
  it("goes to the team's active supervisors at Monday 07:00 local time, for last week, once", async () => {
    const clock = new FixedClock(nairobi('2026-11-09', '06:59'));
    const { app, team } = await setUp(tempDataDir(), clock);
    const { sent, deliver } = recorder();
    expect(await runDueSummaries(app.services, 'MON 07:00', clock.now(), deliver)).toBe(0);
    clock.advance(60_000);
    expect(await runDueSummaries(app.services, 'MON 07:00', clock.now(), deliver)).toBe(4);
    expect(sent.map((p) => [p.userId, p.message.type])).toEqual([
      ['s1', 'text'],
      ['s1', 'text'],
      ['s1', 'image'],
      ['s1', 'document'],
    ]);
    const summary = sent[1]?.message;
    expect(summary?.type === 'text' && summary.text).toContain('Muhtasari wa wiki: Kisumu, 2026-W45');
    clock.advance(60_000);
    expect(await runDueSummaries(app.services, 'MON 07:00', clock.now(), deliver)).toBe(0);
    const audit = await app.services.store
      .journal<AuditRecord>('audit')
      .query({ where: { action: SUMMARY_PUSHED } });
    expect(audit.map((r) => [r.target, r.detail?.week])).toEqual([[team.id, '2026-W45']]);
    await app.close();
  });

  it('missed while the bot was down, is sent when it comes back, and not again after another restart', async () => {
    const dataDir = tempDataDir();
    const clock = new FixedClock(nairobi('2026-11-11', '15:00'));
    let { app } = await setUp(dataDir, clock);
    const { sent, deliver } = recorder();
    expect(await runDueSummaries(app.services, 'MON 07:00', clock.now(), deliver)).toBe(4);
    await app.close();
    clock.advance(3_600_000);
    ({ app } = await setUp(dataDir, clock));
    expect(await runDueSummaries(app.services, 'MON 07:00', clock.now(), deliver)).toBe(0);
    expect(sent).toHaveLength(4);
    await app.close();
  });

  it('is off with SUMMARY_SCHEDULE=off', async () => {
    const clock = new FixedClock(nairobi('2026-11-09', '07:00'));
    const { app } = await setUp(tempDataDir(), clock);
    const { sent, deliver } = recorder();
    expect(await runDueSummaries(app.services, 'off', clock.now(), deliver)).toBe(0);
    expect(sent).toEqual([]);
    await app.close();
  });

  it('reads the schedule in the team timezone: Sunday 23:59 is not due, Monday 07:00 is', () => {
    const schedule = parseSchedule('mon 07:00');
    expect(schedule).toEqual({ day: 1, time: '07:00' });
    if (!schedule) return;
    // Monday 04:30 UTC is 07:30 in Nairobi but 06:30 in Johannesburg.
    const at = new Date('2026-11-09T04:30:00Z');
    expect(dueWeek(schedule, at, 'Africa/Nairobi')).toBe('2026-W45');
    expect(dueWeek(schedule, at, 'Africa/Johannesburg')).toBeNull();
    expect(dueWeek(schedule, nairobi('2026-11-08', '23:59'), 'Africa/Nairobi')).toBe('2026-W44');
    expect(dueWeek({ day: 3, time: '07:00' }, nairobi('2026-11-09', '08:00'), 'Africa/Nairobi')).toBeNull();
    expect(parseSchedule('off')).toBeNull();
  });
});
