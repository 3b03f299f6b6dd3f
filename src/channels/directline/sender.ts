/**
 * Proactive delivery to web chat (outage alerts, staff replies): the activity is appended to the
 * stored conversation and pushed to its open streams; clients on other instances catch up from
 * the database.
 */
import type { Activity, ConversationReference } from 'botbuilder';
import type { ChannelSender, DeliveryResult } from '../types';
import type { DirectLineChannel } from './channel';
import { CHANNEL_ID } from './mapping';

export class WebChatSender implements ChannelSender {
  readonly channel = CHANNEL_ID;
  readonly ratePerSecond = 200;
  readonly perChatIntervalMs = 0;

  constructor(private readonly dl: DirectLineChannel) {}

  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<DeliveryResult> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) return { ok: false, kind: 'permanent', error: 'reference without a conversation id' };
    try {
      const conversation = await this.dl.store.conversation(conversationId);
      if (!conversation) return { ok: false, kind: 'blocked', error: 'web chat conversation gone' };
      await this.dl.append(conversationId, conversation.userId, activity);
      return { ok: true };
    } catch (e) {
      return { ok: false, kind: 'retry', error: e instanceof Error ? e.message : String(e) };
    }
  }
}
