/**
 * Outage alert delivery benchmarks through the fake Telegram Bot API (real HTTP):
 * 1. 10,000 subscribers on one street at the configured 25 msg/s: time to the last message,
 *    achieved rate as a share of the configured one, lost and duplicated messages;
 * 2. 2,000 subscribers, the Kropla process killed with SIGKILL half-way and restarted: lost = 0, duplicated = 0;
 * 3. 2,000 subscribers on PostgreSQL with two Kropla processes sharing the outbox: lost = 0, duplicated = 0;
 * 4. 10,000 subscribers with Telegram's paid broadcast (TELEGRAM_PAID_BROADCAST=1, a budget of 0.1 Stars a
 *    subscriber) against a fake Bot API that allows 1,000 a second with `allow_paid_broadcast` and 30 without.
 * Sizes can be scaled down with BENCH_OUTAGE_N (scenarios 1 and 4) and BENCH_OUTAGE_CRASH_N (2 and 3);
 * BENCH_OUTAGE_ONLY (e.g. `paid`, `broadcast,crash`) runs some of them (broadcast, crash, postgres, paid).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { Client } from 'pg';
import { openDatabase } from '../src/db/dataSource';
import { parseDatabaseUrl } from '../src/config';
import { AlertSubscription, ChatConversation } from '../models';
import { FakeTelegram } from '../test/support/fake-telegram';
import { freePort } from '../test/support/fake-telegram/harness';

const TOKEN = '123456:BENCH';
const ADMIN = 'bench-admin-token-123456';
const TITLE = 'Awaria magistrali na Mikołowskiej';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Chats 1..n on Telegram, each subscribed to Mikołowska 12. */
async function seed(ds: DataSource, n: number, apiRoot: string): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    const chats = [];
    for (let k = i + 1; k <= Math.min(n, i + 500); k++) {
      const id = String(1_000_000 + k);
      chats.push({
        channel: 'telegram', conversationId: id, userId: id, locale: 'pl',
        reference: JSON.stringify({ channelId: 'telegram', serviceUrl: apiRoot, conversation: { id }, user: { id }, bot: { id: 'kropla' } }),
      });
    }
    await ds.createQueryBuilder().insert().into(ChatConversation).values(chats).execute();
  }
  const rows = await ds.getRepository(ChatConversation).find({ select: { id: true } });
  for (let i = 0; i < rows.length; i += 500) {
    await ds.createQueryBuilder().insert().into(AlertSubscription).values(rows.slice(i, i + 500).map((c) => ({ chatId: c.id, servicePointId: '', street: 'Mikołowska', streetKey: 'mikolowska', building: '12', city: 'Katowice' }))).execute();
  }
}

/** A fresh SQLite database with `n` subscribed Telegram chats, and a free port for Kropla. */
async function seededSqlite(prefix: string, n: number, apiRoot: string): Promise<{ dir: string; db: string; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = `sqlite:${dir}/k.sqlite`;
  const ds = await openDatabase(parseDatabaseUrl(db));
  await seed(ds, n, apiRoot);
  await ds.destroy();
  return { dir, db, port: await freePort() };
}

function startKropla(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(__dirname, '..', 'src', 'index.js')], { env: { ...process.env, ...env, LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function waitHealthy(port: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      /* starting */
    }
    if (Date.now() - t0 > 60_000) throw new Error('Kropla did not start');
    await sleep(50);
  }
}

