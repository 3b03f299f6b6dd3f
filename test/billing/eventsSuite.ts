/**
 * The billing feed and webhooks (contracts §8), the same on SQLite (`npm test`) and PostgreSQL
 * (`npm run test:postgres`): real servers over HTTP, the real bot, a second writer in its own
 * process (dist/bench/eventsWriter.js), and a real HTTP webhook receiver.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { formatDate, isoDateInWarsaw } from '../../src/domain/format';
import type { FeedEventJson } from '../../src/services/EventService';
import type { CaseRecord } from '../../models';
import { chat, linkChat, sharedRecognizer } from '../support/botHarness';
import { twoCustomerFile } from '../support/serviceSuite';
import { addStaff, StaffClient } from '../staff/helpers';

const TOKEN = 'test-admin-token-123456';
const SECRET = 'webhook-secret-for-tests-0123456789';
const WRITER = join(__dirname, '../../dist/bench/eventsWriter.js');

type WebhookTuning = NonNullable<Parameters<typeof createApp>[1]>['webhook'];

async function startInstance(dbUrl: string, env: Record<string, string> = {}, webhook: WebhookTuning = {}): Promise<App> {
  const config = loadConfig({
    DATABASE_URL: dbUrl, DEMO_DATA: '1', PORT: '0', HOST: '127.0.0.1', ADMIN_API_TOKEN: TOKEN, LOG_LEVEL: 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'kropla-feed-')), ...env,
  });
  const app = await createApp(config, { recognizer: await sharedRecognizer(), webhook: { idleMs: 50, retryBaseMs: 100, retryMaxMs: 400, ...webhook } });
  await app.start();
  return app;
}

interface Reply {
  status: number;
  body: { events: FeedEventJson[]; next: string; field?: string; error?: string };
}

async function get(app: App, path: string, token: string | null = TOKEN): Promise<Reply> {
  const res = await fetch(app.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

async function page(app: App, after: string | undefined, limit: number): Promise<{ events: FeedEventJson[]; next: string }> {
  const r = await get(app, `/api/admin/events?limit=${limit}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`);
  expect(r.status).toBe(200);
  return r.body;
}

/** The whole feed, in pages of 1000. */
async function wholeFeed(app: App): Promise<FeedEventJson[]> {
  const all: FeedEventJson[] = [];
  let after: string | undefined;
  for (;;) {
    const p = await page(app, after, 1000);
    all.push(...p.events);
    after = p.next;
    if (p.events.length < 1000) return all;
  }
}

/** Runs the writer in its own process on the same database; resolves with what it printed. */
function writer(dbUrl: string, args: string[]): Promise<{ written: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [WRITER, dbUrl, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'silent' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string) as { written: number; errors: number }) : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
  status: number;
}

/**
 * A webhook receiver: answers each request with what `answer` says (null: never answers), and keeps
 * every request.
 */
