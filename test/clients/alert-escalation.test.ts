import { describe, expect, it } from 'vitest';
import type { Team, User } from '../../src/accounts/types.js';
import { contactLines, mentorContacts } from '../../src/clients/alert-contact.js';
import {
  ADMIN_ALERT_TAG,
  afterAlertReport,
  alertAuditRecords,
  countryAdmins,
} from '../../src/clients/alert-escalation.js';
import { ALERT_TAG } from '../../src/clients/emergency-alert.js';
import type { DeliveryReport } from '../../src/core/flow.js';
import { openWorld, user } from './world.js';

const at = new Date('2026-11-02T08:00:00Z');
const team = (id: string, country: string): Team => ({
  id,
  name: id,
  country,
  timezone: 'Africa/Nairobi',
  supervisorId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const failed = (supervisorId: string, all: string, reason = 'unreachable'): DeliveryReport => ({
  tag: ALERT_TAG,
  data: { supervisorId, screeningId: 's1', supervisors: all },
  status: 'failed',
  reason,
  attempts: [{ channel: 'telegram', status: 'failed', reason: 'unreachable' }],
});
const sent = (supervisorId: string, all: string): DeliveryReport => ({
  tag: ALERT_TAG,
  data: { supervisorId, screeningId: 's1', supervisors: all },
  status: 'sent',
  attempts: [
    { channel: 'telegram', status: 'failed', reason: 'temporary' },
    { channel: 'telegram', status: 'sent' },
  ],
});

describe('admins alerted when no supervisor can be', () => {
  const ke = team('ke1', 'KE');
  const za = team('za1', 'ZA');
  const admin = (id: string, teamId: string | null, active = true): User => ({
    ...user(id, 'admin', teamId, active),
  });

  it("are the active admins whose team is in the team's country", () => {
    const users = [
      admin('a-ke', 'ke1'),
      admin('a-za', 'za1'),
      admin('a-off', 'ke1', false),
      admin('a-none', null),
    ];
    expect(countryAdmins(ke, users, [ke, za]).map((u) => u.id)).toEqual(['a-ke']);
  });

  it('are every active admin when none is in that country', () => {
    const users = [admin('a-za', 'za1'), admin('a-none', null), admin('a-off', null, false)];
    expect(countryAdmins(ke, users, [ke, za]).map((u) => u.id)).toEqual(['a-za', 'a-none']);
    expect(countryAdmins(undefined, users, [ke, za]).map((u) => u.id)).toEqual(['a-za', 'a-none']);
  });
});

describe('the audit of an alert', () => {
  it('has a line per try and one outcome, with ids, channels and reasons only', () => {
    const records = alertAuditRecords(at, 'mary', sent('sup', 'sup'));
    expect(records.map((r) => r.action)).toEqual(['alert.attempt', 'alert.attempt', 'alert.delivered']);
    expect(records[0]).toEqual({
      at: at.toISOString(),
      actor: 'mary',
      target: 's1',
      action: 'alert.attempt',
      detail: {
        level: 'supervisor',
        recipient: 'sup',
        channel: 'telegram',
        status: 'failed',
        reason: 'temporary',
        try: 1,
      },
    });
    expect(records[2]?.detail).toEqual({
      level: 'supervisor',
      recipient: 'sup',
      channel: 'telegram',
      reason: null,
      tries: 2,
    });
    expect(alertAuditRecords(at, 'mary', { tag: 'handover', status: 'sent' })).toEqual([]);
  });
});

describe('what comes after a report on an alert', () => {
  it('tells her when one arrived; waits for the others; escalates to admins once every supervisor failed', async () => {
    const w = await openWorld();
    try {
      await w.store.teams.put(team('t1', 'KE'));
      const mary = user('mary', 'mentor', 't1');
      for (const u of [
        mary,
        user('s1', 'supervisor', 't1'),
        user('s2', 'supervisor', 't1'),
        user('adm', 'admin', null),
      ])
        await w.store.users.put(u);
      const step = (report: DeliveryReport) => w.unit((unit) => afterAlertReport(unit, mary, report, at));
      expect(await step(failed('s1', 's1,s2'))).toEqual({
        kind: 'waiting',
        level: 'supervisor',
        recipient: 's1',
      });
      const last = await step(failed('s2', 's1,s2', 'temporary'));
      expect(last?.kind).toBe('escalate');
      expect(last?.kind === 'escalate' && last.admins.map((a) => a.id)).toEqual(['adm']);
      expect(await w.audit('alert.undelivered')).toHaveLength(2);
      const admin: DeliveryReport = {
        tag: ADMIN_ALERT_TAG,
        data: { adminId: 'adm', screeningId: 's1', admins: 'adm' },
        status: 'failed',
        reason: 'unreachable',
      };
      expect(await step(admin)).toEqual({ kind: 'nobody' });
      expect(await step({ tag: 'handover', status: 'failed' })).toBeNull();
    } finally {
      await w.close();
    }
  });

  it('needs no admin when another supervisor was told', async () => {
    const w = await openWorld();
    try {
      await w.store.teams.put(team('t1', 'KE'));
      const mary = user('mary', 'mentor', 't1');
      const step = (report: DeliveryReport) => w.unit((unit) => afterAlertReport(unit, mary, report, at));
      expect(await step(sent('s2', 's1,s2'))).toEqual({ kind: 'told', level: 'supervisor', recipient: 's2' });
      expect(await step(failed('s1', 's1,s2'))).toEqual({
        kind: 'covered',
        level: 'supervisor',
        recipient: 's1',
      });
    } finally {
      await w.close();
    }
  });
});

describe('how the alert lets her be reached at once', () => {
  const mary = (addresses: string[]): User => ({
    ...user('mary', 'mentor', 't1'),
    name: 'Mary',
    addresses,
    lastAddress: addresses[0] ?? null,
  });
  const t = (key: string, o?: Record<string, unknown>) => `${key} ${JSON.stringify(o)}`;

  it('gives her WhatsApp number first, then a tap to open her Telegram chat', () => {
    expect(mentorContacts(mary(['telegram:1001', 'whatsapp-web:27821234567@c.us']))).toEqual([
      { kind: 'phone', number: '+27821234567' },
      { kind: 'telegram', link: 'tg://user?id=1001' },
    ]);
    expect(mentorContacts(mary(['whatsapp-cloud:27821234567']))).toEqual([
      { kind: 'phone', number: '+27821234567' },
    ]);
  });

  it('gives her name on channels that tell neither (the web chat)', () => {
    expect(mentorContacts(mary(['webchat:abc']))).toEqual([{ kind: 'name', name: 'Mary' }]);
    expect(contactLines(t, [{ kind: 'name', name: 'Mary' }], 'Mary')).toBe(
      'screening.contact.name {"name":"Mary"}',
    );
  });
});
