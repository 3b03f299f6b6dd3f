/**
 * The billing feed (contracts §8): events written in the same transaction as the change they
 * report, read back in order with an opaque cursor, and — when webhooks are on — queued in the
 * outbox in that same transaction, so a crash can lose neither the event nor its delivery.
 *
 * Why the cursor never skips or repeats: the cursor is the last `seq` (autoincrement) a reader got.
 * An autoincrement alone is not enough on PostgreSQL — ids are taken at insert and committed in
 * any order, so a reader could see 11 before 10 commits and then page past 10. Every transaction
 * that writes an event therefore takes one transaction-scoped advisory lock first
 * (`pg_advisory_xact_lock`), right before its event insert, the last thing it does. The lock is
 * released only after the commit is visible, so the next writer gets a higher `seq` and commits
 * later: `seq` order is commit order, and every snapshot sees a gap-free prefix of the committed
 * events (a rolled-back insert leaves a hole no one ever sees). The lock is database-wide, so it
 * holds for any number of instances. SQLite has a single writer: every transaction begins with
 * `BEGIN IMMEDIATE` (src/db/dataSource.ts), so with several processes on one file the inserts still
 * happen one after another under the write lock, and a busy lock is waited for, not an error.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Customer, FeedEvent, OutboxMessage } from '../../models';
import { ValidationError } from './validation';

export type EventData =
  | { type: 'reading.submitted'; data: { meterSerial: string; date: string; value: number; suspicious: boolean } }
  | { type: 'einvoice.activated'; data: { email: string } }
  | { type: 'case.created'; data: { caseNumber: string; kind: string; category: string; channel: string } }
  | { type: 'case.updated'; data: { caseNumber: string; status: string } };

export type NewEvent = EventData & {
  /** The customer the event is about (its number goes into the event), or null. */
  customerId: number | null;
  /** Order key when there is no customer (e.g. the case number), so its webhooks keep order too. */
  subject?: string;
};

/** One event as the feed and the webhook show it. */
export interface FeedEventJson {
  id: string;
  type: string;
  occurredAt: string;
  customerNumber: string | null;
  data: Record<string, unknown>;
}

export interface FeedPage {
  events: FeedEventJson[];
  next: string;
}

/** The outbox channel of webhook deliveries. */
export const WEBHOOK_CHANNEL = 'webhook';
/** Any constant of our own: the advisory lock that orders event inserts on PostgreSQL. */
const EVENT_LOCK_KEY = 0x4b524f50; // "KROP"
const CURSOR_PREFIX = 'kropla-feed-v1:';

export function encodeCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`, 'utf8').toString('base64url');
}

/** The `seq` a cursor stands for; a {@link ValidationError} naming `field` for anything we did not issue. */
export function decodeCursor(cursor: string, field = 'after'): number {
  const bad = () => new ValidationError(field, 'not a cursor of this feed: give back a "next" value unchanged, or omit it to start from the beginning');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) throw bad();
  const m = new RegExp(`^${CURSOR_PREFIX}(0|[1-9]\\d{0,14})$`).exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || encodeCursor(Number(m[1])) !== cursor) throw bad();
  return Number(m[1]);
}

export class EventService {
  private readonly pg: boolean;
  /** Queue every event for the webhook too (set when `WEBHOOK_URL` is configured). */
  webhooks = false;
  /** Called after a transaction with events committed (wakes the webhook worker). */
  onCommitted: (() => void) | null = null;

  constructor(private readonly ds: DataSource) {
    this.pg = ds.options.type === 'postgres';
  }

  /** Runs `fn` in a transaction; the events it records commit or roll back with it. */
  async transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const out = await this.ds.transaction(fn);
    this.onCommitted?.();
    return out;
  }

  /**
   * Records an event inside the caller's transaction. Call it last in the transaction: on
   * PostgreSQL it takes the feed's advisory lock, held until the commit.
   */
  async record(em: EntityManager, event: NewEvent): Promise<FeedEventJson> {
    if (!em.queryRunner?.isTransactionActive) throw new Error('EventService.record must run inside the transaction of the change');
    const customerNumber = event.customerId === null ? null
      : ((await em.getRepository(Customer).findOne({ where: { id: event.customerId }, select: { id: true, customerNumber: true } }))?.customerNumber ?? null);
    const json: FeedEventJson = { id: randomUUID(), type: event.type, occurredAt: new Date().toISOString(), customerNumber, data: event.data };
    if (this.pg) await em.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOCK_KEY]);
    await em.getRepository(FeedEvent).insert({ uid: json.id, type: json.type, occurredAt: new Date(json.occurredAt), customerNumber, data: JSON.stringify(json.data) });
    if (this.webhooks) {
      await em.getRepository(OutboxMessage).insert({
        idempotencyKey: `${WEBHOOK_CHANNEL}:${json.id}`, channel: WEBHOOK_CHANNEL, chatId: 0, activity: JSON.stringify(json),
        status: 'queued', attempts: 0, nextAttemptAt: new Date(), orderKey: customerNumber !== null ? `customer:${customerNumber}` : (event.subject ?? null),
      });
    }
    return json;
  }

  /** Events after the cursor (`undefined` = from the start), oldest first, and the cursor to continue from. */
  async page(after: string | undefined, limit: number): Promise<FeedPage> {
    const from = after === undefined ? 0 : decodeCursor(after);
    const rows = await this.ds.getRepository(FeedEvent).createQueryBuilder('e').where('e.seq > :from', { from }).orderBy('e.seq', 'ASC').limit(limit).getMany();
    return { events: rows.map(toJson), next: encodeCursor(rows.length ? rows[rows.length - 1].seq : from) };
  }

  async count(): Promise<number> {
    return this.ds.getRepository(FeedEvent).count();
  }
}

function toJson(e: FeedEvent): FeedEventJson {
  return { id: e.uid, type: e.type, occurredAt: e.occurredAt.toISOString(), customerNumber: e.customerNumber, data: JSON.parse(e.data) as Record<string, unknown> };
}
