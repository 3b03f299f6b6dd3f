/** Chats (where proactive messages go), their transcripts, and erasure on request (GDPR). */
import type { DataSource, EntityManager } from 'typeorm';
import { ReminderOptIn, AlertSubscription, Attachment, BotStateItem, CaseRecord, ChatConversation, ChatLink, DirectLineActivity, OutboxMessage, TranscriptEntry } from '../../models';
import { sqlOf, toDate, type Sql } from '../db/sql';
import { turnWrites } from '../db/turnWrites';

type ChatRow = Omit<ChatConversation, 'createdAt' | 'updatedAt' | 'blockedAt' | 'id' | 'handoffStaffId'> & { id: number | string; handoffStaffId: number | string | null; createdAt: unknown; updatedAt: unknown; blockedAt: unknown };

/** A raw `chat_conversation` row as the entity. */
function chatOf(r: ChatRow): ChatConversation {
  return Object.assign(new ChatConversation(), {
    ...r,
    id: Number(r.id),
    handoffStaffId: r.handoffStaffId === null ? null : Number(r.handoffStaffId),
    blockedAt: toDate(r.blockedAt),
    createdAt: toDate(r.createdAt) as Date,
    updatedAt: toDate(r.updatedAt) as Date,
  });
}

const CHAT_COLUMNS = '"id", "channel", "conversationId", "userId", "reference", "locale", "blockedAt", "handoffStaffId", "handoffState", "createdAt", "updatedAt"';

export interface ChatRef {
  channel: string;
  conversationId: string;
  userId: string;
  /** botbuilder ConversationReference (serialisable). */
  reference: object;
  /** The conversation's language: set on a new chat and changed on an existing one. */
  locale?: string;
  /** The channel's language hint: used only when the chat is new (a later detected language wins). */
  initialLocale?: string;
}

export class ChatService {
  private readonly sql: Sql;

  constructor(private readonly ds: DataSource) {
    this.sql = sqlOf(ds);
  }

  /**
   * Creates or refreshes the chat record for an incoming activity; returns it. Every turn: one prepared
   * SELECT, and a write only when something changed. The stored reference leaves out the activity id of
   * the turn (proactive messages start a turn of their own, they reply to nothing), so that it stays
   * the same from one message to the next.
   */
  async touch(ref: ChatRef): Promise<ChatConversation> {
    const repo = this.ds.getRepository(ChatConversation);
    const reference = JSON.stringify({ ...ref.reference, activityId: undefined });
    const row = await this.sql.one<ChatRow>(`SELECT ${CHAT_COLUMNS} FROM chat_conversation WHERE "channel" = $1 AND "conversationId" = $2`, [ref.channel, ref.conversationId]);
    const existing = row ? chatOf(row) : null;
    if (existing) {
      const locale = ref.locale ?? existing.locale;
      if (existing.reference !== reference || existing.locale !== locale || existing.userId !== ref.userId || existing.blockedAt) {
        await this.sql.run('UPDATE chat_conversation SET "reference" = $1, "locale" = $2, "userId" = $3, "blockedAt" = NULL, "updatedAt" = CURRENT_TIMESTAMP WHERE "id" = $4', [reference, locale, ref.userId, existing.id]);
        Object.assign(existing, { reference, locale, userId: ref.userId, blockedAt: null });
      }
      return existing;
    }
    try {
      return await repo.save(repo.create({ channel: ref.channel, conversationId: ref.conversationId, userId: ref.userId, reference, locale: ref.locale ?? ref.initialLocale ?? 'pl' }));
    } catch (e) {
      const again = await repo.findOne({ where: { channel: ref.channel, conversationId: ref.conversationId } });
      if (again) return again;
      throw e;
    }
  }

  async byId(id: number): Promise<ChatConversation | null> {
    return this.ds.getRepository(ChatConversation).findOne({ where: { id } });
  }

  async setLocale(chatId: number, locale: string): Promise<void> {
    await this.ds.getRepository(ChatConversation).update({ id: chatId }, { locale });
  }

