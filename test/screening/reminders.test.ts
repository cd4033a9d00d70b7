import { describe, expect, it } from 'vitest';
import type { FollowUp } from '../../src/clients/records.js';
import { dueToday, localDay, localTime, remindersAt } from '../../src/clients/reminders.js';
import type { Client } from '../../src/clients/types.js';
import { makeTestApp } from '../support/fakes.js';

const client = (id: string, mentorId: string): Client => ({
  id,
  code: `C${id}`,
  mentorId,
  teamId: 't',
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
const followUp = (clientId: string, dueAt: string | null, status: FollowUp['status'] = 'open'): FollowUp => ({
  referral: {
    at: '2026-11-01T00:00:00Z',
    type: 'referral',
    id: `r-${clientId}-${dueAt}`,
    clientId,
    mentorId: 'm',
    teamId: 't',
    source: { kind: 'screening', screeningId: 's', questionnaire: 'hypertension-bp' },
    urgency: 'urgent',
    dueAt,
  },
  outcomes: [],
  status,
  dueAt,
});

describe('follow-up reminders', () => {
  it('count the local day in the team timezone', () => {
    const at = new Date('2026-11-10T21:30:00Z');
    expect(localDay(at, 'Africa/Nairobi')).toBe('2026-11-11');
    expect(localDay(at, 'Africa/Accra')).toBe('2026-11-10');
    expect(localTime(new Date('2026-11-10T05:00:00Z'), 'Africa/Nairobi')).toBe('08:00');
  });

  it('include due-today and overdue open follow-ups of her own clients only', () => {
    const clients = [client('a', 'm'), client('b', 'other')];
    const now = new Date('2026-11-11T05:00:00Z'); // 08:00 in Nairobi
    const list = [
      followUp('a', '2026-11-11T20:00:00Z'), // today in Nairobi (23:00)
      followUp('a', '2026-11-09T10:00:00Z'), // overdue
      followUp('a', '2026-11-11T22:00:00Z'), // tomorrow 01:00 in Nairobi
      followUp('a', null, 'pending'),
      followUp('a', '2026-11-05T10:00:00Z', 'closed'),
      followUp('b', '2026-11-11T08:00:00Z'), // another mentor's client
    ];
    expect(dueToday(list, clients, 'm', now, 'Africa/Nairobi').map((f) => f.dueAt)).toEqual([
      '2026-11-11T20:00:00Z',
      '2026-11-09T10:00:00Z',
    ]);
  });

  it('are sent at REMINDER_TIME in the team timezone, and only to mentors with something due', async () => {
    const app = await makeTestApp();
    const { createTeam } = await import('../../src/accounts/teams.js');
    const team = await createTeam(app.services.store, app.services, null, 'Kisumu', 'KE');
    for (const [id, name] of [
      ['m1', 'Akinyi'],
      ['m2', 'Atieno'],
    ] as const) {
      await app.services.store.users.put({
        id,
        role: 'mentor',
        name,
        lang: 'en',
        teamId: team.id,
        active: true,
        addresses: [`cli:${id}`],
        lastAddress: `cli:${id}`,
        createdAt: '2026-11-01T00:00:00Z',
        invitedBy: null,
      });
    }
    await app.services.store.clients.put({ ...client('c1', 'm1'), teamId: team.id });
    await app.services.records
      .view(app.services.store)
      .addReferralEvent({ ...followUp('c1', '2026-11-02T09:00:00Z').referral });
    expect(await remindersAt(app.services, new Date('2026-11-02T04:59:00Z'))).toEqual([]);
    const pushes = await remindersAt(app.services, new Date('2026-11-02T05:00:00Z'));
    expect(pushes.map((p) => p.userId)).toEqual(['m1']);
    expect(pushes[0]?.message).toMatchObject({
      type: 'text',
      text: expect.stringContaining('1 follow-up due today or overdue: Cc1'),
    });
    await app.close();
  });
});
