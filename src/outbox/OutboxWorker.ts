/**
 * Delivers queued proactive messages of one channel at the channel's pace:
 * at most `ratePerSecond` overall and one per `perChatIntervalMs` per chat; `retry_after` honoured;
 * blocked chats recorded and skipped. Several workers (instances) may run over one database.
 */
import type { Activity, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { OutboxMessage } from '../../models';
import type { ChannelSender } from '../channels/types';
import type { ChatService } from '../services/ChatService';
import type { OutboxService } from '../services/OutboxService';
import { quietPostponement } from '../services/ReminderService';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Paces calls to a steady rate (a token bucket of depth 1: no bursts above the rate). */
export class Pacer {
  private next = 0;
  constructor(private readonly perSecond: number) {}
  async wait(): Promise<void> {
    const interval = 1000 / this.perSecond;
    const now = performance.now();
    const at = Math.max(now, this.next);
    this.next = at + interval;
    if (at > now) await sleep(at - now);
  }
  /** Pushes every following call back (after a 429 with retry_after). */
  pause(ms: number): void {
    this.next = Math.max(this.next, performance.now() + ms);
  }
}

export class OutboxWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly pacer: Pacer;
  private readonly lastPerChat = new Map<number, number>();
  private wake: (() => void) | null = null;

  constructor(
    private readonly sender: ChannelSender,
    private readonly outbox: OutboxService,
    private readonly chats: ChatService,
    private readonly log: Logger,
    private readonly workerId: string,
    private readonly opts: { leaseMs?: number; idleMs?: number } = {},
  ) {
    this.pacer = new Pacer(sender.ratePerSecond);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Wakes the worker at once (new messages were queued). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
  }

  private async idle(ms = this.opts.idleMs ?? 500): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wake = null;
  }

  private async run(): Promise<void> {
    const batch = Math.max(1, Math.min(200, Math.ceil(this.sender.ratePerSecond * 2)));
    const leaseMs = this.opts.leaseMs ?? Math.max(30_000, (batch / this.sender.ratePerSecond) * 1000 * 3);
    // While the database refuses (read-only file, full disk) the worker logs once and backs off up to 30 s.
    let failures = 0;
    while (this.running) {
      let claimed: OutboxMessage[] = [];
      try {
        claimed = await this.outbox.claim(this.sender.channel, batch, this.workerId, leaseMs);
        if (failures > 0) this.log.info({ failures }, 'outbox claims work again');
        failures = 0;
      } catch (e) {
        if (failures++ === 0) this.log.error({ err: e }, 'outbox claim failed; retrying quietly with growing pauses until it works');
      }
      if (claimed.length === 0) {
        await this.idle(failures > 0 ? Math.min(30_000, 500 * 2 ** Math.min(6, failures - 1)) : undefined);
        continue;
      }
      for (const msg of claimed) {
        if (!this.running) break; // lease runs out, another worker (or the restart) takes the rest
        await this.deliver(msg);
      }
    }
  }

  private async deliver(msg: OutboxMessage): Promise<void> {
    const chat = await this.chats.byId(msg.chatId);
    if (!chat || chat.blockedAt) {
      await this.outbox.markSkipped(msg.id, chat ? 'blocked' : 'chat gone');
      return;
    }
    const quietUntil = quietPostponement(parsed(msg.activity), new Date());
    if (quietUntil) {
      // a reminder that would go out at night (a retry, a backlog) waits for 8:00
      await this.outbox.postpone(msg.id, quietUntil);
      return;
    }
    const last = this.lastPerChat.get(chat.id);
    if (last !== undefined && this.sender.perChatIntervalMs > 0) {
      const wait = last + this.sender.perChatIntervalMs - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await this.pacer.wait();
    let result;
    try {
      const reference = JSON.parse(chat.reference) as Partial<ConversationReference>;
      result = await this.sender.send(reference, JSON.parse(msg.activity) as Partial<Activity>);
    } catch (e) {
      result = { ok: false as const, kind: 'retry' as const, error: e instanceof Error ? e.message : String(e) };
    }
    this.lastPerChat.set(chat.id, performance.now());
    if (this.lastPerChat.size > 50_000) this.lastPerChat.clear();
    if (result.ok) {
      await this.outbox.markSent(msg.id, this.workerId);
    } else if (result.kind === 'blocked') {
      await this.chats.markBlocked(chat.id);
      await this.outbox.markSkipped(msg.id, 'blocked');
      this.log.info({ chatId: chat.id, channel: chat.channel }, 'recipient blocked the bot; skipped');
    } else if (result.kind === 'retry') {
      if (result.retryAfterMs) this.pacer.pause(result.retryAfterMs);
      await this.outbox.markRetry(msg, result.error, result.retryAfterMs ?? Math.min(60_000, 1000 * 2 ** msg.attempts));
      this.log.warn({ outboxId: msg.id, retryAfterMs: result.retryAfterMs }, 'delivery postponed');
    } else {
      await this.outbox.markFailed(msg.id, result.error);
      this.log.warn({ outboxId: msg.id }, 'delivery failed permanently');
    }
  }
}

/** The stored activity, or an empty one when it does not parse (the send below reports that). */
function parsed(json: string): Partial<Activity> {
  try {
    return JSON.parse(json) as Partial<Activity>;
  } catch {
    return {};
  }
}
