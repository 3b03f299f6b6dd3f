/**
 * One transaction per turn where possible (issue 17): the writes of a turn that nothing in the turn reads
 * back — the transcript lines, the bot state, the inbox entry's removal — wait in the turn's {@link TurnWrites}
 * and are committed together, in one {@link Sql.batch}, when the bot state is saved at the end of the turn
 * (or after the turn, for what is left). The turn is found through AsyncLocalStorage, so the services need no
 * extra argument; outside a turn every write runs at once, as before.
 *
 * @example
 * const writes = new TurnWrites(sql);
 * await inTurn(writes, () => adapter.processActivity(activity, logic)); // ChatService.record defers to it
 * await writes.flush();                                                  // whatever the turn left
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Sql, Statement } from './sql';

export class TurnWrites {
  private pending: Statement[] = [];
  private closed = false;

  constructor(private readonly sql: Sql) {}

  /** Whether a write of `sql`'s database may wait here (the turn is still running, on the same database). */
  takes(sql: Sql): boolean {
    return !this.closed && sql === this.sql;
  }

  /** A write that may wait for the turn's commit. */
  defer(sql: string, params: unknown[]): void {
    this.pending.push({ sql, params });
  }

  /**
   * Commits what waits together with `now`, in one transaction; returns the rows each of `now` changed.
   * On an error nothing of it is written, and what waited is given up (the turn has failed).
   */
  async flush(now: Statement[] = []): Promise<number[]> {
    const waiting = this.pending;
    this.pending = [];
    const changed = await this.sql.batch([...waiting, ...now]);
    return changed.slice(waiting.length);
  }

  /** The turn is over: commits what is left; later writes (work the turn set off) run at once. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}

const current = new AsyncLocalStorage<TurnWrites>();

/** Runs a turn with its writes collected in `writes`. */
export function inTurn<T>(writes: TurnWrites, fn: () => Promise<T>): Promise<T> {
  return current.run(writes, fn);
}

/** The writes of the turn this code runs in, when a write of `sql`'s database may wait there. */
export function turnWrites(sql: Sql): TurnWrites | undefined {
  const w = current.getStore();
  return w?.takes(sql) ? w : undefined;
}
