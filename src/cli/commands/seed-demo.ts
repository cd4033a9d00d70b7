import { DEMO_TEAM, demoRef, ensureDemoUsers } from '../../accounts/demo.js';
import { openApp } from '../open-app.js';

/** Demo users of every role in a demo team, for trying the bot (web chat identities, `chat --as demo-mentor`). */
export async function seedDemoCommand(): Promise<void> {
  const app = await openApp({ writes: true });
  try {
    const users = await ensureDemoUsers(app.services);
    process.stdout.write(`Demo team "${DEMO_TEAM}" with:\n`);
    for (const user of users) {
      process.stdout.write(
        `  ${user.role.padEnd(10)} ${user.name}  (npm run cli -- chat --as ${demoRef(user.role)})\n`,
      );
    }
  } finally {
    await app.close();
  }
}
