import { createHmac } from 'node:crypto';
import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stderr (stdout is for command output). Callers log events and pseudonymous ids only:
 * never message text, names, phone numbers or health data.
 */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      level,
      base: { app: 'm2m-bot' },
      redact: { paths: ['text', '*.text', 'name', '*.name'], remove: true },
    },
    destination,
  );
}

/** Turns a user id or channel address into a stable pseudonym for logs, keyed by a secret kept in DATA_DIR. */
export type Pseudonymiser = (id: string) => string;

export function pseudonymiser(secret: Uint8Array): Pseudonymiser {
  return (id) => createHmac('sha256', secret).update(id).digest('base64url').slice(0, 12);
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
