/**
 * Proactive delivery to Telegram for the outbox (outage alerts, staff replies). Uses a grammY `Api`
 * WITHOUT auto-retry so that the {@link OutboxWorker} sees 429s and paces itself by `retry_after`.
 *
 * @example
 * app.registerSender(new TelegramSender(new Api(token, { apiRoot }), 25, codec));
 */
import type { Activity, ConversationReference } from 'botbuilder';
import type { Api } from 'grammy';
import type { ChannelSender, DeliveryResult } from '../types';
import { deliveryResultOf, execute } from './calls';
import { CallbackDataCodec, fromActivity, type BotApiCall } from './mapping';

/** Whether an outbox activity was queued as a paid broadcast (`channelData.kropla.paidBroadcast`). */
export function isPaidBroadcast(activity: Partial<Activity>): boolean {
  return (activity.channelData as { kropla?: { paidBroadcast?: unknown } } | undefined)?.kropla?.paidBroadcast === true;
}

export class TelegramSender implements ChannelSender {
  readonly channel = 'telegram';
  /** Telegram allows about one message a second to one chat. */
  readonly perChatIntervalMs = 1000;

  constructor(
    private readonly api: Api,
    /** Messages a second over all chats (Telegram's broadcast limit is about 30). */
    readonly ratePerSecond: number,
    private readonly codec: CallbackDataCodec = new CallbackDataCodec(),
    /** The pace of paid-broadcast messages (Telegram allows up to 1,000 a second with `allow_paid_broadcast`). */
    readonly paidRatePerSecond?: number,
  ) {}

  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<DeliveryResult> {
    const chatId = reference.conversation?.id;
    if (!chatId) return { ok: false, kind: 'permanent', error: 'reference without conversation id' };
    let calls: BotApiCall[];
    try {
      calls = fromActivity({ type: 'message', ...activity, locale: activity.locale ?? reference.locale }, { chatId, encodeCallbackData: (v) => this.codec.encode(v) });
    } catch (e) {
      return { ok: false, kind: 'permanent', error: `cannot show the activity: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (!calls.length) return { ok: false, kind: 'permanent', error: 'nothing to send' };
    // A paid broadcast (an operator's opt-in for a failure notice, within its budget): past the free limits, for a fee.
    if (this.paidRatePerSecond && isPaidBroadcast(activity)) {
      for (const call of calls) if (call.method !== 'sendChatAction') Object.assign(call.payload, { allow_paid_broadcast: true });
    }
    try {
      for (const call of calls) await execute(this.api, call);
      return { ok: true };
    } catch (e) {
      return deliveryResultOf(e);
    }
  }
}
