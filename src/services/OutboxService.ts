/**
 * The durable outbox of proactive messages. Rows are claimed with a lease; on PostgreSQL with
 * `FOR UPDATE SKIP LOCKED`, so several instances share the work without sending anything twice.
 */
import type { DataSource } from 'typeorm';
import { OutboxMessage } from '../../models';
import type { OutboxStatus } from '../../models/OutboxMessage';
import { toDate } from '../db/sql';

export interface NewOutboxMessage {
  idempotencyKey: string;
  channel: string;
  chatId: number;
  activity: object;
  noticeId?: number | null;
  caseId?: number | null;
  notBefore?: Date;
}

export type DeliveryStats = Record<OutboxStatus, number>;

export class OutboxService {
  private readonly pg: boolean;

  constructor(private readonly ds: DataSource) {
    this.pg = ds.options.type === 'postgres';
  }

  /** Queues messages; a key already queued is ignored (idempotent). Returns how many were new. */
  async enqueue(messages: NewOutboxMessage[]): Promise<number> {
    let added = 0;
    const now = new Date();
    for (let i = 0; i < messages.length; i += 200) {
      const part = messages.slice(i, i + 200);
      const existing = new Set(
        (await this.ds.getRepository(OutboxMessage).createQueryBuilder('o').select('o.idempotencyKey', 'k').where('o.idempotencyKey IN (:...keys)', { keys: part.map((m) => m.idempotencyKey) }).getRawMany<{ k: string }>()).map((r) => r.k),
      );
      const fresh = part.filter((m) => !existing.has(m.idempotencyKey));
      if (fresh.length === 0) continue;
      // orIgnore: another instance may queue the same key at the same moment; the unique key decides.
      await this.ds
        .createQueryBuilder()
        .insert()
        .into(OutboxMessage)
        .values(fresh.map((m) => ({
          idempotencyKey: m.idempotencyKey, channel: m.channel, chatId: m.chatId, activity: JSON.stringify(m.activity),
          status: 'queued' as const, attempts: 0, nextAttemptAt: m.notBefore ?? now, noticeId: m.noticeId ?? null, caseId: m.caseId ?? null,
        })))
        .orIgnore()
        .execute();
      added += fresh.length;
    }
    return added;
  }

  private p(i: number): string {
    return this.pg ? `$${i}` : '?';
  }

  private q(name: string): string {
    return `"${name}"`;
  }

