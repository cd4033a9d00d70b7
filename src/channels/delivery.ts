import type { ChannelName, OutMessage, Push } from '../core/messages.js';
import type { Logger, Pseudonymiser } from '../logging/logger.js';
import type { UserRepo } from '../store/port.js';

/** What a channel offers the rest of the app: sending to one of its chats. */
export interface ChannelSender {
  readonly name: ChannelName;
  send(ref: string, messages: OutMessage[]): Promise<void>;
}

/**
 * Delivers messages the bot starts (alerts, reminders, "X joined") to a person on the channel she used last,
 * or on another of her linked channels that is running.
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

  async deliver(pushes: Push[]): Promise<void> {
    const byUser = new Map<string, OutMessage[]>();
    for (const push of pushes) byUser.set(push.userId, [...(byUser.get(push.userId) ?? []), push.message]);
    for (const [userId, messages] of byUser) {
      const user = await this.users.get(userId);
      if (!user?.active) continue;
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
        continue;
      }
      try {
        await target.sender.send(target.ref, messages);
      } catch (error) {
        this.logger.error(
          { err: error, user: this.pseudo(userId), channel: target.sender.name },
          'push failed',
        );
      }
    }
  }
}
