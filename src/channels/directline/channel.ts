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
import { addressPseudonym } from '../../http/address';
import { DirectLineAdapter, type OutboundSink } from './adapter';
import { ATTACHMENT_PATH, CHANNEL_ID, fromBotActivity, parseDataUrl, safeFileName, toActivity, toDataUrl, type Parsed } from './mapping';
import { ADAPTIVE_CARD, cardOnlyAttachments, mapCardStrings } from '../cards';
import { DirectLineStore, type StoredActivity } from './store';
import { StreamHub } from './streams';
import { DirectLineTokens } from './tokens';
import type { TurnQueue } from '../turnQueue';
import { isStorageRefused, sqlOf, type Sql } from '../../db/sql';
import { inTurn, TurnWrites } from '../../db/turnWrites';

/** How long a claimed inbox entry may stay before another instance takes it over (a crashed claimer). */
const INBOX_STALE_MS = 30_000;

/** The database refused to keep a customer's message (full disk, read-only file): the POST answers 503. */
export class NotStoredError extends Error {
  constructor(cause: unknown) {
    super('the database refused to store the message', { cause });
    this.name = 'NotStoredError';
  }
}

/** A file a customer uploaded, already checked (size, real type). */
export interface UploadedFile {
  fileName: string;
  contentType: string;
  data: Buffer;
}

