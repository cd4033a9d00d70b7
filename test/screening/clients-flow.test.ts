import { describe, expect, it } from 'vitest';
import type { Team, User } from '../../src/accounts/types.js';
import type { Client } from '../../src/clients/types.js';
import { client, referral, screening } from '../clients/world.js';
import { allText, ChatDriver } from '../support/chat-driver.js';
import { makeTestApp } from '../support/fakes.js';

const team: Team = {
  id: 'team-1',
  name: 'Blantyre',
  country: 'MW',
  timezone: 'Africa/Blantyre',
  supervisorId: 'sup',
  createdAt: '2026-11-01T00:00:00.000Z',
};

const person = (id: string, role: User['role'], address = `cli:${id}`): User => ({
  id,
  role,
  name: id === 'sup' ? 'Chikondi' : id === 'amy' ? 'Amy' : 'Bea',
  lang: 'en',
  teamId: team.id,
  active: true,
  addresses: [address],
  lastAddress: address,
  createdAt: '2026-11-01T00:00:00.000Z',
  invitedBy: null,
});

/** A team with a supervisor and two mentors; Amy has clients with screenings and a follow-up. */
async function teamWithClients(options: { beaAddress?: string; clients?: Client[] } = {}) {
  const app = await makeTestApp();
  const { store } = app.services;
  await store.teams.put(team);
  await store.users.put(person('sup', 'supervisor'));
  await store.users.put(person('amy', 'mentor'));
  await store.users.put(person('bea', 'mentor', options.beaAddress));
  const clients = options.clients ?? [
    client('client-erase-me', 'amy', team.id, { code: 'ERS-001' }),
    client('client-child', 'amy', team.id, { code: 'KID-001', motherId: 'client-erase-me' }),
  ];
  for (const c of clients) await store.clients.put(c);
  const records = app.services.records.view(store);
  await records.addScreening({
    ...screening('scr-1', 'client-erase-me', '2026-11-01T10:00:00.000Z', 'amy'),
    teamId: team.id,
  });
  await records.addReferralEvent({
    ...referral('ref-1', 'client-erase-me', '2026-11-15T10:00:00.000Z'),
    mentorId: 'amy',
  });
  return { app, chat: new ChatDriver(app) };
}

