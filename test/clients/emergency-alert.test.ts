import { describe, expect, it } from 'vitest';
import type { Team, User } from '../../src/accounts/types.js';
import {
  alertData,
  alertRecipient,
  alertRecipients,
  supervisorToAlert,
} from '../../src/clients/emergency-alert.js';

const user = (over: Partial<User>): User => ({
  id: 'u',
  role: 'mentor',
  name: 'U',
  lang: 'en',
  teamId: 't1',
  active: true,
  addresses: [],
  lastAddress: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  invitedBy: null,
  ...over,
});
const team = (over: Partial<Team> = {}): Team => ({
  id: 't1',
  name: 'Eldoret',
  country: 'KE',
  timezone: 'Africa/Nairobi',
  supervisorId: 'sup',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const mentor = user({ id: 'mary' });
const supervisor = user({ id: 'sup', role: 'supervisor', name: 'Wanjiru' });

describe('who is alerted of an emergency', () => {
  it("is her team's supervisor", () => {
    expect(alertRecipient(mentor, team(), supervisor)).toBe(supervisor);
  });

  it('is nobody without a team, a supervisor, or with a supervisor who is deactivated', () => {
    expect(alertRecipient(user({ id: 'mary', teamId: null }), team(), supervisor)).toBeNull();
    expect(alertRecipient(mentor, undefined, supervisor)).toBeNull();
    expect(alertRecipient(mentor, team(), undefined)).toBeNull();
    expect(alertRecipient(mentor, team(), { ...supervisor, active: false })).toBeNull();
  });

  it("is never someone who is not that team's supervisor, nor the mentor herself", () => {
    expect(alertRecipient(mentor, team({ id: 't2' }), supervisor)).toBeNull();
    expect(
      alertRecipient(mentor, team(), user({ id: 'other', role: 'supervisor', teamId: 't2' })),
    ).toBeNull();
    expect(alertRecipient(mentor, team(), user({ id: 'other', role: 'trainer' }))).toBeNull();
    expect(alertRecipient(mentor, team({ supervisorId: 'mary' }), mentor)).toBeNull();
  });

  it('is every active supervisor of her team, the lead first, even when the team has no lead', () => {
    const second = user({
      id: 'sup2',
      role: 'supervisor',
      name: 'Grace',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    const gone = user({ id: 'sup3', role: 'supervisor', active: false });
    const elsewhere = user({ id: 'sup4', role: 'supervisor', teamId: 't2' });
    const all = [mentor, second, gone, elsewhere, supervisor];
    expect(alertRecipients(mentor, team(), all).map((u) => u.id)).toEqual(['sup', 'sup2']);
    expect(alertRecipients(mentor, team({ supervisorId: null }), all).map((u) => u.id)).toEqual([
      'sup2',
      'sup',
    ]);
    expect(alertRecipient(mentor, team({ supervisorId: null }), supervisor)).toBe(supervisor);
  });

  it('is read from the store of the unit of work', async () => {
    const store = {
      teams: { get: async (id: string) => (id === 't1' ? team() : undefined) },
      users: { list: async () => [mentor, supervisor] },
    } as unknown as Parameters<typeof supervisorToAlert>[0];
    expect(await supervisorToAlert(store, mentor)).toBe(supervisor);
    expect(await supervisorToAlert(store, user({ id: 'x', teamId: 't9' }))).toBeNull();
  });

  it('attaches ids only to the alert', () => {
    expect(alertData('sup', 's1')).toEqual({ supervisorId: 'sup', screeningId: 's1' });
    expect(alertData('sup', 's1', ['sup', 'sup2'])).toEqual({
      supervisorId: 'sup',
      screeningId: 's1',
      supervisors: 'sup,sup2',
    });
  });
});