/** The polite "too many people are writing" answer, marked so that clients and the load bench can tell it apart. */
function busyReply(locale: string | undefined): Partial<Activity> {
  return { type: 'message', text: t(toLocale(locale), 'webchat.busy'), channelData: { kropla: { busy: true } } };
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
  readonly queue: TurnQueue;
  private readonly sql: Sql;
  private readonly startedAt = new Date();
  private inboxTimer: NodeJS.Timeout | null = null;
  private recovering = false;

  constructor(private readonly app: App, opts: { pollMs?: number } = {}) {
    this.log = app.log.child({ channel: CHANNEL_ID });
    this.queue = app.turns;
    this.sql = sqlOf(app.ds);
    app.cluster.on('dl', ({ c, s }) => this.hub.appendedElsewhere(c, s));
    this.store = new DirectLineStore(app.ds);
    this.hub = new StreamHub(this.store, this.log, { pollMs: opts.pollMs });
    this.tokens = new DirectLineTokens(app.config.webchat.tokenSecret, app.config.webchat.tokenTtlSeconds);
    this.adapter = new DirectLineAdapter(this);
    this.adapter.onTurnError = async (context, error) => {
      const notStored = isStorageRefused(error);
      this.log.error({ err: error, conversationId: context.activity.conversation?.id, notStored }, 'web chat turn failed');
      try {
        // A write the database refused: the customer is told it was not saved (never a confirmation of it).
        await context.sendActivity(t(toLocale(context.activity.locale), notStored ? 'webchat.notSaved' : 'webchat.turnError'));
      } catch {
        // the conversation may be gone; nothing more to do
      }
    };
  }

  /** A stored activity: to this process's streams, and to the other instances' (they catch up at once). */
  private published(conversationId: string, saved: StoredActivity): void {
    this.hub.published(conversationId, saved);
    this.app.cluster.publish('dl', { c: conversationId, s: saved.seq });
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
  /**
   * Overload ({@link TurnQueue.shed}): the message gets no turn and nothing is stored, yet the customer is answered
   * at once. This process's open sockets of the conversation get the message's echo (so Web Chat shows it as sent,
   * not as "sending" for its 20-s timeout) and the polite busy reply, both unstored: a reload shows neither, as
   * nothing was done with the message, and it can simply be written again. Costs a parse and two socket writes.
   */
  shed(conversationId: string, userId: string, body: unknown): Parsed<{ id: string }> {
    const timestamp = new Date().toISOString();
    const parsed = toActivity(body, { conversationId, userId, timestamp });
    if (!parsed.ok) return parsed;
    const inbound = parsed.value;
    const id = `${conversationId}|busy-${++this.shedSeq}`;
    if (inbound.type === 'typing') return { ok: true, value: { id: `${conversationId}|typing` } };
    this.hub.ephemeral(conversationId, { ...inbound, id });
    this.hub.ephemeral(conversationId, fromBotActivity(busyReply(inbound.locale), { conversationId, userId, id: `${id}|reply`, timestamp, replyToId: id }));
    return { ok: true, value: { id } };
  }

  private shedSeq = 0;

  async receive(conversationId: string, userId: string, body: unknown, files: UploadedFile[] = [], from: { address?: string } = {}): Promise<Parsed<{ id: string; retryAfterSeconds?: number }>> {
    const scope = { conversationId, userId, timestamp: new Date().toISOString() };
    const stored: BfAttachment[] = [];
    const forBotFiles: BfAttachment[] = [];
    const parsed = toActivity(body, scope, files.length ? { allowAttachments: [{ contentType: 'application/octet-stream' }] } : {});
    if (!parsed.ok) return parsed;
    const inbound = parsed.value;
    if (inbound.type === 'typing') return { ok: true, value: { id: `${conversationId}|typing` } };
    try {
      let saved: StoredActivity;
      const chatId = await this.chatFor(inbound);
      for (const f of files) {
        const key = await this.store.saveFile({ chatId, fileName: f.fileName, contentType: f.contentType, data: f.data });
        const link = ATTACHMENT_PATH + key;
        // Web Chat shows a user's upload as an image only when it has a thumbnail.
        stored.push({ contentType: f.contentType, contentUrl: link, name: f.fileName, ...(f.contentType.startsWith('image/') ? { thumbnailUrl: link } : {}) });
        forBotFiles.push({ contentType: f.contentType, contentUrl: toDataUrl(f.contentType, f.data), name: f.fileName });
      }
      const admitted = this.queue.admit();
      const forBotOf = (a: Partial<Activity>): Partial<Activity> => {
        const forBot: Partial<Activity> = { ...a, ...(files.length ? { attachments: forBotFiles } : {}) };
        // The client's address (a pseudonym) goes to the bot's turn only (link-code guess counting), never into the stored activity.
        if (from.address) forBot.channelData = { ...((a.channelData as object | undefined) ?? {}), clientAddress: addressPseudonym(from.address) };
        return forBot;
      };
      try {
        // The durable inbox: written with the message, in one transaction, before the POST is answered, so a
        // crash cannot lose it.
        saved = await this.store.append(
          conversationId,
          (id) => ({ ...inbound, id, ...(files.length ? { attachments: stored } : { attachments: undefined }) }),
          admitted ? (s) => [{ sql: 'INSERT INTO directline_inbox ("activityId", "conversationId", "seq", "activity", "claimedBy", "claimedAt") VALUES ($1, $2, $3, $4, $5, $6)', params: [s.activity.id, conversationId, s.seq, JSON.stringify(forBotOf(s.activity)), this.app.config.instanceId, new Date()] }] : undefined,
        );
      } catch (e) {
        if (admitted) this.queue.release();
        throw e;
      }
      this.published(conversationId, saved);
      const id = saved.activity.id as string;
      this.log.debug({ conversationId, seq: saved.seq, type: inbound.type, admitted }, 'activity received');
      if (!admitted) {
        // Saturated: a fast, polite answer now instead of a long wait (the customer's message is kept).
        await this.append(conversationId, userId, busyReply(inbound.locale), id);
        return { ok: true, value: { id, retryAfterSeconds: 5 } };
      }
      this.schedule(conversationId, forBotOf(saved.activity), id);
      return { ok: true, value: { id } };
    } catch (e) {
      throw this.notStored(conversationId, userId, inbound.locale, e);
    }
  }

  /**
   * A write of the message that the database refused (full disk, read-only file): the customer's open streams
   * are told at once that it was not saved (a message that is not stored either), and the POST answers 503.
   * Any other error is returned as it is.
   */
  private notStored(conversationId: string, userId: string, locale: string | undefined, e: unknown): unknown {
    if (!isStorageRefused(e)) return e;
    this.log.warn({ err: e, conversationId }, 'web chat message not stored: the database refused the write');
    this.streamOnly(conversationId, userId, { type: 'message', text: t(toLocale(locale), 'webchat.notSaved'), channelData: { kropla: { notStored: true } } });
    return new NotStoredError(e);
  }

  private notices = 0;

  /** A bot message over the open streams only (not stored: gone on a reload); returns its id. */
  private streamOnly(conversationId: string, userId: string, activity: Partial<Activity>, replyToId?: string): string {
    const id = `${conversationId}|notice-${Date.now().toString(36)}-${++this.notices}`;
    this.hub.ephemeral(conversationId, fromBotActivity(activity, { conversationId, userId, id, timestamp: new Date().toISOString(), replyToId }));
    return id;
  }

  /**
   * Queues the bot's turn behind earlier turns of the same conversation. The inbox entry goes in the turn's
   * one transaction with its transcript and bot state (at the state's save, the turn's end), or after the turn.
   */
  private schedule(conversationId: string, activity: Partial<Activity>, inboxId: string): void {
    const prev = this.turns.get(conversationId) ?? Promise.resolve();
    const writes = new TurnWrites(this.sql);
    writes.defer('DELETE FROM directline_inbox WHERE "activityId" = $1', [inboxId]);
    const turn = prev
      .then(() => this.queue.run(() => inTurn(writes, () => this.adapter.processActivity(activity, (ctx) => this.app.bot.run(ctx)))))
      .then(() => writes.close())
      .then(
        () => undefined,
        (e: unknown) => this.log.error({ err: e, conversationId }, 'web chat turn crashed'),
      );
    this.turns.set(conversationId, turn);
    this.pending.add(turn);
    void turn.then(() => {
      this.pending.delete(turn);
      if (this.turns.get(conversationId) === turn) this.turns.delete(conversationId);
    });
  }

  /**
   * Processes what a crash left in the inbox: entries claimed before this process started (SQLite
   * has one process) or not touched for {@link INBOX_STALE_MS} (an instance that died). A turn
   * that already answered (a reply to the activity is stored) is not run again.
   */
  async recoverInbox(): Promise<number> {
    if (this.recovering) return 0;
    this.recovering = true;
    try {
      const stale = this.sql.sqlite ? this.startedAt : new Date(Date.now() - INBOX_STALE_MS);
      const rows = await this.sql.rows<{ activityId: string; conversationId: string; seq: number | string; activity: string }>(
        'SELECT "activityId", "conversationId", "seq", "activity" FROM directline_inbox WHERE "claimedAt" IS NULL OR "claimedAt" < $1 ORDER BY "createdAt", "seq" LIMIT 500',
        [stale],
      );
      let n = 0;
      for (const r of rows) {
        const claimed = await this.sql.run('UPDATE directline_inbox SET "claimedBy" = $1, "claimedAt" = $2 WHERE "activityId" = $3 AND ("claimedAt" IS NULL OR "claimedAt" < $4)', [this.app.config.instanceId, new Date(), r.activityId, stale]);
        if (!claimed) continue; // another instance took it
        const replied = await this.sql.one('SELECT 1 AS "x" FROM directline_activity WHERE "conversationId" = $1 AND "seq" > $2 AND "activity" LIKE $3 LIMIT 1', [r.conversationId, Number(r.seq), `%"replyToId":${JSON.stringify(r.activityId)}%`]);
        if (replied) {
          await this.sql.run('DELETE FROM directline_inbox WHERE "activityId" = $1', [r.activityId]);
          continue;
        }
        this.queue.admit(0, true);
        this.schedule(r.conversationId, JSON.parse(r.activity) as Partial<Activity>, r.activityId);
        n++;
      }
      if (n) this.log.info({ turns: n }, 'web chat turns recovered from the inbox');
      return n;
    } finally {
      this.recovering = false;
    }
  }

  /** Recovers the inbox now and then every few seconds (entries of instances that died). */
  startInbox(): void {
    const tick = () => void this.recoverInbox().catch((e: unknown) => this.log.error({ err: e }, 'web chat inbox recovery failed'));
    tick();
    this.inboxTimer = setInterval(tick, 5000);
    this.inboxTimer.unref();
    this.queue.watchEventLoop();
  }

  /** Resolves when every scheduled turn has finished (tests, benchmarks, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /**
   * Stores a bot activity's `data:` attachments as files and links them by path (in a card too);
   * a file that the activity's card already shows is not sent a second time.
   */
  private async storeAttachments(conversationId: string, activity: Partial<Activity>): Promise<Partial<Activity>> {
    if (!activity.attachments?.some((a) => a.contentUrl?.startsWith('data:'))) return activity;
    const chatId = this.chatIds.get(conversationId) ?? (await this.app.ds.getRepository(ChatConversation).findOne({ where: { channel: CHANNEL_ID, conversationId }, select: { id: true } }))?.id ?? null;
    const attachments: BfAttachment[] = [];
    const links = new Map<string, string>();
    for (const a of activity.attachments) {
      const file = parseDataUrl(a.contentUrl);
      if (!file || !a.contentUrl) {
        attachments.push(a);
        continue;
      }
      const contentType = a.contentType && a.contentType !== 'application/octet-stream' ? a.contentType : file.contentType;
      const fileName = safeFileName(a.name, contentType);
      const key = await this.store.saveFile({ chatId, fileName, contentType, data: file.data });
      links.set(a.contentUrl, ATTACHMENT_PATH + key);
      attachments.push({ ...a, contentType, name: fileName, contentUrl: ATTACHMENT_PATH + key });
    }
    const linked = attachments.map((a) => (a.contentType === ADAPTIVE_CARD ? { ...a, content: mapCardStrings(a.content, (s) => links.get(s) ?? s) } : a));
    return cardOnlyAttachments({ ...activity, attachments: linked });
  }

  /**
   * A reply of a turn: stored and streamed; when the database refuses it (full disk), still streamed to the
   * customer's open windows, so what the bot says — "not saved" above all — reaches them.
   */
  async reply(conversationId: string, userId: string, activity: Partial<Activity>, replyToId?: string): Promise<string> {
    try {
      return await this.append(conversationId, userId, activity, replyToId);
    } catch (e) {
      if (!isStorageRefused(e)) throw e;
      this.log.warn({ err: e, conversationId }, 'web chat reply not stored: sent over the open streams only');
      return this.streamOnly(conversationId, userId, activity, replyToId);
    }
  }

  /** Stores and streams a bot activity (a reply, a proactive message); throws when it cannot be stored. */
  async append(conversationId: string, userId: string, activity: Partial<Activity>, replyToId?: string): Promise<string> {
    const withFiles = await this.storeAttachments(conversationId, activity);
    const timestamp = new Date().toISOString();
    const saved: StoredActivity = await this.store.append(conversationId, (id) => fromBotActivity(withFiles, { conversationId, userId, id, timestamp, replyToId }));
    this.published(conversationId, saved);
    return saved.activity.id as string;
  }

  ephemeral(conversationId: string, userId: string, activity: Partial<Activity>): void {
    const wire = fromBotActivity(activity, { conversationId, userId, id: `${conversationId}|typing`, timestamp: new Date().toISOString() });
    this.hub.ephemeral(conversationId, wire);
  }

  async stop(): Promise<void> {
    if (this.inboxTimer) clearInterval(this.inboxTimer);
    this.queue.stop();
    await this.idle();
    await this.hub.close();
  }
}
