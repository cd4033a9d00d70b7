import type { DeliveryAttempt } from '../core/flow.js';
import type { ChannelName, OutMessage } from '../core/messages.js';
import type { Logger, Pseudonymiser } from '../logging/logger.js';
import type { UserRepo } from '../store/port.js';
import { failureFields, isDeliveryError } from './delivery-error.js';

/** What a channel offers the rest of the app: sending to one of its chats (rejects with a DeliveryError). */
export interface ChannelSender {
  readonly name: ChannelName;
  send(ref: string, messages: OutMessage[]): Promise<void>;
}

/** What became of one message for someone else. */
export type DeliveryOutcome =
  | { status: 'sent'; channel: ChannelName; attempts: DeliveryAttempt[] }
  | {
      status: 'failed';
      /** unreachable: no running channel reaches her, or the platform says she cannot be reached; inactive: her
       * account is off; temporary: a rate limit, a server error or the network (another try may work). */
      reason: 'unreachable' | 'inactive' | 'temporary';
      /** Each channel tried, in order (empty when none could be). */
      attempts: DeliveryAttempt[];
    };

/**
 * Delivers messages the bot starts (alerts, reminders, "X joined") to a person on the channel she used last,
 * or on another of her linked channels that is running, and says what became of each.
 */
export class Delivery {
  private readonly senders = new Map<ChannelName, ChannelSender>();

  constructor(
    private readonly users: UserRepo,
    private readonly logger: Logger,
    private readonly pseudo: Pseudonymiser,
  ) {}

  register(sender: ChannelSender): void {
    this.senders.set(sender.name, sender);
  }

  unregister(name: ChannelName): void {
    this.senders.delete(name);
  }

  /** One outcome per push, in order. Never throws: a failure is an outcome, logged without personal data. */
  async deliver(pushes: readonly { userId: string; message: OutMessage }[]): Promise<DeliveryOutcome[]> {
    const byUser = new Map<string, number[]>();
    pushes.forEach((push, i) => {
      byUser.set(push.userId, [...(byUser.get(push.userId) ?? []), i]);
    });
    const outcomes: DeliveryOutcome[] = pushes.map(() => ({
      status: 'failed',
      reason: 'unreachable',
      attempts: [],
    }));
    for (const [userId, indexes] of byUser) {
      const messages = indexes.map((i) => (pushes[i] as { message: OutMessage }).message);
      const outcome = await this.deliverTo(userId, messages);
      for (const i of indexes) outcomes[i] = outcome;
    }
    return outcomes;
  }

  /**
   * Tries her addresses in order (the one she used last first, then her other linked channels) until one takes
   * the messages. A channel that is not running is skipped; a failure on one moves on to the next. The outcome
   * of the last failure counts: 'temporary' when any channel failed only for now (another try may work).
   */
  private async deliverTo(userId: string, messages: OutMessage[]): Promise<DeliveryOutcome> {
    const user = await this.users.get(userId);
    if (!user?.active) return { status: 'failed', reason: 'inactive', attempts: [] };
    const candidates = [
      ...new Set([user.lastAddress, ...user.addresses].filter((a): a is string => a !== null)),
    ]
      .map((address) => ({ address, sep: address.indexOf(':') }))
      .map(({ address, sep }) => ({
        sender: this.senders.get(address.slice(0, sep) as ChannelName),
        ref: address.slice(sep + 1),
      }))
      .filter((c): c is { sender: ChannelSender; ref: string } => c.sender !== undefined);
    if (candidates.length === 0) {
      this.logger.warn(
        { user: this.pseudo(userId), count: messages.length },
        'no running channel reaches this user',
      );
      return { status: 'failed', reason: 'unreachable', attempts: [] };
    }
    const attempts: DeliveryAttempt[] = [];
    for (const { sender, ref } of candidates) {
      try {
        await sender.send(ref, messages);
        attempts.push({ channel: sender.name, status: 'sent' });
        return { status: 'sent', channel: sender.name, attempts };
      } catch (error) {
        const safe = isDeliveryError(error)
          ? failureFields(error)
          : { channel: sender.name, error: (error as Error)?.name ?? 'Error' };
        this.logger.error({ ...safe, user: this.pseudo(userId) }, 'push failed');
        const permanent = isDeliveryError(error) && error.permanent;
        attempts.push({
          channel: sender.name,
          status: 'failed',
          reason: permanent ? 'unreachable' : 'temporary',
        });
      }
    }
    const temporary = attempts.some((a) => a.reason === 'temporary');
    return { status: 'failed', reason: temporary ? 'temporary' : 'unreachable', attempts };
  }
}
