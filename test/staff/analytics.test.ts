/**
 * Service analytics (issue 18, contracts §10) over a scripted set of conversations through the real
 * bot behind Direct Line (real NLU, real SQLite, real HTTP), and the labelling of a misunderstood message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { isoDateInWarsaw } from '../../src/domain/format';
import { maskText } from '../../src/services/AnalyticsService';
import type { AnalyticsReport } from '../../src/staff/analytics';
import { sharedRecognizer } from '../support/botHarness';
import { getActivities, openConversation, postMessage, type Conversation } from '../directline/helpers';
import { addStaff, StaffClient } from './helpers';

const ADMIN = 'test-admin-token-123456';
let app: App;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kropla-analytics-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dir}/k.sqlite`, DEMO_DATA: '1', ADMIN_API_TOKEN: ADMIN, LOG_LEVEL: 'silent' });
  app = await createApp(config, { recognizer: await sharedRecognizer(), workers: false });
  await app.start();
  await addStaff(app, 'szefowa@kzwik.example', 'supervisor', 'Ewa Szefowa');
  await addStaff(app, 'agent@kzwik.example', 'agent', 'Adam Agent');
});

afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends a message and waits until the bot has answered it. */
async function ask(conv: Conversation, text: string): Promise<string> {
  const before = (await getActivities(app.url, conv)).activities.filter((a) => a.from?.role === 'bot').length;
  await postMessage(app.url, conv, text);
  const until = Date.now() + 20_000;
  for (;;) {
    const bot = (await getActivities(app.url, conv)).activities.filter((a) => a.from?.role === 'bot');
    if (bot.length > before) return bot.slice(before).map((a) => a.text ?? '').join('\n');
    if (Date.now() > until) throw new Error(`no answer to ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function linkCode(customerNumber: string): Promise<string> {
  const r = await fetch(`${app.url}/api/admin/link-codes`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ customerNumber }) });
  return ((await r.json()) as { code: string }).code;
}

async function report(staff: StaffClient, today: string): Promise<AnalyticsReport> {
  const r = await staff.call('GET', `/api/staff/analytics?from=${today}&to=${today}`);
  expect(r.status).toBe(200);
  return r.body as unknown as AnalyticsReport;
}

test('masking keeps no digits nor e-mail addresses', () => {
  expect(maskText('Mój numer 100234,  mail jan.kowalski@example.com  tel +48 600 100 200')).toBe('Mój numer ######, mail <e-mail> tel +## ### ### ###');
});

test('figures of a scripted set of conversations; supervisors only; labelling a misunderstood message', async () => {
  const today = isoDateInWarsaw(new Date());
  const staff = new StaffClient(app.url);
  expect((await staff.login('szefowa@kzwik.example')).status).toBe(200);
  const empty = await report(staff, today);
  expect(empty).toMatchObject({ conversations: 0, customerMessages: 0, tasksCompleted: {}, containment: 0, fallbacks: 0, handoffs: 0, misunderstood: [], csat: { responses: 0, average: null }, cases: { filed: 0, answeredInTime: 0, overdue: 0 } });

  // A: a linked customer checks the balance — a task finished by Kropla alone (linking is a task too).
  const a = await openConversation(app.url);
  expect(await ask(a, `/start ${await linkCode('100234')}`)).toContain('100234');
  expect(await ask(a, 'ile mam do zapłaty?')).toMatch(/zł/);
  // B: twice a message nobody can place (with a number in it), then nothing else.
  const b = await openConversation(app.url);
  await ask(b, 'blablabla kukuryku 4711');
  await ask(b, 'blablabla kukuryku 4711');
  // C: the phone number of the office (a task), then a person is asked for: not contained.
  const c = await openConversation(app.url);
  expect(await ask(c, 'podaj numer telefonu do biura obsługi klienta')).toMatch(/\d{2}/);
  await ask(c, 'chcę rozmawiać z konsultantem');
  // D: an unlinked customer asks for the balance and gives up: no task finished.
  const d = await openConversation(app.url);
  await ask(d, 'ile mam do zapłaty?');

  // Events are written when each turn ends: wait for the last ones.
  let r = await report(staff, today);
  for (const until = Date.now() + 10_000; Date.now() < until && (r.fallbacks < 2 || Object.keys(r.tasksCompleted).length < 3);) {
    await new Promise((res) => setTimeout(res, 100));
    r = await report(staff, today);
  }
  expect(r.conversations).toBe(4);
  expect(r.customerMessages).toBe(7);
  expect(r.tasksCompleted).toEqual({ 'account.link': 1, 'balance.check': 1, 'contact.info': 1 });
  expect(r.containment).toBe(0.25);
  expect(r.fallbacks).toBe(2);
  expect(r.handoffs).toBe(1);
  expect(r.misunderstood).toEqual([{ text: 'blablabla kukuryku ####', count: 2, label: null }]);
  expect(r.cases).toEqual({ filed: 0, answeredInTime: 0, overdue: 0 });
  expect(JSON.stringify(r)).not.toContain('4711');
  // another period shows none of it
  expect((await report(staff, '2020-01-01')).conversations).toBe(0);

  // labelling
  const intents = await staff.call('GET', '/api/staff/intents');
  expect(intents.status).toBe(200);
  expect(intents.body.intents).toEqual(expect.arrayContaining(['balance.check', 'reading.submit', 'None']));
  const bad = await staff.call('POST', '/api/staff/analytics/labels', { text: 'blablabla kukuryku ####', intent: 'weather.forecast' });
  expect([bad.status, bad.body.field]).toEqual([400, 'intent']);
  const blank = await staff.call('POST', '/api/staff/analytics/labels', { text: '  ', intent: 'None' });
  expect([blank.status, blank.body.field]).toEqual([400, 'text']);
  const ok = await staff.call('POST', '/api/staff/analytics/labels', { text: 'blablabla kukuryku ####', intent: 'None' });
  expect(ok.status).toBe(201);
  expect(ok.body).toEqual({ text: 'blablabla kukuryku ####', intent: 'None' });
  expect((await report(staff, today)).misunderstood).toEqual([{ text: 'blablabla kukuryku ####', count: 2, label: 'None' }]);
  expect((await app.services.analytics.labels()).map((l) => [l.locale, l.text, l.intent])).toEqual([['pl', 'blablabla kukuryku ####', 'None']]);
  // without the CSRF header nothing is labelled
  expect((await staff.call('POST', '/api/staff/analytics/labels', { text: 'x', intent: 'None' }, { csrf: null })).status).toBe(403);
});

test('bad or missing dates are a 400 naming the field; an agent gets 403; no session 401', async () => {
  const staff = new StaffClient(app.url);
  await staff.login('szefowa@kzwik.example');
  for (const [query, field] of [['to=2026-12-01', 'from'], ['from=2026-12-01', 'to'], ['from=2026-13-01&to=2026-12-31', 'from'], ['from=2026-12-02&to=2026-12-01', 'to'], ['from=2026-02-30&to=2026-03-01', 'from']] as const) {
    const r = await staff.call('GET', `/api/staff/analytics?${query}`);
    expect([query, r.status, r.body.field]).toEqual([query, 400, field]);
  }
  const agent = new StaffClient(app.url);
  await agent.login('agent@kzwik.example');
  expect((await agent.call('GET', '/api/staff/analytics?from=2026-12-01&to=2026-12-01')).status).toBe(403);
  expect((await agent.call('GET', '/api/staff/intents')).status).toBe(403);
  expect((await agent.call('POST', '/api/staff/analytics/labels', { text: 'x', intent: 'None' })).status).toBe(403);
  expect((await new StaffClient(app.url).call('GET', '/api/staff/analytics?from=2026-12-01&to=2026-12-01')).status).toBe(401);
});
