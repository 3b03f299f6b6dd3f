/**
 * The self-hosted Direct Line channel: takes a customer's activity (and uploaded files), stores
 * and echoes it, runs the bot's turn (one at a time per conversation), and stores and streams
 * whatever the bot sends — replies and proactive messages alike.
 */
import { TurnContext, type Activity, type Attachment as BfAttachment } from 'botbuilder';
import type { Logger } from 'pino';
import type { App } from '../../app';
import { ChatConversation } from '../../../models';
import { t, toLocale } from '../../i18n/i18n';
import { DirectLineAdapter, type OutboundSink } from './adapter';
import { ATTACHMENT_PATH, CHANNEL_ID, fromBotActivity, parseDataUrl, safeFileName, toActivity, toDataUrl, type Parsed } from './mapping';
import { DirectLineStore, type StoredActivity } from './store';
import { StreamHub } from './streams';
import { DirectLineTokens } from './tokens';

/** A file a customer uploaded, already checked (size, real type). */
export interface UploadedFile {
  fileName: string;
  contentType: string;
  data: Buffer;
}

export class DirectLineChannel implements OutboundSink {
  readonly store: DirectLineStore;
  readonly hub: StreamHub;
  readonly tokens: DirectLineTokens;
  readonly adapter: DirectLineAdapter;
  readonly log: Logger;
  private readonly chatIds = new Map<string, number>();
  private readonly turns = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly app: App, opts: { pollMs?: number } = {}) {
    this.log = app.log.child({ channel: CHANNEL_ID });
    this.store = new DirectLineStore(app.ds);
    this.hub = new StreamHub(this.store, this.log, { pollMs: opts.pollMs });
    this.tokens = new DirectLineTokens(app.config.webchat.tokenSecret, app.config.webchat.tokenTtlSeconds);
    this.adapter = new DirectLineAdapter(this);
    this.adapter.onTurnError = async (context, error) => {
      this.log.error({ err: error, conversationId: context.activity.conversation?.id }, 'web chat turn failed');
      try {
        await context.sendActivity(t(toLocale(context.activity.locale), 'webchat.turnError'));
      } catch {
        // the conversation may be gone; nothing more to do
      }
    };
  }

  /** The chat record of a conversation (created on its first message), for files and proactive delivery. */
  async chatFor(activity: Partial<Activity>): Promise<number> {
    const conversationId = activity.conversation?.id ?? '';
    const cached = this.chatIds.get(conversationId);
    if (cached !== undefined) return cached;
    const found = await this.app.ds.getRepository(ChatConversation).findOne({ where: { channel: CHANNEL_ID, conversationId }, select: { id: true } });
    let chatId = found?.id;
    if (chatId === undefined) {
      const reference = { ...TurnContext.getConversationReference(activity), activityId: undefined };
      const chat = await this.app.services.chats.touch({ channel: CHANNEL_ID, conversationId, userId: activity.from?.id ?? '', reference, locale: toLocale(activity.locale) });
      chatId = chat.id;
    }
    if (this.chatIds.size > 50_000) this.chatIds.clear();
    this.chatIds.set(conversationId, chatId);
    return chatId;
  }

  /**
   * A customer's activity: validated, stored (the echo Web Chat waits for), and handed to the bot.
   * Uploaded files are stored and reach the bot as `data:` URLs. Returns the activity id.
   */
  async receive(conversationId: string, userId: string, body: unknown, files: UploadedFile[] = [], from: { address?: string } = {}): Promise<Parsed<{ id: string }>> {
    const scope = { conversationId, userId, timestamp: new Date().toISOString() };
    const stored: BfAttachment[] = [];
    const forBot: BfAttachment[] = [];
    const parsed = toActivity(body, scope, files.length ? { allowAttachments: [{ contentType: 'application/octet-stream' }] } : {});
    if (!parsed.ok) return parsed;
    const inbound = parsed.value;
    if (inbound.type === 'typing') return { ok: true, value: { id: `${conversationId}|typing` } };
    const chatId = await this.chatFor(inbound);
    for (const f of files) {
      const key = await this.store.saveFile({ chatId, fileName: f.fileName, contentType: f.contentType, data: f.data });
      const link = ATTACHMENT_PATH + key;
      // Web Chat shows a user's upload as an image only when it has a thumbnail.
      stored.push({ contentType: f.contentType, contentUrl: link, name: f.fileName, ...(f.contentType.startsWith('image/') ? { thumbnailUrl: link } : {}) });
      forBot.push({ contentType: f.contentType, contentUrl: toDataUrl(f.contentType, f.data), name: f.fileName });
    }
    const saved = await this.store.append(conversationId, (id) => ({ ...inbound, id, ...(files.length ? { attachments: stored } : { attachments: undefined }) }));
    this.hub.published(conversationId, saved);
    this.log.debug({ conversationId, seq: saved.seq, type: inbound.type }, 'activity received');
    // The client's address key goes to the bot's turn only (guess counting), never into the stored activity.
    const forTurn: Partial<Activity> = { ...saved.activity, ...(files.length ? { attachments: forBot } : {}) };
    if (from.address) forTurn.channelData = { ...((saved.activity.channelData as object | undefined) ?? {}), clientAddress: from.address };
    this.schedule(conversationId, forTurn);
    return { ok: true, value: { id: saved.activity.id as string } };
  }

  /** Queues the bot's turn behind earlier turns of the same conversation. */
  private schedule(conversationId: string, activity: Partial<Activity>): void {
    const prev = this.turns.get(conversationId) ?? Promise.resolve();
    const turn = prev.then(() => this.adapter.processActivity(activity, (ctx) => this.app.bot.run(ctx))).catch((e: unknown) => this.log.error({ err: e, conversationId }, 'web chat turn crashed'));
    this.turns.set(conversationId, turn);
    this.pending.add(turn);
    void turn.then(() => {
      this.pending.delete(turn);
      if (this.turns.get(conversationId) === turn) this.turns.delete(conversationId);
    });
  }

  /** Resolves when every scheduled turn has finished (tests, benchmarks, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Stores a bot activity's `data:` attachments as files and links them by path. */
  private async storeAttachments(conversationId: string, activity: Partial<Activity>): Promise<Partial<Activity>> {
    if (!activity.attachments?.some((a) => a.contentUrl?.startsWith('data:'))) return activity;
    const chatId = this.chatIds.get(conversationId) ?? (await this.app.ds.getRepository(ChatConversation).findOne({ where: { channel: CHANNEL_ID, conversationId }, select: { id: true } }))?.id ?? null;
    const attachments: BfAttachment[] = [];
    for (const a of activity.attachments) {
      const file = parseDataUrl(a.contentUrl);
      if (!file) {
        attachments.push(a);
        continue;
      }
      const contentType = a.contentType && a.contentType !== 'application/octet-stream' ? a.contentType : file.contentType;
      const fileName = safeFileName(a.name, contentType);
      const key = await this.store.saveFile({ chatId, fileName, contentType, data: file.data });
      attachments.push({ ...a, contentType, name: fileName, contentUrl: ATTACHMENT_PATH + key });
    }
    return { ...activity, attachments };
  }

  async append(conversationId: string, userId: string, activity: Partial<Activity>, replyToId?: string): Promise<string> {
    const withFiles = await this.storeAttachments(conversationId, activity);
    const timestamp = new Date().toISOString();
    const saved: StoredActivity = await this.store.append(conversationId, (id) => fromBotActivity(withFiles, { conversationId, userId, id, timestamp, replyToId }));
    this.hub.published(conversationId, saved);
    return saved.activity.id as string;
  }

  ephemeral(conversationId: string, userId: string, activity: Partial<Activity>): void {
    const wire = fromBotActivity(activity, { conversationId, userId, id: `${conversationId}|typing`, timestamp: new Date().toISOString() });
    this.hub.ephemeral(conversationId, wire);
  }

  async stop(): Promise<void> {
    await this.idle();
    await this.hub.close();
  }
}
