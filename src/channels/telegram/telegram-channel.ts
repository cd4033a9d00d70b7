import { autoRetry } from '@grammyjs/auto-retry';
import { type RunnerHandle, run } from '@grammyjs/runner';
import { Bot, type Context, webhookCallback } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Hono } from 'hono';
import type { App } from '../../app.js';
import { KeyedQueue } from '../../core/keyed-queue.js';
import type { InboundPayload, OutMessage } from '../../core/messages.js';
import type { ChannelSender } from '../delivery.js';
import { failureFields } from '../delivery-error.js';
import { DocumentFetchError, DocumentTooLargeError, fetchFailure, readLimited } from '../inbound-document.js';
import { attemptFailures, deliveryErrors, safeTelegramError } from './telegram-failures.js';
import { payloadOf } from './telegram-inbound.js';
import { renderTelegram } from './telegram-render.js';

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  webhookUrl?: string;
  webhookSecret?: string;
  /** Skips getMe (tests, benchmarks). */
  botInfo?: UserFromGetMe;
}

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

/** A document download that takes longer is given up (Telegram serves at most 20 MB to bots). */
const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * Telegram through grammY: long polling (the runner, so one slow chat does not hold up the others) or a
 * webhook. A thin translator: native update -> Inbound, outputs -> API calls, one error boundary.
 */
export class TelegramChannel implements ChannelSender {
  readonly name = 'telegram' as const;
  readonly bot: Bot;
  private runner: RunnerHandle | null = null;
  /** Updates being handled, so stop() can wait until their replies are sent. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sending = new KeyedQueue();

  constructor(
    private readonly app: App,
    private readonly options: TelegramOptions,
  ) {
    this.bot = new Bot(options.token, { botInfo: options.botInfo, client: { apiRoot: options.apiRoot } });
    const { logger, pseudo } = app.services;
    // Failed calls are logged as {channel, method, code} (and a pseudonymised chat), never with their payload:
    // each refused attempt at debug level, and a call that still fails after auto-retry as a warning, thrown
    // as a DeliveryError.
    this.bot.api.config.use(
      attemptFailures((method, code) =>
        logger.debug({ channel: this.name, method, code }, 'telegram api attempt refused'),
      ),
    );
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
    this.bot.api.config.use(
      deliveryErrors(({ failure, chatId }) =>
        logger.warn(
          {
            ...failureFields(failure),
            ...(chatId === undefined ? {} : { chat: pseudo(`${this.name}:${chatId}`) }),
          },
          'telegram api call failed',
        ),
      ),
    );
    this.bot.use(async (_ctx, next) => {
      const work = next();
      this.inFlight.add(work);
      try {
        await work;
      } finally {
        this.inFlight.delete(work);
      }
    });
    this.bot.on('message', (ctx) => this.onMessage(ctx));
    this.bot.on('callback_query:data', (ctx) => this.onCallback(ctx));
    this.bot.catch((error) => {
      logger.error(
        { ...safeTelegramError(error.error), update: error.ctx.update.update_id },
        'telegram update failed',
      );
    });
  }

  async start(http?: Hono): Promise<void> {
    await this.bot.init();
    const { logger } = this.app.services;
    if (this.options.webhookUrl) {
      if (!http) throw new Error('webhook mode needs the HTTP server');
      http.post(
        TELEGRAM_WEBHOOK_PATH,
        webhookCallback(this.bot, 'hono', { secretToken: this.options.webhookSecret }),
      );
      await this.bot.api.setWebhook(this.options.webhookUrl, {
        secret_token: this.options.webhookSecret,
        allowed_updates: ['message', 'callback_query'],
      });
      logger.info({ mode: 'webhook' }, 'telegram started');
    } else {
      await this.bot.api.deleteWebhook();
      this.runner = run(this.bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] } } });
      // A revoked token (401) or a second bot polling the same token (409) ends polling: say so, keep the rest up.
      this.runner.task()?.catch((error: unknown) => {
        logger.fatal(
          safeTelegramError(error),
          'telegram polling stopped; check TELEGRAM_BOT_TOKEN and that no other bot uses it',
        );
      });
      logger.info({ mode: 'polling', bot: this.bot.botInfo.username }, 'telegram started');
    }
    await this.bot.api
      .setMyCommands([
        { command: 'menu', description: 'Main menu' },
        { command: 'help', description: 'Help' },
        { command: 'language', description: 'Change language' },
        { command: 'cancel', description: 'Stop what you are doing' },
      ])
      .catch((error) => logger.warn(safeTelegramError(error), 'could not set telegram commands'));
  }

  /** Stops receiving; resolves once the updates already fetched are handled and their replies sent. */
  async stop(): Promise<void> {
    if (this.runner?.isRunning()) await this.runner.stop();
    this.runner = null;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Sends in order; rejects with a DeliveryError (already logged, safely) at the first call that fails. */
  async send(ref: string, messages: OutMessage[]): Promise<void> {
    await renderTelegram(this.bot.api, ref, messages);
  }

  private async onMessage(ctx: Context): Promise<void> {
    if (ctx.chat?.type !== 'private' || !ctx.message) return;
    const payload = payloadOf(ctx, (fileId, limit) => this.download(fileId, limit));
    if (payload) await this.handle(ctx, payload, String(ctx.message.message_id));
  }

  private async onCallback(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery;
    if (!query?.data || ctx.chat?.type !== 'private') return;
    // Not awaited first: the tap enters the chat's order at once, like a message would.
    const answered = ctx.answerCallbackQuery().catch(() => undefined);
    await this.handle(ctx, { kind: 'choice', id: query.data }, `cb:${query.id}`);
    await answered;
  }

  private async handle(ctx: Context, payload: InboundPayload, messageId: string): Promise<void> {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    // The runner handles updates concurrently. The engine handles one chat's messages in the order they came; the
    // replies are sent in that order too, through a queue per chat entered at once, before anything is awaited
    // (lighter than holding the runner's update pipeline per chat).
    const replies = this.app.receive({
      channel: 'telegram',
      ref: String(chatId),
      messageId,
      at: new Date(),
      payload,
      langHint: ctx.from?.language_code,
    });
    await this.sending.run(String(chatId), async () => renderTelegram(this.bot.api, chatId, await replies));
  }

  /**
   * getFile, then the file itself, read as it streams in and dropped once it passes `limit`. Failures reject with
   * DocumentTooLargeError or DocumentFetchError and are logged by code only (the URL holds the bot token).
   */
  private async download(fileId: string, limit: number): Promise<Uint8Array> {
    try {
      const file = await this.bot.api.getFile(fileId);
      if (file.file_size !== undefined && file.file_size > limit)
        throw new DocumentTooLargeError(file.file_size, limit);
      if (!file.file_path) throw new DocumentFetchError(this.name, 'no-file-path');
      const response = await fetch(
        `${this.options.apiRoot}/file/bot${this.options.token}/${file.file_path}`,
        {
          signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
        },
      );
      if (!response.ok) {
        await response.body?.cancel();
        throw new DocumentFetchError(this.name, response.status);
      }
      return await readLimited(response, limit);
    } catch (error) {
      const failure = fetchFailure(this.name, error);
      if (failure instanceof DocumentFetchError)
        this.app.services.logger.warn(
          { channel: this.name, method: 'downloadFile', code: failure.code },
          'telegram document download failed',
        );
      throw failure;
    }
  }
}
