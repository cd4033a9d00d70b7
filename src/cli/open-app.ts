import { type App, createApp } from '../app.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { StoreLockedError } from '../store/port.js';

/** A user-facing error: printed without a stack trace, with the exit status given. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function cliConfig(): Config {
  try {
    // The CLI's own output goes to stdout; keep logs quiet unless asked for.
    return loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * Opens the app on DATA_DIR. Commands that change records take the one-writer lock, so beside a running bot
 * they stop with a clear message (shared docs/interfaces.md).
 */
export async function openApp(options: { writes: boolean }): Promise<App> {
  const config = cliConfig();
  try {
    return await createApp(config, { lock: options.writes, logger: createLogger(config.LOG_LEVEL) });
  } catch (error) {
    if (error instanceof StoreLockedError) {
      throw new CliError(
        `The bot is running on DATA_DIR ${error.dataDir} (pid ${error.pid}), and this command changes records, ` +
          'so it needs the store to itself. Stop the bot first (or use the same feature in the chat).',
      );
    }
    throw error;
  }
}
