import { describe, expect, it } from 'vitest';
import { createTeam } from '../../src/accounts/teams.js';
import { REMINDER_SENT, REMINDERS_RUN, runDueReminders } from '../../src/clients/reminders.js';
import type { Push } from '../../src/core/messages.js';
import type { AuditRecord } from '../../src/store/port.js';
import { FixedClock, makeTestApp, tempDataDir } from '../support/fakes.js';

/** Kisumu is UTC+3: REMINDER_TIME 08:00 there is 05:00 UTC. */
const local = (hhmm: string) => new Date(`2026-11-02T${hhmm}:00+03:00`);

describe('a daily reminder missed while the bot was down', () => {
  it('is sent once when the bot comes back, and not again after another restart', async () => {
    const dataDir = tempDataDir();
    const clock = new FixedClock(local('07:00'));
    let app = await makeTestApp({ dataDir, clock });
    const { store } = app.services;
    const team = await createTeam(store, app.services, null, 'Kisumu', 'KE');
    await store.users.put({
      id: 'm1',
      role: 'mentor',
      name: 'Akinyi',
      lang: 'en',
      teamId: team.id,
      active: true,
      addresses: ['cli:m1'],
      lastAddress: 'cli:m1',
      createdAt: '2026-11-01T00:00:00Z',
      invitedBy: null,
    });
    await store.clients.put({
      id: 'c1',
      code: 'ABC-DEFG',
      mentorId: 'm1',
      teamId: team.id,
      birthYear: 1990,
      birthDate: null,
      sex: 'female',
      groups: [],
      motherId: null,
      consent: true,
      consentAt: null,
      breastfeedingEndedAt: null,
      createdAt: '2026-11-01T00:00:00Z',
    });
    await app.services.records.view(store).addReferralEvent({
      at: '2026-11-01T00:00:00Z',
      type: 'referral',
      id: 'r1',
      clientId: 'c1',
      mentorId: 'm1',
      teamId: team.id,
      source: { kind: 'screening', screeningId: 's', questionnaire: 'hypertension-bp' },
      urgency: 'urgent',
      dueAt: '2026-11-02T06:00:00Z',
    });
    const sent: Push[] = [];
    const deliver = async (pushes: Push[]) => {
      sent.push(...pushes);
      return pushes.map(() => ({ status: 'sent' as const }));
    };

    // Before REMINDER_TIME: nothing yet.
    expect(await runDueReminders(app.services, clock.now(), deliver)).toBe(0);
    // The bot is down from 07:30 to 09:30, over 08:00.
    await app.close();
    clock.advance(local('09:30').getTime() - clock.now().getTime());
    app = await makeTestApp({ dataDir, clock });
    expect(await runDueReminders(app.services, clock.now(), deliver)).toBe(1);
    expect(sent.map((p) => p.userId)).toEqual(['m1']);
    expect(sent[0]?.message).toMatchObject({ text: expect.stringContaining('ABC-DEFG') });
    // The next minute's tick sends nothing more.
    expect(await runDueReminders(app.services, new Date(clock.now().getTime() + 60_000), deliver)).toBe(0);

    // Restarted again at 09:45: not sent again.
    await app.close();
    clock.advance(15 * 60_000);
    app = await makeTestApp({ dataDir, clock });
    expect(await runDueReminders(app.services, clock.now(), deliver)).toBe(0);
    expect(sent).toHaveLength(1);
    const audit = await app.services.store.journal<AuditRecord>('audit').query();
    expect(audit.filter((r) => r.action === REMINDER_SENT)).toMatchObject([
      { target: 'm1', detail: { day: '2026-11-02' } },
    ]);
    expect(audit.filter((r) => r.action === REMINDERS_RUN)).toMatchObject([
      { target: team.id, detail: { day: '2026-11-02', late: true } },
    ]);

    // The next day at 08:00 local: sent again (the follow-up is still open and overdue).
    clock.advance(local('08:00').getTime() + 86_400_000 - clock.now().getTime());
    expect(await runDueReminders(app.services, clock.now(), deliver)).toBe(1);
    await app.close();
  });

  it('a day whose run found nothing due is recorded, so a restart does not run it again', async () => {
    const app = await makeTestApp({ clock: new FixedClock(local('08:00')) });
    const team = await createTeam(app.services.store, app.services, null, 'Kisumu', 'KE');
    // No mentor has anything due: the run is recorded so a restart does not run the day again.
    expect(await runDueReminders(app.services, local('08:00'), async () => [])).toBe(0);
    const runs = (await app.services.store.journal<AuditRecord>('audit').query()).filter(
      (r) => r.action === REMINDERS_RUN,
    );
    expect(runs).toMatchObject([{ target: team.id, detail: { day: '2026-11-02', late: false } }]);
    await app.close();
  });
});
