/**
 * What every channel (web chat, Telegram, Bot Framework) gives the rest of Kropla
 * for proactive delivery: a sender that takes a stored conversation reference and an activity.
 */
import type { Activity, ConversationReference } from 'botbuilder';

export type DeliveryResult =
  | { ok: true }
  /** The user blocked the bot or the chat is gone: record it and do not try again. */
  | { ok: false; kind: 'blocked'; error: string }
  /** Try again later (rate limit, network); `retryAfterMs` when the channel said how long. */
  | { ok: false; kind: 'retry'; error: string; retryAfterMs?: number }
  /** Will never succeed (bad request). */
  | { ok: false; kind: 'permanent'; error: string };

export interface ChannelSender {
  /** Channel id as in `activity.channelId`: `webchat`, `telegram`, `msteams`, … */
  readonly channel: string;
  /** Most messages a second this channel may send in total (the worker paces to it). */
  readonly ratePerSecond: number;
  /**
   * Messages a second for messages marked as a paid broadcast (`channelData.kropla.paidBroadcast`, Telegram's
   * `allow_paid_broadcast`), paced apart from the rest; none: the channel has no such thing.
   */
  readonly paidRatePerSecond?: number;
  /** Least time between two messages to the same chat, ms (Telegram: 1000). */
  readonly perChatIntervalMs: number;
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<DeliveryResult>;
}
