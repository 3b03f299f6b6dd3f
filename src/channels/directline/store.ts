/**
 * Direct Line conversations, their activities in order (`seq` = watermark) and chat files, in the
 * database so that several instances over one PostgreSQL serve the same conversations and a
 * reload resumes from its watermark. Appends are serialised per conversation in this process
 * and retried on a unique-key clash with another instance.
 */
import { randomBytes } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import type { Activity } from 'botbuilder';
import { Attachment, DirectLineActivity, DirectLineConversation } from '../../../models';
import { activityId } from './mapping';
import { isUniqueViolation, sqlOf, toDate, type Sql, type Statement } from '../../db/sql';

export interface StoredActivity {
  seq: number;
  activity: Partial<Activity>;
}

export class DirectLineStore {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly lastSeq = new Map<string, number>();
  private readonly touchedAt = new Map<string, number>();
  /** Conversations known to exist (they are never deleted): a message's check costs no query. */
  private readonly known = new Set<string>();

  private readonly sql: Sql;

  constructor(private readonly ds: DataSource) {
    this.sql = sqlOf(ds);
  }

  /** Whether the conversation exists (cached once seen). */
  async exists(id: string): Promise<boolean> {
    if (this.known.has(id)) return true;
    const found = (await this.conversation(id)) !== null;
    if (found) this.remember(id);
    return found;
  }

  private remember(id: string): void {
    if (this.known.size >= 100_000) this.known.clear();
    this.known.add(id);
  }

  async conversation(id: string): Promise<DirectLineConversation | null> {
    const r = await this.sql.one<{ id: string; userId: string; createdAt: unknown; lastActivityAt: unknown }>('SELECT "id", "userId", "createdAt", "lastActivityAt" FROM directline_conversation WHERE "id" = $1', [id]);
    if (!r) return null;
    return Object.assign(new DirectLineConversation(), { id: r.id, userId: r.userId, createdAt: toDate(r.createdAt) as Date, lastActivityAt: toDate(r.lastActivityAt) });
  }

  /** Creates the conversation unless it exists; `created` tells which. */
  async openConversation(id: string, userId: string): Promise<{ conversation: DirectLineConversation; created: boolean }> {
    const repo = this.ds.getRepository(DirectLineConversation);
    const existing = await repo.findOne({ where: { id } });
    if (existing) return { conversation: existing, created: false };
    try {
      const conversation = await repo.save(repo.create({ id, userId, lastActivityAt: new Date() }));
      this.lastSeq.set(id, 0);
      this.remember(id);
      return { conversation, created: true };
    } catch (e) {
      const again = await repo.findOne({ where: { id } });
      if (again) return { conversation: again, created: false };
      throw e;
    }
  }

  /** Runs `fn` after every earlier call for the same conversation (in this process). */
  private serial<T>(conversationId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(conversationId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.chains.set(conversationId, tail);
    void tail.then(() => {
      if (this.chains.get(conversationId) === tail) this.chains.delete(conversationId);
    });
    return run;
  }

  private async maxSeq(conversationId: string): Promise<number> {
    const row = await this.sql.one<{ m: number | string | null }>('SELECT MAX("seq") AS "m" FROM directline_activity WHERE "conversationId" = $1', [conversationId]);
    return Number(row?.m ?? 0);
  }

  /**
   * Appends an activity built for its position; returns the stored form. `also` gives statements that are
   * committed in the same transaction as the activity (the inbox entry of a customer's message).
   */
  append(conversationId: string, build: (id: string, seq: number) => Partial<Activity>, also?: (saved: StoredActivity) => Statement[]): Promise<StoredActivity> {
    return this.serial(conversationId, async () => {
      let seq = (this.lastSeq.get(conversationId) ?? (await this.maxSeq(conversationId))) + 1;
      for (let attempt = 0; ; attempt++) {
        const activity = build(activityId(conversationId, seq), seq);
        try {
          const touch = this.touch(conversationId);
          await this.sql.batch([
            { sql: 'INSERT INTO directline_activity ("conversationId", "seq", "activity") VALUES ($1, $2, $3)', params: [conversationId, seq, JSON.stringify(activity)] },
            ...(touch ? [touch] : []),
            ...(also ? also({ seq, activity }) : []),
          ]);
          this.lastSeq.set(conversationId, seq);
          if (this.lastSeq.size > 50_000) this.lastSeq.clear();
          return { seq, activity };
        } catch (e) {
          this.touchedAt.delete(conversationId);
          if (!isUniqueViolation(e) || attempt >= 8) throw e;
          seq = (await this.maxSeq(conversationId)) + 1; // another instance appended meanwhile
        }
      }
    });
  }

  /** The conversation's `lastActivityAt` update when due (at most once a minute), or null. */
  private touch(conversationId: string): Statement | null {
    const now = Date.now();
    if (now - (this.touchedAt.get(conversationId) ?? 0) < 60_000) return null;
    this.touchedAt.set(conversationId, now);
    if (this.touchedAt.size > 50_000) this.touchedAt.clear();
    return { sql: 'UPDATE directline_conversation SET "lastActivityAt" = $1 WHERE "id" = $2', params: [new Date(now), conversationId] };
  }

  /** Activities after watermark `after`, oldest first. */
  async after(conversationId: string, after: number, limit = 100): Promise<StoredActivity[]> {
    const rows = await this.sql.rows<{ seq: number | string; activity: string }>('SELECT "seq", "activity" FROM directline_activity WHERE "conversationId" = $1 AND "seq" > $2 ORDER BY "seq" ASC LIMIT $3', [conversationId, after, limit]);
    return rows.map((r) => ({ seq: Number(r.seq), activity: JSON.parse(r.activity) as Partial<Activity> }));
  }

  /** The newest message the bot sent in a conversation (its prompt marks say what it waits for), or null. */
  async lastBotMessage(conversationId: string): Promise<Partial<Activity> | null> {
    const rows = await this.ds
      .getRepository(DirectLineActivity)
      .createQueryBuilder('a')
      .where('a.conversationId = :c', { c: conversationId })
      .orderBy('a.seq', 'DESC')
      .limit(20)
      .getMany();
    for (const r of rows) {
      const a = JSON.parse(r.activity) as Partial<Activity>;
      if (a.type === 'message' && a.from?.role === 'bot') return a;
    }
    return null;
  }

  /** The last watermark of each conversation (for the stream catch-up poll). */
  async lastSeqs(conversationIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < conversationIds.length; i += 500) {
      const rows = await this.ds
        .getRepository(DirectLineActivity)
        .createQueryBuilder('a')
        .select('a.conversationId', 'c')
        .addSelect('MAX(a.seq)', 'm')
        .where({ conversationId: In(conversationIds.slice(i, i + 500)) })
        .groupBy('a.conversationId')
        .getRawMany<{ c: string; m: number | string }>();
      for (const r of rows) out.set(r.c, Number(r.m));
    }
    return out;
  }

  /** Stores a chat file; returns its random access key. */
  async saveFile(f: { chatId: number | null; fileName: string; contentType: string; data: Buffer }): Promise<string> {
    const accessKey = randomBytes(24).toString('base64url');
    await this.ds.getRepository(Attachment).insert({ accessKey, chatId: f.chatId, caseId: null, fileName: f.fileName, contentType: f.contentType, size: f.data.length, dataBase64: f.data.toString('base64') });
    return accessKey;
  }

  async file(accessKey: string): Promise<Attachment | null> {
    if (!/^[A-Za-z0-9_-]{16,48}$/.test(accessKey)) return null;
    return this.ds.getRepository(Attachment).findOne({ where: { accessKey } });
  }
}
