/**
 * Billing feed benchmarks (contracts §8), on SQLite and (when reachable) PostgreSQL, with a Kropla
 * instance in this process serving the feed and pushing webhooks to a local receiver, and the load
 * coming from writer instances in their own processes (bench/eventsWriter.ts):
 * 1. write: two writer processes, 4 writers each, back to back (cases and bare events) → events/s;
 * 2. read: the whole feed over HTTP `GET /api/admin/events` in pages of 1000 and of 100 → events/s;
 * 3. webhook lag: readings submitted at 50/s (open loop) by another process → lag from `occurredAt`
 *    to the receiver, p50/p99/max, lost and duplicated.
 * `BENCH_EVENTS_N` (writes per writer process, default 1000), `BENCH_EVENTS_SECONDS` (lag run, default 20).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import type { FeedEventJson } from '../src/services/EventService';
import { freshPostgresUrl } from '../test/support/postgres';

const ADMIN = 'bench-admin-token-123456';
const SECRET = 'bench-webhook-secret-0123456789';

function writer(url: string, args: string[]): Promise<{ written: number; errors: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(__dirname, 'eventsWriter.js'), url, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'silent' } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string) as { written: number; errors: number; seconds: number }) : reject(new Error(`writer exited ${code}`))));
  });
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

async function benchOne(db: 'sqlite' | 'postgres', url: string): Promise<void> {
  const arrivals: { id: string; at: number; occurredAt: number }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FeedEventJson;
      arrivals.push({ id: e.id, at: Date.now(), occurredAt: Date.parse(e.occurredAt) });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const app: App = await createApp(loadConfig({
    DATABASE_URL: url, DEMO_DATA: '1', PORT: '0', HOST: '127.0.0.1', ADMIN_API_TOKEN: ADMIN, LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(join(tmpdir(), 'kropla-bench-events-')),
    WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, WEBHOOK_SECRET: SECRET,
  }));
  await app.start();
  try {
    // 1. Writes from two other processes.
    const n = Number(process.env.BENCH_EVENTS_N ?? 1000);
    const t0 = performance.now();
    const ws = await Promise.all([writer(url, ['mixed', String(n), '--concurrency', '4']), writer(url, ['mixed', String(n), '--concurrency', '4'])]);
    const wall = Math.max(...ws.map((w) => w.seconds));
    const written = ws.reduce((s, w) => s + w.written, 0);
    console.log(JSON.stringify({ bench: 'events', db, what: 'write', processes: 2, writers: 8, events: written, errors: ws.reduce((s, w) => s + w.errors, 0), seconds: Math.round(wall * 100) / 100, events_per_sec: Math.round(written / wall), with_startup_seconds: Math.round((performance.now() - t0) / 10) / 100 }));

    // 2. Reading the whole feed over HTTP.
    for (const limit of [1000, 100]) {
      let after: string | undefined;
      let count = 0;
      const r0 = performance.now();
      for (;;) {
        const res = await fetch(`${app.url}/api/admin/events?limit=${limit}${after ? `&after=${after}` : ''}`, { headers: { authorization: `Bearer ${ADMIN}` } });
        const page = (await res.json()) as { events: FeedEventJson[]; next: string };
        count += page.events.length;
        after = page.next;
        if (page.events.length < limit) break;
      }
      const s = (performance.now() - r0) / 1000;
      console.log(JSON.stringify({ bench: 'events', db, what: 'read', limit, events: count, seconds: Math.round(s * 100) / 100, events_per_sec: Math.round(count / s) }));
    }

    // 3. Webhook delivery lag under 50 readings/s from another process.
    const seconds = Number(process.env.BENCH_EVENTS_SECONDS ?? 20);
    const rate = 50;
    const total = rate * seconds;
    arrivals.length = 0;
    const w = await writer(url, ['readings', String(total), '--rate', String(rate), '--webhooks']);
    const t1 = Date.now();
    while (new Set(arrivals.map((a) => a.id)).size < w.written && Date.now() - t1 < 120_000) await new Promise((r) => setTimeout(r, 50));
    const lags = arrivals.map((a) => a.at - a.occurredAt).sort((a, b) => a - b);
    const distinct = new Set(arrivals.map((a) => a.id)).size;
    console.log(JSON.stringify({
      bench: 'events', db, what: 'webhook_lag', rate_per_sec: rate, readings: w.written, errors: w.errors, achieved_rate_per_sec: Math.round((w.written / w.seconds) * 10) / 10,
      lag_p50_ms: pct(lags, 50), lag_p99_ms: pct(lags, 99), lag_max_ms: lags[lags.length - 1] ?? null, lost: w.written - distinct, duplicated: arrivals.length - distinct,
    }));
  } finally {
    await app.stop();
    receiver.close();
  }
}

export async function runEventsBench(): Promise<void> {
  await benchOne('sqlite', `sqlite:${join(mkdtempSync(join(tmpdir(), 'kropla-bench-events-')), 'k.sqlite')}`);
  let pgUrl: string;
  try {
    pgUrl = await freshPostgresUrl();
  } catch (e) {
    console.log(JSON.stringify({ bench: 'events', db: 'postgres', skipped: `no PostgreSQL (${(e as Error).message})` }));
    return;
  }
  await benchOne('postgres', pgUrl);
}
