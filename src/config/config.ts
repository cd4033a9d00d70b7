import { isIP } from 'node:net';
import { z } from 'zod';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const isValidTimezone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Environment variables (shared docs/interfaces.md). Unknown variables are ignored; known ones must be valid. */
const envSchema = z.object({
  NODE_ENV: optionalText,
  DATA_DIR: z.string().trim().min(1).default('./data'),
  STORE: z.enum(['lowdb']).default('lowdb'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WEBCHAT: z.enum(['demo', 'on', 'off']).optional(),
  ADMIN_TOKEN: optionalText,
  TELEGRAM_BOT_TOKEN: optionalText.refine((v) => v === undefined || /^\d+:[\w-]+$/.test(v), {
    message: 'must look like 123456:ABC-DEF... (the token BotFather gives)',
  }),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: z.url().optional(),
  TELEGRAM_WEBHOOK_SECRET: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v), {
    message: 'may hold only A-Z, a-z, 0-9, _ and - (Telegram rule), at most 256 characters',
  }),
  WHATSAPP_WEB: z.enum(['on', 'off']).default('off'),
  PUPPETEER_EXECUTABLE_PATH: z.string().default('/usr/bin/chromium'),
  WHATSAPP_CLOUD_ACCESS_TOKEN: optionalText,
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: optionalText,
  WHATSAPP_CLOUD_APP_SECRET: optionalText,
  WHATSAPP_CLOUD_VERIFY_TOKEN: optionalText,
  WHATSAPP_CLOUD_API_ROOT: z.url().default('https://graph.facebook.com/v23.0'),
  WHATSAPP_CLOUD_REMINDER_TEMPLATE: optionalText,
  WHATSAPP_CLOUD_TEMPLATE_LANGUAGE: optionalText,
  EMBEDDING_MODEL: optionalText,
  /** Built model and passage vectors; several bots (or test runs) may share one. Default: DATA_DIR/cache. */
  CACHE_DIR: optionalText,
  TZ: z
    .string()
    .default('Africa/Johannesburg')
    .refine(isValidTimezone, { message: 'is not an IANA timezone' }),
  LOG_LEVEL: z.enum(LEVELS).default('info'),
  REMINDER_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)')
    .default('08:00'),
  /** When supervisors get the weekly summary, in each team's timezone: a weekday and HH:MM, or `off`. */
  SUMMARY_SCHEDULE: z
    .string()
    .trim()
    .regex(
      /^(off|(MON|TUE|WED|THU|FRI|SAT|SUN) ([01]\d|2[0-3]):[0-5]\d)$/i,
      'must be a weekday and HH:MM (e.g. MON 07:00), or off',
    )
    .default('MON 07:00'),
  INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /**
   * Which published content waits for a clinician: `clinical` (a questionnaire's logic, a danger sign, an emergency
   * number) or `all` (every change).
   */
  CONTENT_APPROVAL: z.enum(['clinical', 'all']).default('clinical'),
  /** Hours without a message after which a conversation in progress is closed and its state dropped. */
  SESSION_IDLE_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(24),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'WEBCHAT'> {
  WEBCHAT: 'demo' | 'on' | 'off';
  production: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration error:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Reads and checks the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const got = env[name];
        return `${name}: ${issue.message}${got === undefined ? '' : ` (got "${got.length > 40 ? `${got.slice(0, 40)}...` : got}")`}`;
      }),
    );
  }
  const values = parsed.data;
  const production = values.NODE_ENV === 'production';
  const loopback = isLoopback(values.HOST);
  const webchat = values.WEBCHAT ?? (loopback && !production ? 'demo' : 'off');
  const problems: string[] = [];
  if (webchat === 'demo' && (!loopback || production)) {
    problems.push(
      `WEBCHAT: "demo" gives anyone a ready-made admin identity, so it is allowed only when HOST is a loopback address and NODE_ENV is not production (HOST is "${values.HOST}", NODE_ENV is "${values.NODE_ENV ?? ''}"). Use WEBCHAT=on or off.`,
    );
  }
  if (values.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_BOT_TOKEN) {
    problems.push('TELEGRAM_WEBHOOK_URL: set TELEGRAM_BOT_TOKEN too, or remove the webhook URL.');
  }
  if (values.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_WEBHOOK_SECRET) {
    problems.push(
      'TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL, so nobody but Telegram can post updates to the webhook.',
    );
  }
  const cloud = {
    WHATSAPP_CLOUD_ACCESS_TOKEN: values.WHATSAPP_CLOUD_ACCESS_TOKEN,
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: values.WHATSAPP_CLOUD_PHONE_NUMBER_ID,
    WHATSAPP_CLOUD_APP_SECRET: values.WHATSAPP_CLOUD_APP_SECRET,
    WHATSAPP_CLOUD_VERIFY_TOKEN: values.WHATSAPP_CLOUD_VERIFY_TOKEN,
  };
  const missing = Object.entries(cloud)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0 && missing.length < 4) {
    problems.push(
      `${missing.join(', ')}: the WhatsApp Cloud API needs all four WHATSAPP_CLOUD_* credentials (or none).`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...values, WEBCHAT: webchat, production };
}