async function publish(port: number, extra: object = {}): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/api/admin/outages`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'failure', title: TITLE, message: 'Uszkodzenie magistrali wodociągowej.', startsAt: new Date().toISOString(), streets: [{ street: 'ul. Mikołowska', from: '1', to: '40' }], ...extra }),
  });
  if (r.status !== 201) throw new Error(`publish answered ${r.status}: ${await r.text()}`);
  return ((await r.json()) as { recipients: number }).recipients;
}

/** Alert messages received per chat. */
function received(fake: FakeTelegram): Map<number, number> {
  const per = new Map<number, number>();
  for (const m of fake.sent) if (m.method === 'sendMessage' && (m.text ?? '').includes(TITLE)) per.set(m.chat_id, (per.get(m.chat_id) ?? 0) + 1);
  return per;
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) return false;
    await sleep(100);
  }
  return true;
}

function tally(fake: FakeTelegram, n: number): { delivered: number; lost: number; duplicated: number } {
  const per = received(fake);
  let duplicated = 0;
  for (const c of per.values()) duplicated += c - 1;
  return { delivered: per.size, lost: n - per.size, duplicated };
}

async function broadcast(n: number, rate: number): Promise<void> {
  const fake = await FakeTelegram.start({ token: TOKEN, rateLimitPerSecond: 30 });
  const { dir, db, port } = await seededSqlite('kropla-bench-out-', n, fake.url);
  const p = startKropla({ PORT: String(port), DATABASE_URL: db, DATA_DIR: dir, DEMO_DATA: '0', ADMIN_API_TOKEN: ADMIN, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.url, TELEGRAM_RATE_PER_SEC: String(rate) });
  try {
    await waitHealthy(port);
    const t0 = Date.now();
    const recipients = await publish(port);
    await waitFor(() => received(fake).size >= n, n * (2000 / rate) + 60_000);
    const times = fake.sent.filter((m) => (m.text ?? '').includes(TITLE)).map((m) => m.at);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const achieved = (times.length - 1) / ((last - first) / 1000);
    const r429 = fake.calls.filter((c) => c.status === 429).length;
    console.log(JSON.stringify({
      bench: 'outage.broadcast', channel: 'telegram', subscribers: n, recipients, configured_per_sec: rate, achieved_per_sec: Math.round(achieved * 100) / 100,
      share_of_configured: Math.round((achieved / rate) * 1000) / 1000, seconds_to_last: Math.round((last - t0) / 100) / 10, ...tally(fake, n), telegram_429: r429,
    }));
  } finally {
    p.kill('SIGTERM');
    await fake.stop();
  }
}

async function crash(n: number, rate: number): Promise<void> {
  const fake = await FakeTelegram.start({ token: TOKEN });
  const { dir, db, port } = await seededSqlite('kropla-bench-kill-', n, fake.url);
  const env = { PORT: String(port), DATABASE_URL: db, DATA_DIR: dir, DEMO_DATA: '0', ADMIN_API_TOKEN: ADMIN, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.url, TELEGRAM_RATE_PER_SEC: String(rate), INSTANCE_ID: 'bench-a' };
  let p = startKropla(env);
  try {
    await waitHealthy(port);
    const t0 = Date.now();
    await publish(port);
    await waitFor(() => received(fake).size >= n / 2, n * (2000 / rate));
    p.kill('SIGKILL');
    const atKill = received(fake).size;
    await sleep(500);
    p = startKropla({ ...env, INSTANCE_ID: 'bench-b' });
    await waitHealthy(port);
    await waitFor(() => received(fake).size >= n, n * (2000 / rate) + 90_000);
    await sleep(2000);
    console.log(JSON.stringify({ bench: 'outage.sigkill_restart', subscribers: n, delivered_before_kill: atKill, seconds_total: Math.round((Date.now() - t0) / 100) / 10, ...tally(fake, n) }));
  } finally {
    p.kill('SIGTERM');
    await fake.stop();
  }
}

async function twoInstancesOnPostgres(n: number, rate: number): Promise<void> {
  const admin = process.env.POSTGRES_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const c = new Client({ connectionString: admin });
  await c.connect();
  await c.query('DROP DATABASE IF EXISTS kropla_bench_outbox');
  await c.query('CREATE DATABASE kropla_bench_outbox');
  await c.end();
  const u = new URL(admin);
  u.pathname = '/kropla_bench_outbox';
  const db = u.toString();
  const fake = await FakeTelegram.start({ token: TOKEN });
  const ds = await openDatabase(parseDatabaseUrl(db));
  await seed(ds, n, fake.url);
  await ds.destroy();
  const dir = mkdtempSync(join(tmpdir(), 'kropla-bench-pg-'));
  const ports = [await freePort(), await freePort()];
  const procs = ports.map((port, i) => startKropla({ PORT: String(port), DATABASE_URL: db, DATA_DIR: dir, DEMO_DATA: '0', ADMIN_API_TOKEN: ADMIN, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.url, TELEGRAM_RATE_PER_SEC: String(rate), INSTANCE_ID: `pg-${i}` }));
  try {
    for (const port of ports) await waitHealthy(port);
    const t0 = Date.now();
    await publish(ports[0]);
    await waitFor(() => received(fake).size >= n, n * (1000 / rate) + 60_000);
    await sleep(2000);
    const byInstance = await (async () => {
      const d = await openDatabase(parseDatabaseUrl(db));
      const rows = await d.query(`SELECT "lockedBy" AS w, COUNT(*) AS n FROM "outbox_message" WHERE "status" = 'sent' GROUP BY "lockedBy"`);
      await d.destroy();
      return Object.fromEntries((rows as { w: string; n: string }[]).map((r) => [r.w, Number(r.n)]));
    })();
    console.log(JSON.stringify({ bench: 'outage.two_instances_postgres', subscribers: n, instances: 2, per_instance_rate: rate, seconds_total: Math.round((Date.now() - t0) / 100) / 10, sent_by_instance: byInstance, ...tally(fake, n) }));
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await fake.stop();
  }
}

/** Scenario 4: the paid broadcast, its cost shown first, then every subscriber reached at the paid pace. */
async function paidBroadcast(n: number, rate: number): Promise<void> {
  const fake = await FakeTelegram.start({ token: TOKEN, rateLimitPerSecond: 30, paidRateLimitPerSecond: 1000 });
  const { dir, db, port } = await seededSqlite('kropla-bench-paid-', n, fake.url);
  const p = startKropla({ PORT: String(port), DATABASE_URL: db, DATA_DIR: dir, DEMO_DATA: '0', ADMIN_API_TOKEN: ADMIN, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.url, TELEGRAM_RATE_PER_SEC: String(rate), TELEGRAM_PAID_BROADCAST: '1' });
  const budget = { paidBroadcast: { maxStars: Math.ceil(n * 0.1) } };
  try {
    await waitHealthy(port);
    const cost = (await (await fetch(`http://127.0.0.1:${port}/api/admin/outages/preview`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'failure', title: TITLE, message: 'x', startsAt: new Date().toISOString(), streets: [{ street: 'ul. Mikołowska', from: '1', to: '40' }], ...budget }),
    })).json()) as { telegram: { secondsAtFreePace: number; paidBroadcast: { messages: number; stars: number; seconds: number } } };
    const t0 = Date.now();
    const recipients = await publish(port, budget);
    await waitFor(() => received(fake).size >= n, 120_000);
    const alerts = fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 200 && String(c.params.text ?? '').includes(TITLE));
    const last = Math.max(...alerts.map((c) => c.at));
    const paid = alerts.filter((c) => c.params.allow_paid_broadcast === true).length;
    console.log(JSON.stringify({
      bench: 'outage.paid_broadcast', channel: 'telegram', subscribers: n, recipients, free_per_sec: rate, fake_limits: { free: 30, paid: 1000 },
      cost_shown: cost.telegram.paidBroadcast, seconds_at_free_pace_estimate: cost.telegram.secondsAtFreePace,
      seconds_to_last: Math.round((last - t0) / 100) / 10, achieved_per_sec: Math.round((alerts.length / ((last - t0) / 1000)) * 10) / 10,
      paid_messages: paid, stars: Math.round(paid * 0.1 * 10) / 10, ...tally(fake, n), telegram_429: fake.calls.filter((c) => c.status === 429).length,
    }));
  } finally {
    p.kill('SIGTERM');
    await fake.stop();
  }
}

export async function runOutagesBench(): Promise<void> {
  const n = Number(process.env.BENCH_OUTAGE_N ?? 10_000);
  const crashN = Number(process.env.BENCH_OUTAGE_CRASH_N ?? 2_000);
  const only = (process.env.BENCH_OUTAGE_ONLY ?? 'broadcast,crash,postgres,paid').split(',');
  if (only.includes('broadcast')) await broadcast(n, 25);
  if (only.includes('crash')) await crash(crashN, 25);
  if (only.includes('postgres')) await twoInstancesOnPostgres(crashN, 25);
  if (only.includes('paid')) await paidBroadcast(n, 25);
}
