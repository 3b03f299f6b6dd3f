/**
 * Durability findings (issue 15) over real HTTP on SQLite: /healthz checks a write and that the database file
 * is still the one opened (D-a); a bulk import runs in chunks that let other requests through, with progress (D-e).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { watchDatabaseFile } from '../../src/http/health';
import type { Recognizer } from '../../src/nlu';
import { polishIbanFromBban } from '../../src/domain/iban';
import { capturedLogger } from '../support/security';

const TOKEN = 'test-admin-token-123456';
const noNlu: Recognizer = { recognize: (text) => ({ text, language: 'pl', intent: 'None', score: 1, intents: [], entities: [] }) };

async function start(): Promise<{ app: App; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-health-'));
  const app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dir}/data/k.sqlite`, DEMO_DATA: '0', ADMIN_API_TOKEN: TOKEN, LOG_LEVEL: 'silent', DATA_DIR: `${dir}/data` }), { recognizer: noNlu, workers: false });
  await app.start();
  return { app, dir };
}

const health = async (app: App) => {
  const r = await fetch(`${app.url}/healthz`);
  return { status: r.status, body: (await r.json()) as Record<string, string> };
};

describe('D-a — /healthz', () => {
  test('503 "not_writable" when the database answers reads but refuses writes; 200 again when writes work', async () => {
    const { app, dir } = await start();
    try {
      expect(await health(app)).toEqual({ status: 200, body: { status: 'ok', db: 'ok' } });
      await app.ds.query('PRAGMA query_only = ON');
      expect(await health(app)).toEqual({ status: 503, body: { status: 'unavailable', db: 'not_writable' } });
      await app.ds.query('PRAGMA query_only = OFF');
      expect((await health(app)).status).toBe(200);
    } finally {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the data directory deleted while running: 503 "file_missing", and writes stop instead of going into a lost file', async () => {
    const { app, dir } = await start();
    try {
      const timer = watchDatabaseFile(app, 20);
      rmSync(join(dir, 'data'), { recursive: true, force: true });
      expect(await health(app)).toEqual({ status: 503, body: { status: 'unavailable', db: 'file_missing' } });
      await new Promise((r) => setTimeout(r, 200));
      if (timer) clearInterval(timer);
      await expect(app.services.cases.create({ kind: 'complaint', category: 'invoice', text: 'Za wysoka faktura', customerId: null, channel: 'webchat', chatId: null })).rejects.toThrow();
    } finally {
      await app.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('D-e — a bulk import does not freeze the server', () => {
  test('3,000 customers import in chunks with progress, and /healthz answers while the import runs', async () => {
    const { app, dir } = await start();
    try {
      const customers = Array.from({ length: 3000 }, (_, i) => {
        const n = String(700000 + i);
        return {
          customerNumber: n, name: `Klient ${n}`, email: null, phone: null, bankAccount: polishIbanFromBban('10901014' + '0000' + n.padStart(12, '0')), eInvoice: false,
          servicePoints: [{ id: `SP-${n}`, address: { street: 'Mikołowska', building: String(1 + (i % 90)), apartment: null, postalCode: '40-065', city: 'Katowice' }, meters: [{ serial: `WM-${n}`, kind: 'main', legalizedUntil: '2029-12-31', readings: [{ date: '2026-01-15', value: 100 + i, source: 'collector' }] }] }],
          invoices: [{ number: `FV/2026/01/${n}`, issueDate: '2026-01-20', dueDate: '2026-02-03', periodFrom: '2025-11-15', periodTo: '2026-01-15', grossAmount: 45.32, consumptionM3: 6.2 }],
          payments: [],
        };
      });
      const progress: number[] = [];
      let importDone = 0;
      const importing = app.services.imports.importBody({ customers }, ({ done }) => progress.push(done)).then((r) => {
        importDone = Date.now();
        return r;
      });
      // Ask for health as soon as the import has started writing.
      while (progress.length === 0 && importDone === 0) await new Promise((r) => setImmediate(r));
      let healthAt = 0;
      const h = health(app).then((r) => {
        healthAt = Date.now();
        return r;
      });
      const [result, hr] = await Promise.all([importing, h]);
      expect(result.customers).toBe(3000);
      expect(hr.status).toBe(200);
      expect(healthAt).toBeLessThan(importDone);
      expect(progress.length).toBeGreaterThanOrEqual(10);
      expect(progress.at(-1)).toBe(3000);
    } finally {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('D-a — a read-only database file', () => {
  test('the server recovers without a restart once the file is writable; the outbox logs the failure once, not twice a second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kropla-health-'));
    const captured = capturedLogger('info');
    const path = `${dir}/data/k.sqlite`;
    const app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path}`, DEMO_DATA: '0', ADMIN_API_TOKEN: TOKEN, LOG_LEVEL: 'info', DATA_DIR: `${dir}/data` }), { recognizer: noNlu, log: captured.log });
    await app.start();
    const driver = app.ds.driver as unknown as { databaseConnection: Database.Database; queryRunner: { stmtCache: Map<string, unknown> } };
    const writable = driver.databaseConnection;
    const lines = (msg: string) => captured.lines().split('\n').filter((l) => l.includes(`"msg":"${msg}`)).length;
    try {
      // What SQLite does when it opens a file it may not write (permissions, a read-only mount): a connection
      // that refuses every write for its whole life, also once the file is writable again. (The test runs as
      // root, whom permissions do not stop, so the connection is opened read-only here.)
      driver.databaseConnection = new Database(path, { readonly: true });
      driver.queryRunner.stmtCache.clear();
      expect(await health(app)).toEqual({ status: 503, body: { status: 'unavailable', db: 'not_writable' } });
      await new Promise((r) => setTimeout(r, 3000)); // the outbox workers keep claiming meanwhile (every 0.5 s when idle)
      expect(lines('outbox claim failed')).toBeGreaterThanOrEqual(1);
      expect(lines('outbox claim failed')).toBeLessThanOrEqual(3); // once per channel's worker, then quiet
      // The file is writable: the next check reopens the connection.
      expect(await health(app)).toEqual({ status: 200, body: { status: 'ok', db: 'ok' } });
      expect(lines('the database file is writable again: connection reopened')).toBe(1);
      expect((await app.services.cases.create({ kind: 'message', category: 'question', text: 'Po naprawie', customerId: null, channel: 'webchat', chatId: null })).caseNumber).toMatch(/^KW-/);
      const t0 = Date.now();
      while (lines('outbox claims work again') < lines('outbox claim failed') && Date.now() - t0 < 40_000) await new Promise((r) => setTimeout(r, 200));
      expect(lines('outbox claims work again')).toBe(lines('outbox claim failed'));
    } finally {
      await app.stop();
      writable.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
