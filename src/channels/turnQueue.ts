/**
 * Backpressure for customer turns: at most `concurrency` turns run at once, the rest wait in
 * arrival order, and a turn is admitted only while the wait is short (fewer than `maxQueued`
 * waiting, the oldest waiting less than `maxWaitMs`, and the event loop not later than that, nor
 * late tick after tick: a process short of CPU whose requests wait before they reach this queue,
 * see {@link TurnQueue.watchEventLoop}). Past that the channel answers at once
 * with the polite "very many people are writing" reply instead of letting everyone wait longer
 * and longer. Turns of one conversation still run one after another (the channel chains them).
 *
 * @example
 * const q = new TurnQueue({ concurrency: 8, maxQueued: 256, maxWaitMs: 600 });
 * if (!q.admit()) return busyReply();
 * await q.run(() => bot.run(ctx));
 */
import { performance as perfHooks } from 'node:perf_hooks';

const loopUtilization = perfHooks.eventLoopUtilization;

export interface TurnQueueOptions {
  concurrency: number;
  maxQueued: number;
  maxWaitMs: number;
}

/** A timer tick this late (ms) counts as late; {@link SUSTAINED_TICKS} in a row spanning {@link SUSTAINED_MS} is an overload. */
const LATE_TICK_MS = 100;
const SUSTAINED_TICKS = 3;
const SUSTAINED_MS = 400;

/**
 * Shedding as a steady share of messages (see {@link TurnQueue.control}): it grows by {@link SHED_STEP} every
 * 100 ms while the loop is at least {@link BUSY_UTILIZATION} busy and half a late tick late, and falls by half
 * that while it is not; at most {@link MAX_SHED}, so that some customers are still answered.
 */
const BUSY_UTILIZATION = 0.9;
const SHED_STEP = 0.1;
const MAX_SHED = 0.95;

export class TurnQueue {
  private running = 0;
  /** Admitted turns not started yet (waiting for their conversation or for a slot). */
  private admitted = 0;
  private readonly waiting: Array<{ since: number; start: () => void }> = [];
  /** Turns refused since start (health, benchmarks). */
  refused = 0;
  /** How late the event loop last ran a 100 ms timer, ms: the wait of work not yet in this queue. */
  private lagMs = 0;
  /** Consecutive late ticks (each more than {@link LATE_TICK_MS} late) and when the first of them was due. */
  private lateTicks = 0;
  private lateSince = 0;
  private lastLateAt = 0;
  /** Turns asked for in the current and the previous second (admitted or not): the demand. */
  private arrivalsSecond = 0;
  private arrivalsNow = 0;
  private arrivalsBefore = 0;
  private lagTimer: NodeJS.Timeout | null = null;
  /** The share of new web-chat messages turned away now (0–{@link MAX_SHED}), and the running count that spreads it. */
  private shedShare = 0;
  private shedCredit = 0;

  constructor(private readonly opts: TurnQueueOptions) {}

  /**
   * Watches the event loop: when the process is short of CPU, requests wait before they reach this
   * queue (unread sockets, pending callbacks, stream frames) while the turns themselves start at
   * once, so a late loop also refuses new turns: at once when it is later than `maxWaitMs` with
   * every slot taken, and when it has been late tick after tick (an overload, whatever the slots).
   */
  watchEventLoop(): void {
    if (this.lagTimer) return;
    let expected = performance.now() + 100;
    let last = performance.now();
    let elu = loopUtilization();
    this.lagTimer = setInterval(() => {
      const now = performance.now();
      const lag = now - expected;
      this.tick(now, lag);
      const e = loopUtilization();
      this.control(now, loopUtilization(e, elu).utilization, lag, now - last);
      elu = e;
      last = now;
      expected = now + 100;
    }, 100);
    this.lagTimer.unref();
  }

  /** A longer allowed wait than the default 600 ms (`TURN_MAX_WAIT_MS`) allows proportionally later ticks too. */
  private get scale(): number {
    return Math.max(1, this.opts.maxWaitMs / 600);
  }

  /** One timer tick of the watch, `lagMs` late (exposed for tests). */
  tick(now: number, lagMs: number): void {
    this.lagMs = Math.max(0, lagMs);
    if (this.lagMs > LATE_TICK_MS * this.scale) {
      if (this.lateTicks++ === 0) this.lateSince = now - this.lagMs;
      this.lastLateAt = now;
    } else this.lateTicks = 0;
  }

