/**
 * The Bot Framework adapter of the self-hosted Direct Line: inbound activities become turns of
 * the one bot; what the bot sends is appended to the conversation (typing goes over the
 * open streams only). Delivery is delegated to an {@link OutboundSink} so the adapter holds no I/O.
 */
import { BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';

/** Where the adapter puts the bot's activities. */
export interface OutboundSink {
  /** Stores and streams one bot activity of a turn; returns its wire id. */
  reply(conversationId: string, userId: string, activity: Partial<Activity>, replyToId?: string): Promise<string>;
  /** Streams an activity that is not kept (typing). */
  ephemeral(conversationId: string, userId: string, activity: Partial<Activity>): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The user of a turn: the sender of an inbound activity, the recipient otherwise. */
function userOf(activity: Partial<Activity>): string {
  return activity.from?.role === 'bot' ? (activity.recipient?.id ?? '') : (activity.from?.id ?? '');
}

export class DirectLineAdapter extends BotAdapter {
  constructor(private readonly sink: OutboundSink) {
    super();
  }

  /** Runs the bot (`logic`) for one inbound activity through the adapter's middleware. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) throw new Error('DirectLineAdapter: the turn has no conversation id');
    const userId = userOf(context.activity);
    const out: ResourceResponse[] = [];
    for (const a of activities) {
      if (a.type === 'delay') {
        await sleep(Math.min(10_000, typeof a.value === 'number' ? a.value : 1000));
        out.push({ id: '' });
      } else if (a.type === 'trace' || a.type === 'invokeResponse') {
        out.push({ id: '' });
      } else if (a.type === 'typing') {
        this.sink.ephemeral(conversationId, userId, a);
        out.push({ id: '' });
      } else {
        out.push({ id: await this.sink.reply(conversationId, userId, a, a.replyToId ?? context.activity.id) });
      }
    }
    return out;
  }

  async updateActivity(_context: TurnContext, _activity: Partial<Activity>): Promise<void> {
    throw new Error('DirectLineAdapter: updating a sent activity is not supported');
  }

  async deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
    throw new Error('DirectLineAdapter: deleting a sent activity is not supported');
  }

  /** Runs `logic` in a proactive turn of the referenced conversation. */
  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
    await this.processActivity(activity, logic);
  }
}
