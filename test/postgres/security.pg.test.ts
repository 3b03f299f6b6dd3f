/**
 * Findings of the security test (issue 15) that are PostgreSQL's, over real HTTP: NUL characters (V6: a 500 and
 * customer text in the error log), the parallel staff lockout on PostgreSQL's UPDATE … RETURNING (V1), and a
 * failed query's values kept out of the log (V6).
 */
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Recognizer } from '../../src/nlu';
import { StaffUser, TranscriptEntry } from '../../models';
import { StaffAuth } from '../../src/staff/StaffAuth';
import { freshPostgresUrl } from '../support/postgres';
import { capturedLogger, postJson } from '../support/security';
import { call, openConversation, waitForActivities } from '../directline/helpers';

jest.setTimeout(60_000);

const PASSWORD = 'Sekretne-Haslo-2026';
const noNlu: Recognizer = { recognize: (text) => ({ text, language: 'pl', intent: 'None', score: 1, intents: [], entities: [] }) };
let app: App;
const captured = capturedLogger('info');

beforeAll(async () => {
  app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: await freshPostgresUrl(), DEMO_DATA: '1', ADMIN_API_TOKEN: 'test-admin-token-123456', LOG_LEVEL: 'info' }), { recognizer: noNlu, workers: false, log: captured.log });
  await app.start();
  await new StaffAuth(app.ds).upsert({ email: 'pg@kw.test', name: 'Paweł', role: 'agent', password: PASSWORD });
});
afterAll(async () => {
  await app?.stop();
});

test('V6: a login with a NUL byte gets 400 naming the field, not 500', async () => {
  const r = await postJson(app.url, '/api/staff/login', { email: 'pg\u0000@kw.test', password: PASSWORD }, { localAddress: '127.0.5.1' });
  expect(r.status).toBe(400);
  expect(r.json().field).toBe('email');
});

test('V6: a chat message with a NUL byte is stored without it, and the customer gets an answer', async () => {
  const conv = await openConversation(app.url);
  const r = await call(app.url, 'POST', `/v3/directline/conversations/${conv.conversationId}/activities`, { token: conv.token, body: { type: 'message', text: 'reklamacja\u0000 faktury', locale: 'pl-PL' } });
  expect(r.status).toBe(200);
  await waitForActivities(app.url, conv, (a) => a.some((x) => x.from?.role === 'bot'), 30_000);
  const rows = await app.ds.getRepository(TranscriptEntry).find();
  expect(rows.some((e) => e.text.includes('reklamacja faktury'))).toBe(true);
  expect(captured.lines()).not.toMatch(/turn (failed|crashed)/);
});

test('V1: parallel wrong passwords lock the account on PostgreSQL too', async () => {
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => postJson(app.url, '/api/staff/login', { email: 'pg@kw.test', password: `zle-haslo-${i}-xxxx` }, { localAddress: `127.0.6.${i + 1}` })));
  expect(replies.every((r) => r.status === 401 || r.status === 429)).toBe(true);
  expect((await app.ds.getRepository(StaffUser).findOneByOrFail({ email: 'pg@kw.test' })).lockedUntil).not.toBeNull();
  expect((await postJson(app.url, '/api/staff/login', { email: 'pg@kw.test', password: PASSWORD }, { localAddress: '127.0.6.99' })).status).toBe(401);
});

test('V6: a failed query on PostgreSQL is logged without its values or the detail line', async () => {
  let err: unknown;
  try {
    await app.ds.query('INSERT INTO "customer" ("customerNumber", "name", "bankAccount", "eInvoice") VALUES ($1, $2, $3, false), ($1, $2, $3, false)', ['555555', 'Jan Kowalski', 'PL61109010140000071219812874']);
  } catch (e) {
    err = e;
  }
  expect(err).toBeDefined();
  app.log.error({ err }, 'query failed');
  const lines = captured.lines();
  expect(lines).toContain('query failed');
  expect(lines).not.toContain('Jan Kowalski');
  expect(lines).not.toContain('PL61109010140000071219812874');
  expect(lines).not.toContain('555555');
});
