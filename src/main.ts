import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type App, type AppOptions, createApp } from './app.js';
import { TelegramChannel } from './channels/telegram/telegram-channel.js';
import { WebchatChannel } from './channels/webchat/webchat-channel.js';
import { WhatsappCloudChannel } from './channels/whatsapp-cloud/whatsapp-cloud-channel.js';
import { mountWhatsappQr } from './channels/whatsapp-web/qr-route.js';
import { WhatsappWebChannel } from './channels/whatsapp-web/whatsapp-web-channel.js';
import { createRealClient } from './channels/whatsapp-web/wweb-client.js';
import { startReminders } from './clients/reminders.js';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './logging/logger.js';
import { projectRoot, webchatAssetsDir } from './paths.js';
import { StoreLockedError } from './store/port.js';
import { startWeeklySummaries } from './summary/weekly-push.js';

const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningBot {
  app: App;
  port: number;
  stop(): Promise<void>;
}

/** The composition root: builds every part from the validated configuration and starts the channels. */
export async function startBot(
  config: Config,
  logger: Logger,
  appOptions: Omit<AppOptions, 'logger'> = {},
): Promise<RunningBot> {
  const version = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version as string;
  const app = await createApp(config, { ...appOptions, logger });
  const server = createHttpServer(logger, version);

  if (config.WEBCHAT !== 'off') {
    const webchat = new WebchatChannel(app, config.WEBCHAT);
    webchat.mount(server.http, readFileSync(join(webchatAssetsDir, 'index.html'), 'utf8'));
    app.delivery.register(webchat);
  }

  let telegram: TelegramChannel | null = null;
  let stopping = false;
  if (config.TELEGRAM_BOT_TOKEN) {
    const channel = new TelegramChannel(app, {
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      webhookUrl: config.TELEGRAM_WEBHOOK_URL,
      webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
    });
    telegram = channel;
    app.delivery.register(channel);
    // Telegram being unreachable must not keep the web chat and health check down: retry in the background.
    void (async () => {
      for (let attempt = 1; !stopping; attempt++) {
        try {
          await channel.start(server.http);
          return;
        } catch (error) {
          const delay = Math.min(60_000, 1000 * 2 ** attempt);
          logger.error({ err: error, attempt, retryInMs: delay }, 'telegram could not start');
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
        }
      }
    })();
  }

  let whatsappWeb: WhatsappWebChannel | null = null;
  if (config.WHATSAPP_WEB === 'on') {
    const channel = new WhatsappWebChannel(app, {
      clientFactory: () =>
        createRealClient({ dataDir: config.DATA_DIR, executablePath: config.PUPPETEER_EXECUTABLE_PATH }),
    });
    whatsappWeb = channel;
    app.delivery.register(channel);
    mountWhatsappQr(server.http, { adminToken: config.ADMIN_TOKEN, latestQr: () => channel.latestQr });
    // Like Telegram: a phone or network problem must not keep the rest of the bot down.
    channel.start().catch((error: unknown) => logger.error({ err: error }, 'whatsapp-web could not start'));
  }

  let whatsappCloud: WhatsappCloudChannel | null = null;
  if (
    config.WHATSAPP_CLOUD_ACCESS_TOKEN &&
    config.WHATSAPP_CLOUD_PHONE_NUMBER_ID &&
    config.WHATSAPP_CLOUD_APP_SECRET &&
    config.WHATSAPP_CLOUD_VERIFY_TOKEN
  ) {
    whatsappCloud = new WhatsappCloudChannel(app, {
      accessToken: config.WHATSAPP_CLOUD_ACCESS_TOKEN,
      phoneNumberId: config.WHATSAPP_CLOUD_PHONE_NUMBER_ID,
      appSecret: config.WHATSAPP_CLOUD_APP_SECRET,
      verifyToken: config.WHATSAPP_CLOUD_VERIFY_TOKEN,
      apiRoot: config.WHATSAPP_CLOUD_API_ROOT,
      reminderTemplate: config.WHATSAPP_CLOUD_REMINDER_TEMPLATE,
      templateLanguage: config.WHATSAPP_CLOUD_TEMPLATE_LANGUAGE,
    });
    whatsappCloud.mount(server.http);
    app.delivery.register(whatsappCloud);
  }

  const stopReminders = startReminders(app.services, (pushes) => app.delivery.deliver(pushes));
  const stopSummaries = startWeeklySummaries(app.services, config.SUMMARY_SCHEDULE, (pushes) =>
    app.delivery.deliver(pushes),
  );
  const port = await server.listen(config.HOST, config.PORT);
  server.setReady(true);
  // Load the model and embed new passages now, in worker threads; questions are answered from keywords meanwhile.
  app.services.search.warmUp().then(
    () => logger.info({ sinceProcessStartMs: Math.round(performance.now()) }, 'search ready'),
    () => undefined, // logged by the search service; it answers from keywords and tries again later
  );
  logger.info(
    {
      host: config.HOST,
      port,
      webchat: config.WEBCHAT,
      telegram: Boolean(telegram),
      sinceProcessStartMs: Math.round(performance.now()),
    },
    'bot ready',
  );

  return {
    app,
    port,
    async stop() {
      stopping = true;
      stopReminders();
      stopSummaries();
      server.setReady(false);
      await telegram?.stop();
      await whatsappWeb?.stop();
      await server.close();
      await whatsappCloud?.idle();
      await app.close();
      logger.info('bot stopped');
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let bot: RunningBot;
  try {
    bot = await startBot(config, logger);
  } catch (error) {
    if (error instanceof StoreLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'start-up failed');
    process.stderr.write(`Start-up failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (config.WEBCHAT !== 'off') {
    process.stdout.write(
      `Web chat${config.WEBCHAT === 'demo' ? ' (demo identities)' : ''}: http://${config.HOST}:${bot.port}/\n`,
    );
  }
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    bot.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await main();
}
