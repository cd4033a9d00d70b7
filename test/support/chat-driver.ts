import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app.js';
import type { ChannelSender } from '../../src/channels/delivery.js';
import { assertNever } from '../../src/core/assert-never.js';
import type { ChannelName, Choice, OutMessage } from '../../src/core/messages.js';

export interface Received {
  to: string;
  message: OutMessage;
}

/**
 * A fake channel that talks to the app like a person would: typing, tapping buttons by their label.
 * Everything sent (replies and pushes to others on this channel) is recorded.
 */
export class ChatDriver implements ChannelSender {
  readonly log: Received[] = [];

  constructor(
    private readonly app: App,
    readonly name: ChannelName = 'cli',
  ) {
    app.delivery.register(this);
  }

  async send(ref: string, messages: OutMessage[]): Promise<void> {
    for (const message of messages) this.log.push({ to: ref, message });
  }

  async text(from: string, text: string, messageId: string = randomUUID()): Promise<OutMessage[]> {
    return this.receive(from, { kind: 'text', text }, messageId);
  }

  async choice(from: string, id: string): Promise<OutMessage[]> {
    return this.receive(from, { kind: 'choice', id }, randomUUID());
  }

  /** Taps the button whose label contains `label` on the last question this person was shown. */
  async tap(from: string, label: string): Promise<OutMessage[]> {
    const choice = this.lastChoices(from).find((c) => c.label.toLowerCase().includes(label.toLowerCase()));
    if (!choice) {
      throw new Error(
        `no button "${label}" for ${from}; shown: ${this.lastChoices(from)
          .map((c) => c.label)
          .join(' | ')}`,
      );
    }
    return this.choice(from, choice.id);
  }

  lastChoices(from: string): Choice[] {
    for (let i = this.log.length - 1; i >= 0; i--) {
      const entry = this.log[i];
      if (entry?.to === from && entry.message.type === 'choices') return entry.message.choices;
    }
    return [];
  }

  /** Everything this person has been sent, as plain text (questions with their buttons). */
  transcript(from: string): string[] {
    return this.log.filter((e) => e.to === from).map((e) => render(e.message));
  }

  async receive(
    from: string,
    payload: Parameters<App['receive']>[0]['payload'],
    messageId?: string,
  ): Promise<OutMessage[]> {
    const replies = await this.app.receive({
      channel: this.name,
      ref: from,
      messageId,
      at: new Date(),
      payload,
    });
    for (const message of replies) this.log.push({ to: from, message });
    // Messages for others are delivered in the background after the replies: wait for them, as a person would.
    await this.app.settled();
    return replies;
  }
}

export function render(message: OutMessage): string {
  switch (message.type) {
    case 'text':
      return message.text;
    case 'choices':
      return `${message.text}\n${message.choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n')}`;
    case 'image':
    case 'document':
      return `[${message.type}: ${message.path}] ${message.caption ?? ''}`;
    default:
      return assertNever(message);
  }
}

export const allText = (messages: OutMessage[]): string => messages.map(render).join('\n---\n');
