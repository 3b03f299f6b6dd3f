/**
 * Outbox delivery: paced, idempotent, exactly once through a worker crash (lease expiry),
 * blocked recipients recorded and skipped, retry_after honoured; the operator's CLI publishes.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/db/dataSource';
import { createLogger } from '../../src/logger';
import { ChatService } from '../../src/services/ChatService';
import { OutboxService } from '../../src/services/OutboxService';
import { OutageService } from '../../src/services/OutageService';
import { OutboxWorker } from '../../src/outbox/OutboxWorker';
import { RecordingSender } from '../support/recordingSender';
import { tempDbPath } from '../support/botHarness';

const log = createLogger('silent');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(cond: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await sleep(20);
  }
}

let ds: DataSource;
let dbPath: string;
beforeAll(async () => {
  dbPath = tempDbPath();
  ds = await openDatabase({ type: 'sqlite', path: dbPath });
});
afterAll(async () => {
  await ds.destroy();
});

async function chats(n: number, prefix: string): Promise<number[]> {
  const svc = new ChatService(ds);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await svc.touch({ channel: 'rec', conversationId: `${prefix}-${i}`, userId: `${prefix}-${i}`, reference: { conversation: { id: `${prefix}-${i}` } } })).id);
  return ids;
}

test('every message is delivered exactly once, also when a worker dies mid-batch and another takes over after the lease', async () => {
  const outbox = new OutboxService(ds);
  const ids = await chats(30, 'crash');
  await outbox.enqueue(ids.map((chatId, i) => ({ idempotencyKey: `crash-${i}`, channel: 'rec', chatId, activity: { text: `m${i}` } })));
  // A worker claims a batch and "dies" before sending anything: its lease must run out first.
  const dead = await outbox.claim('rec', 10, 'dead-worker', 300);
  expect(dead).toHaveLength(10);
  const sender = new RecordingSender();
  const worker = new OutboxWorker(sender, outbox, new ChatService(ds), log, 'live-worker', { idleMs: 20 });
  worker.start();
  await until(async () => (await outbox.stats()).sent === 30);
  await worker.stop();
  expect(sender.delivered).toHaveLength(30);
  expect(new Set(sender.delivered.map((d) => d.chat)).size).toBe(30);
});

test('a recipient who blocked the bot is recorded and skipped, not retried', async () => {
  const outbox = new OutboxService(ds);
  const [a, b] = await chats(2, 'blocked');
  const sender = new RecordingSender();
  sender.script = (chat) => (chat === 'blocked-0' ? { ok: false, kind: 'blocked', error: 'Forbidden: bot was blocked by the user' } : null);
  await outbox.enqueue([{ idempotencyKey: 'blk-a', channel: 'rec', chatId: a, activity: { text: 'x' } }, { idempotencyKey: 'blk-b', channel: 'rec', chatId: b, activity: { text: 'y' } }]);
  const worker = new OutboxWorker(sender, outbox, new ChatService(ds), log, 'w-blk', { idleMs: 20 });
  worker.start();
  await until(async () => (await outbox.pending('rec')) === 0);
  await outbox.enqueue([{ idempotencyKey: 'blk-a2', channel: 'rec', chatId: a, activity: { text: 'again' } }]);
  await until(async () => (await outbox.pending('rec')) === 0);
  await worker.stop();
  expect((await new ChatService(ds).byId(a))?.blockedAt).not.toBeNull();
  expect(sender.delivered.map((d) => d.chat)).toEqual(['blocked-1']);
  const stats = await outbox.stats();
  expect(stats.skipped).toBeGreaterThanOrEqual(2);
});

test('retry_after is honoured: the message waits, then goes out once', async () => {
  const outbox = new OutboxService(ds);
  const [c] = await chats(1, 'retry');
  const sender = new RecordingSender();
  let failures = 1;
  sender.script = () => (failures-- > 0 ? { ok: false, kind: 'retry', error: 'Too Many Requests', retryAfterMs: 300 } : null);
  await outbox.enqueue([{ idempotencyKey: 'retry-1', channel: 'rec', chatId: c, activity: { text: 'late' } }]);
  const worker = new OutboxWorker(sender, outbox, new ChatService(ds), log, 'w-retry', { idleMs: 20 });
  const t0 = Date.now();
  worker.start();
  await until(() => sender.delivered.length === 1);
  await worker.stop();
  expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  expect(sender.delivered).toEqual([{ chat: 'retry-0', text: 'late' }]);
});

test('the operator CLI publishes a notice from a file and the alert is queued once per subscriber', async () => {
  const [chatId] = await chats(1, 'cli');
  await new OutageService(ds).subscribeAddress(chatId, 'Warszawska', '41');
  const file = join(dirname(dbPath), 'notice.json');
  writeFileSync(file, JSON.stringify({ kind: 'planned', title: 'Wymiana zasuwy', message: 'Prace planowe.', startsAt: '2030-01-10T08:00:00+01:00', expectedEndAt: '2030-01-10T14:00:00+01:00', streets: [{ street: 'Warszawska', from: '1', to: '99' }] }));
  const env = { ...process.env, DATABASE_URL: `sqlite:${dbPath}`, LOG_LEVEL: 'silent' };
  const cli = join(__dirname, '../../dist/src/cli-outage.js');
  const out = JSON.parse(execFileSync(process.execPath, [cli, 'publish', '--file', file], { env, encoding: 'utf8' })) as { id: number; recipients: number };
  expect(out.recipients).toBe(1);
  const again = JSON.parse(execFileSync(process.execPath, [cli, 'end', String(out.id)], { env, encoding: 'utf8' })) as { recipients: number };
  expect(again.recipients).toBe(1);
  const status = JSON.parse(execFileSync(process.execPath, [cli, 'status', String(out.id)], { env, encoding: 'utf8' })) as { delivery: { queued: number } };
  expect(status.delivery.queued).toBe(2);
  expect(() => execFileSync(process.execPath, [cli, 'publish', '--file', '/nonexistent.json'], { env, encoding: 'utf8', stdio: 'pipe' })).toThrow();
});
