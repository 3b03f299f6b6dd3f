/**
 * The rate limit kept in the database (contracts §11: shared by the instances), on a real SQLite
 * file; two limiter objects stand for two instances over one database (test/postgres runs two real
 * servers on PostgreSQL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SharedRateLimit } from '../../src/channels/directline/rateLimit';
import { openDatabase } from '../../src/db/dataSource';
import { sqlOf } from '../../src/db/sql';

let dir: string;
let ds: DataSource;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kropla-rate-'));
  ds = await openDatabase({ type: 'sqlite', path: join(dir, 'rate.sqlite') });
});
afterAll(async () => {
  await ds.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('SharedRateLimit', () => {
  it('counts the hits of both instances against one limit, gives back refused hits, and slides into the next window', async () => {
    let now = 5 * 60_000; // the start of a window
    const a = new SharedRateLimit(sqlOf(ds), 'test-msg', 4, 60_000, () => now);
    const b = new SharedRateLimit(sqlOf(ds), 'test-msg', 4, 60_000, () => now);
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await (i % 2 ? b : a).hit('conv-1'));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, false, false]);
    expect(results[4]).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect((await a.hit('conv-2')).ok).toBe(true); // another subject has its own count
    // Refused hits were not counted: the next window starts from 4, not 6 (half-way: 4 × 0.5 = 2 left).
    now += 60_000 + 30_000;
    expect((await b.hit('conv-1')).ok).toBe(true);
    expect((await a.hit('conv-1')).ok).toBe(true);
    expect((await b.hit('conv-1')).ok).toBe(false);
    // Much later the old windows no longer count.
    now += 10 * 60_000;
    const later = [];
    for (let i = 0; i < 4; i++) later.push((await (i % 2 ? a : b).hit('conv-1')).ok);
    expect(later).toEqual([true, true, true, true]);
  });

  it('keeps limits of different names apart', async () => {
    const now = 20 * 60_000;
    const tokens = new SharedRateLimit(sqlOf(ds), 'test-token', 1, 60_000, () => now);
    const messages = new SharedRateLimit(sqlOf(ds), 'test-other', 1, 60_000, () => now);
    expect((await tokens.hit('x')).ok).toBe(true);
    expect((await messages.hit('x')).ok).toBe(true);
    expect((await tokens.hit('x')).ok).toBe(false);
  });
});