  /**
   * The steady part of overload control (exposed for tests): over the last `dtMs` the loop was `utilization`
   * busy (0–1, `performance.eventLoopUtilization`) and its timer ran `lagMs` late. A loop nearly always busy
   * and running late while customers keep writing cannot read its requests in time: the share of messages
   * {@link shed} turns away grows; when the loop has room again it falls, more slowly. A binary rule alone
   * (everything or nothing refused) flips with every on-time tick and lets the backlog build in between.
   */
  control(now: number, utilization: number, lagMs: number, dtMs: number): void {
    const steps = Math.max(0, dtMs) / 100;
    const busy = utilization >= BUSY_UTILIZATION && lagMs > (LATE_TICK_MS * this.scale) / 2 && this.demand(now) >= this.opts.concurrency;
    this.shedShare = busy ? Math.min(MAX_SHED, this.shedShare + SHED_STEP * steps) : Math.max(0, this.shedShare - (SHED_STEP / 2) * steps);
    if (this.shedShare === 0) this.shedCredit = 0;
  }

  /** The share of new messages {@link shed} turns away now, besides a sustained overload (all of them). */
  get shedding(): number {
    return this.shedShare;
  }

  /**
   * Whether the loop has been late tick after tick while customers keep writing (at least `concurrency` turns
   * asked for in the last second): requests wait unread, however idle the turn slots look. A late loop with
   * hardly anyone writing (a slow machine, one long job) is no overload of the chat.
   */
  get overloaded(): boolean {
    return this.overloadedAt(performance.now());
  }

  overloadedAt(now: number): boolean {
    return this.lateTicks >= SUSTAINED_TICKS && this.lastLateAt - this.lateSince >= SUSTAINED_MS * this.scale && this.demand(now) >= this.opts.concurrency;
  }

  /** Turns asked for in the last second (the previous second weighted by what is left of it). */
  private demand(now: number): number {
    this.roll(now);
    return this.arrivalsNow + this.arrivalsBefore * (1 - (now % 1000) / 1000);
  }

  private roll(now: number): void {
    const second = Math.floor(now / 1000);
    if (second === this.arrivalsSecond) return;
    this.arrivalsBefore = second === this.arrivalsSecond + 1 ? this.arrivalsNow : 0;
    this.arrivalsNow = 0;
    this.arrivalsSecond = second;
  }

  stop(): void {
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.lagTimer = null;
  }

  /** Turns admitted and not finished. */
  get pending(): number {
    return this.running + this.admitted;
  }

  /**
   * Whether a new message should be turned away before any work is done for it (nothing parsed or stored):
   * all of them while the loop has been late tick after tick as customers keep writing (see {@link overloadedAt}),
   * else the share {@link control} keeps while the loop is saturated. Then the process cannot read its requests
   * in time, and storing each refused message with a busy reply
   * would cost nearly as much as answering it, so the backlog would only grow. A cheap refusal lets the
   * loop catch up. Counts the message as asked for (the demand stays visible) and as refused.
   */
  shed(now = performance.now()): boolean {
    if (!this.overloadedAt(now)) {
      this.shedCredit += this.shedShare;
      if (this.shedCredit < 1) return false;
      this.shedCredit -= 1;
    }
    this.arrivalsNow++;
    this.refused++;
    this.shedCount++;
    return true;
  }

  /** Messages turned away by {@link shed} since start. */
  shedCount = 0;

  /** Whether a new turn may join the queue; counts it as admitted when so (`force`: always, e.g. a recovered turn). */
  admit(now = performance.now(), force = false): boolean {
    this.roll(now);
    this.arrivalsNow++;
    const oldest = this.waiting[0];
    // A late loop counts at once only while every slot is taken (one slow turn, a photo read, alone is no
    // overload); a loop late tick after tick while customers keep writing is one, however idle the slots look.
    const late = (this.lagMs > this.opts.maxWaitMs && this.running >= this.opts.concurrency) || (oldest !== undefined && now - oldest.since > this.opts.maxWaitMs) || this.overloadedAt(now);
    if (!force && (this.admitted >= this.opts.maxQueued || late)) {
      this.refused++;
      return false;
    }
    this.admitted++;
    return true;
  }

  /** Gives back an admission whose turn will not run after all. */
  release(): void {
    this.admitted--;
  }

  /** Runs an admitted turn when a slot is free. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.opts.concurrency) await new Promise<void>((start) => this.waiting.push({ since: performance.now(), start }));
    else this.running++;
    this.admitted--;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start(); // the slot passes straight to the next turn
      else this.running--;
    }
  }
}
