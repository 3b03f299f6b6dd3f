/**
 * Backpressure for customer turns: at most `concurrency` turns run at once, the rest wait in
 * arrival order, and a turn is admitted only while the wait is short (fewer than `maxQueued`
 * waiting and the oldest waiting less than `maxWaitMs`). Past that the channel answers at once
 * with the polite "very many people are writing" reply instead of letting everyone wait longer
 * and longer. Turns of one conversation still run one after another (the channel chains them).
 *
 * @example
 * const q = new TurnQueue({ concurrency: 8, maxQueued: 256, maxWaitMs: 600 });
 * if (!q.admit()) return busyReply();
 * await q.run(() => bot.run(ctx));
 */
export interface TurnQueueOptions {
  concurrency: number;
  maxQueued: number;
  maxWaitMs: number;
}

export class TurnQueue {
  private running = 0;
  /** Admitted turns not started yet (waiting for their conversation or for a slot). */
  private admitted = 0;
  private readonly waiting: Array<{ since: number; start: () => void }> = [];
  /** Turns refused since start (health, benchmarks). */
  refused = 0;

  constructor(private readonly opts: TurnQueueOptions) {}

  /** Turns admitted and not finished. */
  get pending(): number {
    return this.running + this.admitted;
  }

  /** Whether a new turn may join the queue; counts it as admitted when so (`force`: always, e.g. a recovered turn). */
  admit(now = performance.now(), force = false): boolean {
    const oldest = this.waiting[0];
    if (!force && (this.admitted >= this.opts.maxQueued || (oldest && now - oldest.since > this.opts.maxWaitMs))) {
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
