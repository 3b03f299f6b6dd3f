import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { App } from '../../src/app';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { sharedRecognizer, tempDbPath } from '../support/botHarness';
import { counts, twoCustomerFile } from '../support/serviceSuite';

const TOKEN = 'test-admin-token-123456';
let app: App;
let base: string;

async function call(method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

beforeAll(async () => {
  app = await createApp(loadConfig({ DATABASE_URL: `sqlite:${tempDbPath()}`, DEMO_DATA: '0', PORT: '0', ADMIN_API_TOKEN: TOKEN, LOG_LEVEL: 'silent' }), { recognizer: await sharedRecognizer() });
  await app.start();
  base = app.url;
});
afterAll(async () => {
  await app.stop();
});

test('GET /healthz answers ok with the database', async () => {
  expect(await call('GET', '/healthz', undefined, null)).toEqual({ status: 200, json: { status: 'ok', db: 'ok' } });
});

test('a wrong or missing token gets 401 on every admin route', async () => {
  for (const [m, p] of [['POST', '/api/admin/import'], ['POST', '/api/admin/link-codes'], ['POST', '/api/admin/outages'], ['GET', '/api/admin/cases']]) {
    expect((await call(m, p, m === 'POST' ? {} : undefined, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await call(m, p, m === 'POST' ? {} : undefined, null)).status).toBe(401);
  }
});

test('importing a 2-customer file twice yields the same rows', async () => {
  const first = await call('POST', '/api/admin/import', twoCustomerFile());
  expect(first).toEqual({ status: 200, json: { customers: 2, invoices: 4, readings: 8 } });
  const rows = await counts(app.ds);
  expect((await call('POST', '/api/admin/import', twoCustomerFile())).status).toBe(200);
  expect(await counts(app.ds)).toEqual(rows);
});

test('a file with one malformed invoice date answers 400 naming it and writes nothing', async () => {
  const before = await counts(app.ds);
  const file = twoCustomerFile() as unknown as { customers: { customerNumber: string; invoices: { dueDate: string }[] }[] };
  file.customers[0].customerNumber = '910001';
  file.customers[1].customerNumber = '910002';
  file.customers[1].invoices[0].dueDate = '03.06.2026';
  const r = await call('POST', '/api/admin/import', file);
  expect(r.status).toBe(400);
  expect(r.json.field).toBe('customers[1].invoices[0].dueDate');
  expect(await counts(app.ds)).toEqual(before);
});

test('invalid JSON and wrong shapes answer 400, and the server stays healthy', async () => {
  expect((await call('POST', '/api/admin/import', '{"customers": [')).status).toBe(400);
  expect((await call('POST', '/api/admin/import', { customers: 'x' })).json.field).toBe('customers');
  expect((await call('POST', '/api/admin/link-codes', { customerNumber: 'abc' })).json.field).toBe('customerNumber');
  expect((await call('POST', '/api/admin/outages', { kind: 'flood' })).json.field).toBe('kind');
  expect((await call('GET', '/api/admin/cases?status=closed')).json.field).toBe('status');
  expect((await call('GET', '/healthz', undefined, null)).status).toBe(200);
});

test('link codes: one-time code for an existing customer, 404 for an unknown one', async () => {
  const r = await call('POST', '/api/admin/link-codes', { customerNumber: '900001' });
  expect(r.status).toBe(201);
  expect(r.json.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  expect(Date.parse(String(r.json.expiresAt)) - Date.now()).toBeGreaterThan(14 * 60_000);
  expect((await call('POST', '/api/admin/link-codes', { customerNumber: '123456' })).status).toBe(404);
});

test('outages: published with the number of recipients; cases listed with the customer number', async () => {
  const chat = await app.services.chats.touch({ channel: 'webchat', conversationId: 'adm-1', userId: 'adm-1', reference: {} });
  await app.services.outages.subscribeAddress(chat.id, 'Mikołowska', '12');
  const r = await call('POST', '/api/admin/outages', { kind: 'failure', title: 'Awaria magistrali', message: 'Uszkodzenie rury.', startsAt: '2026-11-25T08:00:00+01:00', expectedEndAt: '2026-11-25T16:00:00+01:00', streets: [{ street: 'Mikołowska', city: 'Katowice', from: '1', to: '30' }] });
  expect(r.status).toBe(201);
  expect(r.json.recipients).toBe(1);
  const customer = await app.services.customers.byNumber('900001');
  await app.services.cases.create({ kind: 'complaint', category: 'invoice', text: 'Za wysoka faktura', customerId: customer!.id, channel: 'telegram', chatId: null });
  const cases = await call('GET', '/api/admin/cases?status=open');
  expect(cases.json.cases).toEqual(expect.arrayContaining([expect.objectContaining({ customerNumber: '900001', kind: 'complaint', category: 'invoice', channel: 'telegram', status: 'new' })]));
});

describe('start-up', () => {
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [join(__dirname, '../../dist/src/index.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
      p.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });

  test.each([
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ DEMO_DATA: 'yes' }, /DEMO_DATA/],
    [{ TELEGRAM_API_ROOT: 'not a url' }, /TELEGRAM_API_ROOT/],
  ])('a bad value stops the start with one line naming the variable (%o)', async (env, name) => {
    const r = await run({ ...env, LOG_LEVEL: 'silent' });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('Kropla cannot start'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(name);
  }, 60_000);

  test('a port in use is named', async () => {
    const r = await run({ PORT: String(app.port), DATABASE_URL: `sqlite:${tempDbPath()}`, DEMO_DATA: '0', LOG_LEVEL: 'silent' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PORT: port \d+ is already in use/);
  }, 60_000);
});