  async markBlocked(chatId: number): Promise<void> {
    await this.ds.getRepository(ChatConversation).update({ id: chatId }, { blockedAt: new Date() });
  }

  async record(chatId: number, author: 'customer' | 'bot' | 'staff', text: string): Promise<void> {
    if (!text) return;
    const sql = 'INSERT INTO transcript_entry ("chatId", "author", "text", "createdAt") VALUES ($1, $2, $3, $4)';
    const params = [chatId, author, text.slice(0, 4000), new Date()];
    // In a turn, the line waits for the turn's one commit (nothing in the turn reads it back).
    const writes = turnWrites(this.sql);
    if (writes) writes.defer(sql, params);
    else await this.sql.run(sql, params);
  }

  async transcript(chatId: number, limit = 200): Promise<TranscriptEntry[]> {
    const rows = await this.ds.getRepository(TranscriptEntry).find({ where: { chatId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
    return rows.reverse();
  }

  /**
   * Erases what this chat left with us: the account link, alert subscriptions, transcripts,
   * bot state and undelivered messages. Kept by law: cases still open and their transcripts,
   * invoices and payments (they are the company's records, not the chat's).
   * Returns how many open cases keep their transcript.
   */
  async forget(chat: ChatConversation): Promise<{ keptOpenCases: number }> {
    return this.ds.transaction(async (em) => {
      await em.getRepository(ChatLink).delete({ channel: chat.channel, channelUserId: chat.userId });
      await em.getRepository(AlertSubscription).delete({ chatId: chat.id });
      await em.getRepository(ReminderOptIn).delete({ chatId: chat.id });
      await em.getRepository(OutboxMessage).delete({ chatId: chat.id, status: 'queued' });
      const open = await em
        .getRepository(CaseRecord)
        .createQueryBuilder('c')
        .where('c.chatId = :id AND c.status IN (:...s)', { id: chat.id, s: ['new', 'in_progress', 'waiting_for_customer'] })
        .getCount();
      if (open === 0) {
        await em.getRepository(TranscriptEntry).delete({ chatId: chat.id });
      }
      await this.eraseReadable(chat, em);
      await em.getRepository(BotStateItem).createQueryBuilder().delete().where('key LIKE :k', { k: `${chat.channel}/conversations/${chat.conversationId}%` }).execute();
      await em.getRepository(BotStateItem).createQueryBuilder().delete().where('key LIKE :k', { k: `${chat.channel}/users/${chat.userId}%` }).execute();
      return { keptOpenCases: open };
    });
  }

  /**
   * Makes unreadable what the chat could still be asked for after "usuń moje dane" or "wyloguj": the chat's
   * loose files (the bot's invoice PDFs, QR codes and charts; uploads no case holds) are deleted, so their
   * links stop working, and a web chat's stored Direct Line activities are erased — the newest becomes an
   * empty `kropla.erased` event, so that the watermark goes on and later replies still arrive.
   */
  async eraseReadable(chat: Pick<ChatConversation, 'id' | 'channel' | 'conversationId'>, em: EntityManager = this.ds.manager): Promise<void> {
    await em.getRepository(Attachment).createQueryBuilder().delete().where('"chatId" = :id AND "caseId" IS NULL', { id: chat.id }).execute();
    if (chat.channel !== 'webchat') return;
    const repo = em.getRepository(DirectLineActivity);
    const row = await repo.createQueryBuilder('a').select('MAX(a.seq)', 'm').where('a.conversationId = :c', { c: chat.conversationId }).getRawOne<{ m: number | string | null }>();
    const last = Number(row?.m ?? 0);
    if (!last) return;
    await repo.createQueryBuilder().delete().where('"conversationId" = :c AND "seq" < :s', { c: chat.conversationId, s: last }).execute();
    const id = `${chat.conversationId}|${String(last).padStart(7, '0')}`;
    await repo.update({ conversationId: chat.conversationId, seq: last }, { activity: JSON.stringify({ type: 'event', name: 'kropla.erased', id, from: { id: 'kropla', role: 'bot' } }) });
  }
}