async function receiver(answer: (n: number, raw: string) => number | null): Promise<{ server: Server; url: string; got: Delivery[] }> {
  const got: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer(got.length, Buffer.concat(chunks).toString('utf8'));
      if (status === null) {
        got.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), status: 0 });
        return;
      }
      got.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/kropla-hook`, got };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function eventsSuite(name: string, freshDbUrl: () => Promise<string>): void {
  describe(`billing feed on ${name}`, () => {
    let dbUrl: string;
    let app: App;
    beforeAll(async () => {
      dbUrl = await freshDbUrl();
      app = await startInstance(dbUrl);
    }, 120_000);
    afterAll(async () => {
      await app?.stop();
    }, 30_000);

    test('a reading submitted in chat appears in the feed once, with meter serial, date and value in m³', async () => {
      const c = chat(app);
      await linkChat(app, c, '100010');
      const ask = await c.text('chcę podać odczyt');
      const last = /Ostatni odczyt: ([\d ]+),(\d{3}) m³/.exec(ask);
      expect(last).not.toBeNull();
      const value = Number(last![1].replace(/ /g, '')) + 2;
      expect(await c.text(`${value},125 m3`)).toMatch(/Zapisano odczyt/);
      const customer = await app.services.customers.byNumber('100010');
      const [meter] = await app.services.readings.metersOf(customer!.id);
      const mine = (await wholeFeed(app)).filter((e) => e.type === 'reading.submitted' && e.customerNumber === '100010');
      expect(mine).toHaveLength(1);
      expect(mine[0].data).toEqual({ meterSerial: meter.serial, date: isoDateInWarsaw(new Date()), value: value + 0.125, suspicious: false });
      expect(mine[0].id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.now() - Date.parse(mine[0].occurredAt)).toBeLessThan(60_000);
    }, 60_000);

    test('a complaint in chat gives case.created, a staff status change case.updated', async () => {
      const c = chat(app);
      await linkChat(app, c, '100234');
      expect(await c.text('chcę złożyć reklamację')).toMatch(/Czego dotyczy/);
      expect(await c.text('Faktura')).toMatch(/opisać sprawę/);
      expect(await c.text('Faktura za październik jest za wysoka, zużycie się nie zgadza')).toMatch(/zdjęcia lub pliki/);
      expect(await c.text('Pomiń')).toMatch(/Jak przekazać odpowiedź/);
      expect(await c.text('W tym czacie')).toMatch(/Czy wysłać reklamację/);
      const caseNumber = /KW-\d{4}-\d{6}/.exec(await c.text('tak'))?.[0];
      expect(caseNumber).toBeDefined();
      const created = (await wholeFeed(app)).filter((e) => e.type === 'case.created' && e.data.caseNumber === caseNumber);
      expect(created).toEqual([expect.objectContaining({ customerNumber: '100234', data: { caseNumber, kind: 'complaint', category: 'invoice', channel: 'webchat' } })]);

      await addStaff(app, 'feed.agent@wodociagi.katowice.pl', 'agent');
      const staff = new StaffClient(app.url);
      expect((await staff.login('feed.agent@wodociagi.katowice.pl')).status).toBe(200);
      expect((await staff.call('PATCH', `/api/staff/cases/${caseNumber}`, { status: 'in_progress' })).status).toBe(200);
      const feed = await wholeFeed(app);
      const updated = feed.filter((e) => e.type === 'case.updated' && e.data.caseNumber === caseNumber);
      expect(updated).toEqual([expect.objectContaining({ customerNumber: '100234', data: { caseNumber, status: 'in_progress' } })]);
      expect(feed.indexOf(updated[0])).toBeGreaterThan(feed.indexOf(feed.find((e) => e.id === created[0].id)!));
    }, 60_000);

    test('e-invoice activated in chat gives einvoice.activated with the e-mail', async () => {
      const customer = await app.services.customers.byNumber('100002');
      await app.services.customers.setEInvoice(customer!.id, true, 'nowy.adres@example.com');
      const mine = (await wholeFeed(app)).filter((e) => e.type === 'einvoice.activated' && e.customerNumber === '100002');
      expect(mine.map((e) => e.data)).toEqual([{ email: 'nowy.adres@example.com' }]);
    });

    test('balance and invoice answers say as of when billing exported the data (asOf)', async () => {
      const post = (body: unknown) => fetch(`${app.url}/api/admin/import`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const bad = await post({ asOf: '30.11.2026 18:00', customers: [] });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { field: string }).field).toBe('asOf');
      expect((await post({ asOf: '2026-11-30T18:00:00+01:00', customers: twoCustomerFile().customers })).status).toBe(200);
      const c = chat(app);
      await linkChat(app, c, '900001');
      expect(await c.text('ile mam do zapłaty')).toMatch(/Do zapłaty[\s\S]*Stan na 30\.11\.2026, 18:00/);
      expect(await c.text('pokaż faktury')).toMatch(/Stan na 30\.11\.2026, 18:00/);
      // Without asOf the import time is the freshness.
      expect((await post({ customers: twoCustomerFile().customers })).status).toBe(200);
      expect(await c.text('moje saldo')).toContain(`Stan na ${formatDate(new Date())}, `);
    }, 60_000);

    test('bad parameters answer 400 naming the field; no token 401', async () => {
      for (const q of ['after=garbage', 'after=', `after=${Buffer.from('kropla-feed-v1:-1').toString('base64url')}`, 'after=a&after=b']) {
        const r = await get(app, `/api/admin/events?${q}`);
        expect([q, r.status, r.body.field]).toEqual([q, 400, 'after']);
      }
      for (const q of ['limit=0', 'limit=1001', 'limit=ten', 'limit=2.5']) {
        const r = await get(app, `/api/admin/events?${q}`);
        expect([q, r.status, r.body.field]).toEqual([q, 400, 'limit']);
      }
      expect((await get(app, '/api/admin/events', null)).status).toBe(401);
      expect((await get(app, '/api/admin/events', 'wrong-token-0123456789')).status).toBe(401);
      const p = await page(app, undefined, 1000);
      expect(p.events.length).toBeLessThanOrEqual(100 * 10);
      expect((await page(app, p.next, 10)).events).toEqual([]);
      expect((await page(app, p.next, 10)).next).toBe(p.next);
    }, 30_000);

    test('paging with limit=1 returns every event exactly once, in order, while two other processes write, and after a restart', async () => {
      const seen: FeedEventJson[] = [];
      let cursor: string | undefined;
      let writing = true;
      const reader = (async () => {
        for (;;) {
          const p = await page(app, cursor, 1);
          seen.push(...p.events);
          cursor = p.next;
          if (p.events.length === 0) {
            if (!writing) return;
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      })();
      const held = dbUrl.startsWith('postgres') ? ['--hold-ms', '30'] : [];
      const inProcess = (async () => {
        const customer = await app.services.customers.byNumber('100003');
        for (let i = 0; i < 25; i++) {
          await app.services.events.transaction(async (em) => {
            await app.services.events.record(em, { type: 'case.updated', customerId: customer!.id, data: { caseNumber: `KW-TEST-${i}`, status: 'resolved' } });
            if (dbUrl.startsWith('postgres')) await em.query('SELECT pg_sleep($1)', [Math.random() * 0.03]);
          });
          await app.services.cases.create({ kind: 'message', category: 'question', text: `Pytanie ${i}`, customerId: customer!.id, channel: 'webchat', chatId: null });
        }
      })();
      // Two more instances (real processes) write at the same time as this one: on SQLite every
      // transaction meets the others' write locks (before BEGIN IMMEDIATE, about half failed with
      // "database is locked").
      let others;
      try {
        others = await Promise.all([writer(dbUrl, ['mixed', '60', '--concurrency', '3', ...held]), writer(dbUrl, ['mixed', '60', '--concurrency', '3', ...held]), inProcess]);
      } finally {
        writing = false;
        await reader;
      }
      expect(others.slice(0, 2)).toEqual([{ written: 60, errors: 0, seconds: expect.any(Number) }, { written: 60, errors: 0, seconds: expect.any(Number) }]);

      // Restart: a new instance on the same database continues from the cursor.
      await app.stop();
      app = await startInstance(dbUrl);
      const customer = await app.services.customers.byNumber('100004');
      for (let i = 0; i < 3; i++) await app.services.cases.create({ kind: 'message', category: 'question', text: `Po restarcie ${i}`, customerId: customer!.id, channel: 'telegram', chatId: null });
      for (;;) {
        const p = await page(app, cursor, 1);
        if (p.events.length === 0) break;
        seen.push(...p.events);
        cursor = p.next;
      }
      const all = await wholeFeed(app);
      const start = all.findIndex((e) => e.id === seen[0].id);
      expect(seen.map((e) => e.id)).toEqual(all.slice(start).map((e) => e.id));
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(2 * 60 + 50 + 3);
      expect(seen.slice(-3).map((e) => e.customerNumber)).toEqual(['100004', '100004', '100004']);
    }, 120_000);

    test('webhook: a receiver failing the first two deliveries gets each event with the same id and a valid signature, in order; a restart loses nothing', async () => {
      let down = false;
      const hook = await receiver((n) => (down || n < 2 ? 500 : 204));
      const wapp = await startInstance(dbUrl, { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
      let restarted: App | null = null;
      try {
        const customer = await wapp.services.customers.byNumber('100005');
        const filed: CaseRecord[] = [];
        for (let i = 0; i < 3; i++) filed.push(await wapp.services.cases.create({ kind: 'message', category: 'question', text: `Webhook ${i}`, customerId: customer!.id, channel: 'webchat', chatId: null }));
        await until('three deliveries accepted', () => hook.got.filter((d) => d.status === 204).length >= 3);
        const feed = (await wholeFeed(wapp)).filter((e) => e.type === 'case.created' && filed.some((c) => c.caseNumber === e.data.caseNumber));
        expect(feed).toHaveLength(3);
        // The first event was tried three times (500, 500, 204) before the customer's next one.
        expect(hook.got.slice(0, 3).map((d) => [d.headers['x-kropla-event-id'], d.status])).toEqual([[feed[0].id, 500], [feed[0].id, 500], [feed[0].id, 204]]);
        const accepted = hook.got.filter((d) => d.status === 204);
        expect(accepted.map((d) => d.headers['x-kropla-event-id'])).toEqual(feed.map((e) => e.id));
        for (const d of hook.got) {
          expect(d.headers['x-kropla-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(d.raw).digest('hex')}`);
          expect(d.headers['content-type']).toBe('application/json');
          const body = JSON.parse(d.raw) as FeedEventJson;
          expect(body).toEqual(feed.find((e) => e.id === d.headers['x-kropla-event-id']));
        }

        // The receiver goes down; the instance stops with the event undelivered; a new one delivers it.
        down = true;
        const before = hook.got.length;
        const late = await wapp.services.cases.create({ kind: 'message', category: 'question', text: 'Po awarii', customerId: customer!.id, channel: 'webchat', chatId: null });
        await until('a failed attempt', () => hook.got.length > before);
        await wapp.stop();
        down = false;
        restarted = await startInstance(dbUrl, { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
        await until('the event after the restart', () => hook.got.some((d) => d.status === 204 && (JSON.parse(d.raw) as FeedEventJson).data.caseNumber === late.caseNumber));
        expect(hook.got.filter((d) => d.status === 204).map((d) => d.headers['x-kropla-event-id'])).toHaveLength(4);
      } finally {
        if (restarted) await restarted.stop();
        else await wapp.stop().catch(() => undefined);
        hook.server.close();
      }
    }, 60_000);

    test('webhook: an event the receiver never accepts holds back no other customer, is given up after giveUpMs, and the operator sees and redelivers it', async () => {
      const stuck = '100006';
      let poison: string | null = null;
      let hang = true;
      // The first event of customer 100006 is never accepted: first the receiver hangs on it, then it refuses it.
      const hook = await receiver((_n, raw) => {
        const e = JSON.parse(raw) as FeedEventJson;
        if (e.customerNumber !== stuck) return 204;
        poison ??= e.id;
        if (e.id !== poison) return 204;
        return hang ? null : 503;
      });
      const wapp = await startInstance(dbUrl, { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET }, { timeoutMs: 8000, giveUpMs: 10_000 });
      try {
        const [a, b] = await Promise.all([wapp.services.customers.byNumber(stuck), wapp.services.customers.byNumber('100007')]);
        const blocked = await wapp.services.cases.create({ kind: 'message', category: 'question', text: 'Zablokowane', customerId: a!.id, channel: 'webchat', chatId: null });
        await until('the stuck event sent', () => poison !== null);
        const others: CaseRecord[] = [];
        for (let i = 0; i < 3; i++) others.push(await wapp.services.cases.create({ kind: 'message', category: 'question', text: `Inny klient ${i}`, customerId: b!.id, channel: 'webchat', chatId: null }));
        const accepted = () => hook.got.filter((d) => d.status === 204).map((d) => (JSON.parse(d.raw) as FeedEventJson).data.caseNumber);
        // The other customer's three events, in order, while the first request for the stuck one still hangs.
        await until("the other customer's events", () => accepted().length >= 3);
        expect(hook.got.filter((d) => d.headers['x-kropla-event-id'] === poison).map((d) => d.status)).toEqual([0]);
        expect(accepted()).toEqual(others.map((c) => c.caseNumber));
        // The stuck customer's next event waits behind the stuck one (order per customer).
        const after = await wapp.services.cases.create({ kind: 'message', category: 'question', text: 'Następne', customerId: a!.id, channel: 'webchat', chatId: null });
        hang = false;
        // Given up after giveUpMs: then the customer's next event goes on.
        await until('the later event of the stuck customer', () => accepted().includes(after.caseNumber), 30_000);
        const cli = (...args: string[]) => promisify(execFile)(process.execPath, [join(__dirname, '../../dist/src/cli-events.js'), ...args], { env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' } });
        const lines = (await cli('deliveries')).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(lines[0]).toEqual(expect.objectContaining({ failed: 1, queued: 0 }));
        expect(lines.slice(1)).toEqual([expect.objectContaining({ givenUp: poison, type: 'case.created', attempts: expect.any(Number), lastError: 'HTTP 503' })]);
        expect(accepted()).not.toContain(blocked.caseNumber);
        // The operator redelivers it once the receiver is mended.
        hook.got.length = 0;
        poison = 'mended';
        expect(JSON.parse((await cli('redeliver', lines[1].givenUp as string)).stdout)).toEqual({ requeued: 1 });
        wakeWebhooks(wapp);
        await until('the redelivered event', () => accepted().includes(blocked.caseNumber));
        expect(JSON.parse((await cli('deliveries')).stdout.trim().split('\n')[0])).toEqual(expect.objectContaining({ failed: 0 }));
      } finally {
        await wapp.stop();
        hook.server.closeAllConnections();
        hook.server.close();
      }
    }, 90_000);
  });
}

/** Wakes an instance's webhook worker (a redelivery from the CLI is seen on its next poll anyway). */
function wakeWebhooks(app: App): void {
  app.services.events.onCommitted?.();
}
