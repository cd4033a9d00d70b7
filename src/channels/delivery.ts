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
  | { status: 'sent'; channel: ChannelName }
  | {
      status: 'failed';
      /** unreachable: no running channel reaches her, or the platform says she cannot be reached; inactive: her
       * account is off; temporary: a rate limit, a server error or the network (another try may work). */
      reason: 'unreachable' | 'inactive' | 'temporary';
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
    const outcomes: DeliveryOutcome[] = pushes.map(() => ({ status: 'failed', reason: 'unreachable' }));
    for (const [userId, indexes] of byUser) {
      const messages = indexes.map((i) => (pushes[i] as { message: OutMessage }).message);
      const outcome = await this.deliverTo(userId, messages);
      for (const i of indexes) outcomes[i] = outcome;
    }
    return outcomes;
  }

  private async deliverTo(userId: string, messages: OutMessage[]): Promise<DeliveryOutcome> {
    const user = await this.users.get(userId);
    if (!user?.active) return { status: 'failed', reason: 'inactive' };
    const candidates = [user.lastAddress, ...user.addresses].filter((a): a is string => a !== null);
    const target = candidates
      .map((address) => ({ address, sep: address.indexOf(':') }))
      .map(({ address, sep }) => ({
        sender: this.senders.get(address.slice(0, sep) as ChannelName),
        ref: address.slice(sep + 1),
      }))
      .find((c) => c.sender !== undefined);
    if (!target?.sender) {
      this.logger.warn(
        { user: this.pseudo(userId), count: messages.length },
        'no running channel reaches this user',
      );
      return { status: 'failed', reason: 'unreachable' };
    }
    try {
      await target.sender.send(target.ref, messages);
      return { status: 'sent', channel: target.sender.name };
    } catch (error) {
      const safe = isDeliveryError(error)
        ? failureFields(error)
        : { channel: target.sender.name, error: (error as Error)?.name ?? 'Error' };
      this.logger.error({ ...safe, user: this.pseudo(userId) }, 'push failed');
      const permanent = isDeliveryError(error) && error.permanent;
      return { status: 'failed', reason: permanent ? 'unreachable' : 'temporary' };
    }
  }
}