describe('My clients', () => {
  it('shows each client with a short description, never a name, and pages through all of them', async () => {
    const many = Array.from({ length: 20 }, (_, i) =>
      client(`client-${i}`, 'amy', team.id, { code: `REG-${String(i).padStart(3, '0')}` }),
    );
    const { app, chat } = await teamWithClients({
      clients: [
        // The clock: 2026-11-02.
        client('client-mother', 'amy', team.id, { code: 'K7Q2', birthYear: 2002, groups: ['pregnant'] }),
        client('client-baby', 'amy', team.id, {
          code: 'B4BY',
          birthYear: 2026,
          birthDate: '2026-03-20',
          sex: 'male',
          groups: ['infant', 'hiv_exposed_infant'],
        }),
        client('client-one', 'amy', team.id, { code: 'ONE1', birthYear: 2025, birthDate: '2025-10-02' }),
        ...many,
      ],
    });
    const seen = new Set<string>();
    let page = allText(await chat.text('amy', '/clients'));
    for (let i = 0; i < 10; i++) {
      for (const m of page.matchAll(/👤 (\S+)/g)) if (m[1]) seen.add(m[1]);
      if (!page.includes('More clients')) break;
      page = allText(await chat.tap('amy', 'More clients'));
    }
    expect(seen.size).toBe(23);
    await chat.text('amy', '/clients');
    let text = '';
    for (let i = 0; i < 4 && !text.includes('K7Q2'); i++) {
      text = allText(i === 0 ? await chat.text('amy', '/clients') : await chat.tap('amy', 'More clients'));
    }
    expect(text).toContain('👤 K7Q2 · woman, 24 · pregnant');
    expect(text).toContain('👤 B4BY · boy, 7 months · HIV-exposed baby');
    expect(text).toContain('👤 ONE1 · girl, 13 months');
    expect(text).toContain('👤 REG-000 · woman, 36');
    await app.close();
  });

  it('after erasing, her session holds only ids of things that still exist', async () => {
    const { app, chat } = await teamWithClients();
    expect(allText(await chat.text('amy', '/clients'))).toContain('👤 ERS-001');
    expect(allText(await chat.tap('amy', '👤 ERS-001'))).toContain('Client ERS-001');
    expect(allText(await chat.tap('amy', 'Erase this client'))).toContain('type her code ERS-001');
    const done = allText(await chat.text('amy', 'ers 001'));
    expect(done).toContain('The client and her records are erased');
    expect(done).not.toContain('ERS-001');

    const session = JSON.stringify(await app.services.store.sessions.get('cli:amy'));
    expect(session).not.toContain('client-erase-me');
    expect(session).not.toContain('ERS-001');
    expect(session).not.toContain('scr-1');
    expect(session).not.toContain('ref-1');
    const stored = (await app.services.store.sessions.get('cli:amy')) as { flow: string; state: unknown };
    expect(stored).toMatchObject({ flow: 'clients', state: { page: 0 } });
    expect(await app.services.store.clients.get('client-erase-me')).toBeUndefined();
    expect((await app.services.store.clients.get('client-child'))?.motherId).toBeNull();
    await app.close();
  });

  it("labels a screening scored under an earlier questionnaire version, with that version's title", async () => {
    const { app, chat } = await teamWithClients();
    const records = app.services.records.view(app.services.store);
    await records.addScreening({
      ...screening('scr-2', 'client-erase-me', '2026-11-20T10:00:00.000Z', 'amy'),
      teamId: team.id,
      version: 2,
      urgency: 'emergency',
      reasons: ['emergency_symptom'],
    });
    await chat.text('amy', '/clients');
    const page = allText(await chat.tap('amy', '👤 ERS-001'));
    expect(page).toContain('2026-11-01 Blood pressure check (v1): ');
    expect(page).toMatch(/2026-11-20 Blood pressure check: /);
    expect(page).not.toContain('Blood pressure check (v2)');
    await app.close();
  });

  it('records a follow-up outcome, then shows the page again from ids alone', async () => {
    const { app, chat } = await teamWithClients();
    await chat.text('amy', '/clients');
    await chat.tap('amy', '👤 ERS-001');
    expect(allText(await chat.tap('amy', 'Record follow-up'))).toContain('Follow-up of ERS-001');
    expect(allText(await chat.tap('amy', 'went to the clinic'))).toContain('What did the clinic find');
    const saved = allText(await chat.text('amy', 'started treatment'));
    expect(saved).toContain('Saved: went to the clinic');
    expect(saved).toContain('→ went to the clinic (started treatment)');
    const session = JSON.stringify(await app.services.store.sessions.get('cli:amy'));
    expect(session).not.toContain('started treatment');
    expect(session).not.toContain('Client ERS-001');
    await app.close();
  });

  it('refuses a client handed over while her page was open, and pages a long list', async () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      client(`client-${i}`, 'amy', team.id, { code: `REG-${String(i).padStart(3, '0')}` }),
    );
    const { app, chat } = await teamWithClients({
      clients: [client('client-erase-me', 'amy', team.id, { code: 'ERS-001' }), ...many],
    });
    const first = allText(await chat.text('amy', '/clients'));
    expect(first).toContain('13 clients');
    expect(first).toContain('More clients');
    const second = allText(await chat.tap('amy', 'More clients'));
    expect(second).toContain('◀ Previous');
    expect(second).toContain('👤 ERS-001');
    await chat.tap('amy', '👤 ERS-001');

    await chat.text('sup', '/menu');
    await chat.tap('sup', 'Team clients');
    await chat.tap('sup', 'Amy');
    await chat.tap('sup', 'Hand her clients');
    const handed = allText(await chat.tap('sup', 'Bea'));
    expect(handed).toContain('13 clients of Amy are now with Bea');
    expect(allText(chat.log.filter((e) => e.to === 'bea').map((e) => e.message))).toContain(
      'You now follow 13 clients who were with Amy',
    );

    const refused = allText(await chat.tap('amy', 'Erase this client'));
    expect(refused).toContain('not one of yours');
    expect(refused).toContain('You have no clients yet');
    expect(await app.services.store.clients.get('client-erase-me')).toMatchObject({ mentorId: 'bea' });
    await app.close();
  });
});

describe('Team clients', () => {
  it('shows a team client read-only, and tells the supervisor when the new mentor could not be told', async () => {
    const { app, chat } = await teamWithClients({ beaAddress: 'telegram:404' });
    await chat.text('sup', '/menu');
    await chat.tap('sup', 'Team clients');
    expect(allText(await chat.tap('sup', 'Amy'))).toContain('Amy has 2 clients');
    const page = allText(await chat.tap('sup', '👤 ERS-001'));
    expect(page).toContain('Client ERS-001');
    expect(page).toContain('only her Mentor Mother can change them');
    expect(page).not.toContain('Erase this client');
    await chat.tap('sup', 'Back');
    await chat.tap('sup', 'Hand her clients');
    expect(allText(await chat.tap('sup', 'Bea'))).toContain('2 clients of Amy are now with Bea');
    await app.settled();
    expect(chat.transcript('sup').join('\n')).toContain('I could not reach Bea');
    await app.close();
  });
});
