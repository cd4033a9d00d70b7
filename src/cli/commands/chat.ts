import { CliChat } from '../../channels/cli/cli-chat.js';
import { openApp } from '../open-app.js';

export async function chatCommand(options: { json?: boolean; as?: string }): Promise<void> {
  const app = await openApp({ writes: true });
  const chat = new CliChat(app, Boolean(options.json), (line) => process.stdout.write(`${line}\n`));
  app.delivery.register(chat);
  try {
    await chat.run(process.stdin, options.as ?? 'you');
  } finally {
    await app.close();
  }
}