  /**
   * Claims up to `limit` due messages of a channel for this worker for `leaseMs`.
   * Messages whose lease ran out (a crashed worker) are claimed again. `ordered`: only the oldest
   * undelivered message of each `orderKey` (so messages of one key go out one after another, in order).
   */
  async claim(channel: string, limit: number, workerId: string, leaseMs: number, ordered = false): Promise<OutboxMessage[]> {
    const now = new Date();
    const until = new Date(now.getTime() + leaseMs);
    const c = (n: string) => this.q(n);
    const fmt = (d: Date) => (this.pg ? d : d.toISOString().replace('T', ' ').replace('Z', ''));
    const sub = `SELECT ${c('id')} FROM ${c('outbox_message')} WHERE ${c('channel')} = ${this.p(3)} AND ((${c('status')} = 'queued' AND ${c('nextAttemptAt')} <= ${this.p(4)}) OR (${c('status')} = 'sending' AND ${c('lockedUntil')} < ${this.p(5)})) ${ordered ? this.headOfKey() : ''} ORDER BY ${c('id')} LIMIT ${this.p(6)}${this.pg ? ' FOR UPDATE SKIP LOCKED' : ''}`;
    const sql = `UPDATE ${c('outbox_message')} SET ${c('status')} = 'sending', ${c('lockedBy')} = ${this.p(1)}, ${c('lockedUntil')} = ${this.p(2)}, ${c('attempts')} = ${c('attempts')} + 1 WHERE ${c('id')} IN (${sub}) RETURNING *`;
    const params = [workerId, fmt(until), channel, fmt(now), fmt(now), limit];
    const raw = (await this.ds.query(sql, params)) as unknown;
    const rows = (this.pg && Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as Record<string, unknown>[];
    return rows
      .map((r) => this.ds.getRepository(OutboxMessage).create({
        ...(r as Partial<OutboxMessage>),
        nextAttemptAt: new Date(String(r.nextAttemptAt)),
        createdAt: toDate(r.createdAt) ?? new Date(),
      }))
      .sort((a, b) => a.id - b.id);
  }

  /** No older message with the same order key is still waiting or in flight. */
  private headOfKey(): string {
    const c = (n: string) => this.q(n);
    const t = c('outbox_message');
    return ` AND (${t}.${c('orderKey')} IS NULL OR NOT EXISTS (SELECT 1 FROM ${t} ${c('older')} WHERE ${c('older')}.${c('orderKey')} = ${t}.${c('orderKey')} AND ${c('older')}.${c('channel')} = ${t}.${c('channel')} AND ${c('older')}.${c('id')} < ${t}.${c('id')} AND ${c('older')}.${c('status')} IN ('queued', 'sending')))`;
  }

  /** Marks a claimed message sent — only if this worker still holds it. */
  async markSent(id: number, workerId: string): Promise<void> {
    await this.ds.getRepository(OutboxMessage).update({ id, lockedBy: workerId }, { status: 'sent', sentAt: new Date(), lockedUntil: null, lastError: null });
  }

  async markSkipped(id: number, reason: string): Promise<void> {
    await this.ds.getRepository(OutboxMessage).update({ id }, { status: 'skipped', lastError: reason.slice(0, 300), lockedUntil: null });
  }

  /** Schedules another try, or fails the message for good after `maxAttempts`. */
  async markRetry(msg: OutboxMessage, error: string, retryAfterMs: number, maxAttempts = 8): Promise<void> {
    const repo = this.ds.getRepository(OutboxMessage);
    if (msg.attempts >= maxAttempts) {
      await repo.update({ id: msg.id }, { status: 'failed', lastError: error.slice(0, 300), lockedUntil: null });
      return;
    }
    await repo.update({ id: msg.id }, { status: 'queued', lastError: error.slice(0, 300), lockedUntil: null, lockedBy: null, nextAttemptAt: new Date(Date.now() + retryAfterMs) });
  }

  /** Puts a claimed message back, to go out at `until` (not a failed attempt: the reminders' quiet hours). */
  async postpone(id: number, until: Date): Promise<void> {
    await this.ds.getRepository(OutboxMessage).update({ id }, { status: 'queued', lockedUntil: null, lockedBy: null, nextAttemptAt: until });
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.ds.getRepository(OutboxMessage).update({ id }, { status: 'failed', lastError: error.slice(0, 300), lockedUntil: null });
  }

  /** Messages of a channel given up for good (oldest first), for the operator. */
  async failed(channel: string, limit = 100): Promise<OutboxMessage[]> {
    return this.ds.getRepository(OutboxMessage).find({ where: { channel, status: 'failed' }, order: { id: 'ASC' }, take: limit });
  }

  /**
   * Queues given-up messages of a channel again (all of them, or those with the given idempotency keys),
   * due now, with a fresh age (`createdAt`). Returns how many.
   */
  async requeueFailed(channel: string, keys?: string[]): Promise<number> {
    const qb = this.ds.createQueryBuilder().update(OutboxMessage)
      .set({ status: 'queued', attempts: 0, nextAttemptAt: new Date(), createdAt: new Date(), lockedBy: null, lockedUntil: null })
      .where('channel = :channel AND status = :status', { channel, status: 'failed' });
    if (keys) qb.andWhere('idempotencyKey IN (:...keys)', { keys: keys.length ? keys : [''] });
    return (await qb.execute()).affected ?? 0;
  }

  /** Delivery state of one outage notice (or of all messages when no notice is given). */
  async stats(noticeId?: number): Promise<DeliveryStats> {
    const qb = this.ds.getRepository(OutboxMessage).createQueryBuilder('o').select('o.status', 'status').addSelect('COUNT(*)', 'n').groupBy('o.status');
    if (noticeId !== undefined) qb.where('o.noticeId = :noticeId', { noticeId });
    const rows = await qb.getRawMany<{ status: OutboxStatus; n: string | number }>();
    const out: DeliveryStats = { queued: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  /** How many messages are waiting (queued or in flight) for a channel. */
  async pending(channel?: string): Promise<number> {
    const qb = this.ds.getRepository(OutboxMessage).createQueryBuilder('o').where("o.status IN ('queued','sending')");
    if (channel) qb.andWhere('o.channel = :channel', { channel });
    return qb.getCount();
  }
}
