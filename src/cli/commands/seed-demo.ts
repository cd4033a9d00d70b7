import { DEMO_TEAM, demoRef, ensureDemoUsers } from '../../accounts/demo.js';
import { makeClientCode } from '../../clients/client-code.js';
import type { Client } from '../../clients/types.js';
import { UnitOfWork } from '../../store/unit-of-work.js';
import { CliError, openApp } from '../open-app.js';

/**
 * Demo users of every role in a demo team, for trying the bot (web chat identities, `chat --as demo-mentor`);
 * with --records N also N demo screenings of demo clients, scored by the real engine (for trying and benchmarks).
 */
export async function seedDemoCommand(options: { records?: string }): Promise<void> {
  const count = Number(options.records ?? 0);
  if (!Number.isInteger(count) || count < 0 || count > 1_000_000) {
    throw new CliError('--records must be a whole number from 0 to 1,000,000', 2);
  }
  const app = await openApp({ writes: true });
  try {
    const { services } = app;
    const users = await ensureDemoUsers(services);
    process.stdout.write(`Demo team "${DEMO_TEAM}" with:\n`);
    for (const user of users) {
      process.stdout.write(
        `  ${user.role.padEnd(10)} ${user.name}  (npm run cli -- chat --as ${demoRef(user.role)})\n`,
      );
    }
    const mentor = users.find((u) => u.role === 'mentor');
    const bp = services.catalog.questionnaire('hypertension-bp');
    if (count === 0 || !mentor || !bp) return;
    const clients: Client[] = [];
    const now = services.clock.now();
    for (let i = 0; i < Math.min(50, count); i++) {
      const client: Client = {
        id: services.ids.id(),
        code: makeClientCode(services.ids.bytes(6)),
        mentorId: mentor.id,
        teamId: mentor.teamId,
        birthYear: 1970 + (i % 35),
        birthDate: null,
        sex: 'female',
        groups: i % 3 === 0 ? ['pregnant'] : ['ncd'],
        motherId: null,
        consent: true,
        consentAt: now.toISOString(),
        breastfeedingEndedAt: null,
        createdAt: now.toISOString(),
      };
      await services.store.clients.put(client);
      clients.push(client);
    }
    // Screenings go in units of a thousand: one log line each, instead of one fsync per record.
    let unit = new UnitOfWork(services.store);
    let records = services.records.view(unit);
    for (let i = 0; i < count; i++) {
      if (i > 0 && i % 1000 === 0) {
        await unit.commit();
        unit = new UnitOfWork(services.store);
        records = services.records.view(unit);
      }
      const client = clients[i % clients.length] as Client;
      const answers = {
        systolic: 110 + ((i * 7) % 80),
        diastolic: 65 + ((i * 5) % 40),
        pregnant: client.groups.includes('pregnant'),
        postpartum: false,
        symptoms: [],
      };
      const result = bp.evaluate(answers);
      if (!result.ok) continue;
      await records.addScreening({
        at: new Date(now.getTime() - (count - i) * 60_000).toISOString(),
        type: 'screening',
        id: services.ids.id(),
        clientId: client.id,
        mentorId: mentor.id,
        teamId: mentor.teamId,
        questionnaire: result.outcome.questionnaire,
        version: result.outcome.version,
        answers: result.answers,
        score: result.outcome.score,
        band: result.outcome.band,
        urgency: result.outcome.urgency,
        reasons: result.outcome.reasons,
        consent: true,
      });
    }
    await unit.commit();
    process.stdout.write(`${clients.length} demo clients and ${count} demo screenings for ${mentor.name}.\n`);
  } finally {
    await app.close();
  }
}
