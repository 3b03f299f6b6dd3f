/**
 * Several instances on one PostgreSQL behaving as one (contracts §11):
 * - {@link Cluster.publish}/{@link Cluster.on}: events for the other instances over LISTEN/NOTIFY
 *   (a new Direct Line activity, so that a stream opened at another instance gets it at once; a
 *   desk event, so that every desk hears it). Batched per tick into one NOTIFY.
 * - {@link Cluster.lead}: exactly one instance does a job (long-polls Telegram, sends the Telegram
 *   outbox so that `TELEGRAM_RATE_PER_SEC` is the deployment's total): a session advisory lock on
 *   its own connection. When that instance dies its connection goes, the lock with it, and another
 *   instance, retrying every {@link LEAD_RETRY_MS}, takes over well within 30 s.
 * On SQLite (one instance by design) publishing does nothing and every job is led at once.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { Logger } from 'pino';
import type { DatabaseConfig } from './config';

const CHANNEL = 'kropla_cluster';
export const LEAD_RETRY_MS = 10_000;

export interface ClusterEvents {
  /** A Direct Line activity was stored (conversation, watermark). */
  dl: { c: string; s: number };
  /** A desk event (the desk's EventHub frame). */
  desk: { type: string; caseNumber: string };
}

type Topic = keyof ClusterEvents;
interface Envelope {
  from: string;
  items: Array<{ t: Topic; d: unknown }>;
}

/** A stable 64-bit advisory lock key for a job name (two int4 halves). */
function lockKey(name: string): [number, number] {
  const h = createHash('sha256').update(`kropla:${name}`).digest();
  return [h.readInt32BE(0), h.readInt32BE(4)];
}

export class Cluster {
  private listener: Client | null = null;
  private readonly handlers = new Map<Topic, Array<(d: never) => void>>();
  private batch: Envelope['items'] = [];
  private flushing = false;
  private readonly leaders: Array<{ client: Client | null; timer: NodeJS.Timeout | null }> = [];
  private stopped = false;

  constructor(
    private readonly db: DatabaseConfig,
    private readonly instanceId: string,
    private readonly log: Logger,
  ) {}

  get shared(): boolean {
    return this.db.type === 'postgres';
  }

  /** Connects the listener (PostgreSQL). */
  async start(): Promise<void> {
    if (this.db.type !== 'postgres') return;
    const client = new Client({ connectionString: this.db.url });
    client.on('error', (e) => this.log.warn({ err: e }, 'cluster listener connection error'));
    await client.connect();
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      let env: Envelope;
      try {
        env = JSON.parse(n.payload) as Envelope;
      } catch {
        return;
      }
      if (env.from === this.instanceId) return;
      for (const item of env.items) for (const h of this.handlers.get(item.t) ?? []) h(item.d as never);
    });
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  on<T extends Topic>(topic: T, handler: (d: ClusterEvents[T]) => void): void {
    const list = this.handlers.get(topic) ?? [];
    list.push(handler as (d: never) => void);
    this.handlers.set(topic, list);
  }

  /** Tells the other instances (nothing on SQLite). */
  publish<T extends Topic>(topic: T, data: ClusterEvents[T]): void {
    if (!this.listener || this.stopped) return;
    this.batch.push({ t: topic, d: data });
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    try {
      while (this.batch.length && this.listener) {
        // NOTIFY payloads are limited to 8,000 bytes: 60 small items fit easily.
        const items = this.batch.splice(0, 60);
        await this.listener.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ from: this.instanceId, items } satisfies Envelope)]);
      }
    } catch (e) {
      this.log.warn({ err: e }, 'cluster notify failed');
      this.batch = [];
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Runs `begin` once this instance holds the job `name` (at once on SQLite); `end` when it stops
   * holding it (the lock connection broke). Retries every {@link LEAD_RETRY_MS}.
   */
  lead(name: string, begin: () => void | Promise<void>, end: () => void | Promise<void> = () => undefined, retryMs = LEAD_RETRY_MS): void {
    if (this.db.type !== 'postgres') {
      void Promise.resolve(begin());
      return;
    }
    const url = this.db.url;
    const slot: { client: Client | null; timer: NodeJS.Timeout | null } = { client: null, timer: null };
    this.leaders.push(slot);
    const [k1, k2] = lockKey(name);
    const attempt = async (): Promise<void> => {
      slot.timer = null;
      if (this.stopped) return;
      const client = new Client({ connectionString: url });
      try {
        await client.connect();
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [k1, k2]);
        if (!r.rows[0]?.ok || this.stopped) {
          await client.end();
          return retry();
        }
      } catch (e) {
        this.log.warn({ err: e, job: name }, 'cluster lock attempt failed');
        await client.end().catch(() => undefined);
        return retry();
      }
      slot.client = client;
      this.log.info({ job: name }, 'this instance leads the job');
      client.on('error', (e) => {
        this.log.warn({ err: e, job: name }, 'lost the job lock connection');
        if (slot.client !== client) return;
        slot.client = null;
        void Promise.resolve(end()).finally(retry);
      });
      await begin();
    };
    const retry = (): void => {
      if (this.stopped) return;
      slot.timer = setTimeout(() => void attempt(), retryMs);
      slot.timer.unref();
    };
    void attempt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.leaders) {
      if (s.timer) clearTimeout(s.timer);
      const c = s.client;
      s.client = null;
      if (c) await c.end().catch(() => undefined);
    }
    const l = this.listener;
    this.listener = null;
    if (l) await l.end().catch(() => undefined);
  }
}
