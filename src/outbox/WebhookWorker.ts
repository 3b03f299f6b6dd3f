/**
 * Webhook push of the billing feed (contracts §8). Events are queued in the outbox (channel
 * `webhook`) in the transaction that records them; this worker POSTs each one as it was stored,
 * signed, and retries with growing delays until the receiver answers 2xx. Per customer only the
 * oldest undelivered event is ever claimed, so a customer's events arrive in order even across
 * retries and instances; a crash leaves the lease to run out and the event is sent again
 * (at-least-once: receivers deduplicate by `X-Kropla-Event-Id`).
 *
 * A stuck receiver: each delivery runs on its own (at most `batch` at once), so an event that hangs
 * or is refused holds back only the later events of its own customer, never other customers'. An
 * event not accepted within `giveUpMs` of being recorded (default 72 h: a receiver down over a long
 * weekend still gets everything) is given up: status `failed`, one error line in the log, listed by
 * `npm run events -- deliveries` and sent again by `npm run events -- redeliver`. The customer's later
 * events then go on (the feed keeps the given-up one for reconciliation).
 */
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { OutboxMessage } from '../../models';
import type { DeliveryResult } from '../channels/types';
import type { OutboxService } from '../services/OutboxService';
import { WEBHOOK_CHANNEL } from '../services/EventService';

/** How long an event may stay undelivered before it is given up (status `failed`). */
export const WEBHOOK_GIVE_UP_MS = 72 * 3600_000;

/** `sha256=<hex HMAC-SHA256 of the raw body>` — what a receiver recomputes and compares. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Delay before the next try after `attempts` failed ones: 1 s, 2 s, 4 s … at most `maxMs`. */
export function retryDelayMs(attempts: number, baseMs = 1000, maxMs = 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

export class WebhookSender {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(body: string, eventId: string, timeoutMs = this.timeoutMs): Promise<DeliveryResult> {
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kropla-event-id': eventId, 'x-kropla-signature': webhookSignature(this.secret, body) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true };
      return { ok: false, kind: 'retry', error: `HTTP ${res.status}` };
    } catch (e) {
      return { ok: false, kind: 'retry', error: e instanceof Error ? e.name : 'network error' };
    }
  }
}

export class WebhookWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pending = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sender: WebhookSender,
    private readonly outbox: OutboxService,
    private readonly log: Logger,
    private readonly workerId: string,
    private readonly opts: { idleMs?: number; leaseMs?: number; batch?: number; retryBaseMs?: number; retryMaxMs?: number; timeoutMs?: number; giveUpMs?: number } = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New events were committed: look at once. */
  poke(): void {
    this.pending = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Waits `factor` idle periods, or until poked. */
  private async idle(factor = 1): Promise<void> {
    if (this.pending) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, (this.opts.idleMs ?? 250) * factor);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wake = null;
  }

  private async run(): Promise<void> {
    const max = this.opts.batch ?? 50;
    let failing = false;
    while (this.running) {
      this.pending = false;
      let claimed: OutboxMessage[] = [];
      const room = max - this.inFlight.size;
      if (room > 0) {
        try {
          claimed = await this.outbox.claim(WEBHOOK_CHANNEL, room, this.workerId, this.opts.leaseMs ?? 60_000, true);
          if (failing) this.log.info('webhook claims work again');
          failing = false;
        } catch (e) {
          if (!failing) this.log.error({ err: e }, 'webhook claim failed; trying again quietly until it works');
          failing = true;
        }
      }
      // At most one event per customer is claimed, so they go out side by side; the loop does not wait
      // for them (a hanging receiver for one event must not hold the others back).
      for (const m of claimed) {
        const p: Promise<void> = this.deliver(m).finally(() => {
          this.inFlight.delete(p);
          this.poke();
        });
        this.inFlight.add(p);
      }
      if (claimed.length === 0) await this.idle(failing ? 10 : 1);
    }
    await Promise.all([...this.inFlight]);
  }

  private async deliver(msg: OutboxMessage): Promise<void> {
    const eventId = msg.idempotencyKey.slice(WEBHOOK_CHANNEL.length + 1);
    const result = await this.sender.send(msg.activity, eventId, this.opts.timeoutMs);
    try {
      if (result.ok) await this.outbox.markSent(msg.id, this.workerId);
      else if (Date.now() - msg.createdAt.getTime() >= (this.opts.giveUpMs ?? WEBHOOK_GIVE_UP_MS)) {
        await this.outbox.markFailed(msg.id, result.error);
        this.log.error({ outboxId: msg.id, eventId, attempts: msg.attempts, error: result.error }, 'webhook event given up: not accepted in time; see `npm run events -- deliveries`');
      } else {
        const delay = retryDelayMs(msg.attempts, this.opts.retryBaseMs, this.opts.retryMaxMs);
        await this.outbox.markRetry(msg, result.error, delay, Number.POSITIVE_INFINITY);
        this.log.warn({ outboxId: msg.id, attempts: msg.attempts, error: result.error, retryInMs: delay }, 'webhook delivery postponed');
      }
    } catch (e) {
      this.log.error({ err: e, outboxId: msg.id }, 'webhook state update failed; the lease will run out and it is sent again');
    }
  }
}
