/** A channel sender for tests: records what it delivers; a script can answer with failures. */
import type { Activity, ConversationReference } from 'botbuilder';
import type { ChannelSender, DeliveryResult } from '../../src/channels/types';

export class RecordingSender implements ChannelSender {
  readonly channel = 'rec';
  readonly perChatIntervalMs = 0;
  readonly delivered: { chat: string; text: string }[] = [];
  script: (chat: string) => DeliveryResult | null = () => null;
  constructor(readonly ratePerSecond = 1000) {}
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<DeliveryResult> {
    const chat = String(reference.conversation?.id);
    const scripted = this.script(chat);
    if (scripted) return scripted;
    this.delivered.push({ chat, text: String(activity.text) });
    return { ok: true };
  }
}

