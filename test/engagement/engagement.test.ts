/**
 * Reminders (contracts §9) and CSAT (§10) end to end: the real bot behind Direct Line (real NLU,
 * SQLite, HTTP), the real outbox worker delivering to the web chat, the admin and staff APIs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { sqlOf } from '../../src/db/sql';
import { isoDateInWarsaw } from '../../src/domain/format';
import { warsawInstant, warsawMinutes } from '../../src/domain/warsawTime';
import { outsideQuietHours, QUIET_MARK, quietPostponement } from '../../src/services/ReminderService';
import { paymentQrPayload } from '../../src/documents/paymentQr';
import { qrPngEncodes } from '../documents/helpers';
import { sharedRecognizer } from '../support/botHarness';
import { getActivities, openConversation, postMessage, type ActivitySet, type Conversation } from '../directline/helpers';
import { addStaff, startApp, StaffClient } from '../staff/helpers';
import { CUSTOMER } from './fixtures';

const ADMIN = 'test-admin-token-123456';
type Act = ActivitySet['activities'][number];

async function startBotApp(env: Record<string, string>): Promise<{ app: App; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-engage-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dir}/k.sqlite`, DEMO_DATA: '1', ADMIN_API_TOKEN: ADMIN, LOG_LEVEL: 'silent', ...env });
  const app = await createApp(config, { recognizer: await sharedRecognizer() });
  await app.start();
  return { app, dir };
}

async function admin(app: App, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${app.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const botActs = async (app: App, conv: Conversation): Promise<Act[]> => (await getActivities(app.url, conv)).activities.filter((a) => a.from?.role === 'bot');

/** Waits until the bot has sent `n` more activities than `before` (or `ms` passes) and returns the new ones. */
async function botAfter(app: App, conv: Conversation, before: number, n = 1, ms = 15_000): Promise<Act[]> {
  const until = Date.now() + ms;
  for (;;) {
    const bot = await botActs(app, conv);
    if (bot.length >= before + n) return bot.slice(before);
    if (Date.now() > until) throw new Error(`expected ${n} more bot activities; got ${JSON.stringify(bot.slice(before).map((a) => a.text))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends a message and returns the bot's answer activities. */
async function ask(app: App, conv: Conversation, text: string): Promise<Act[]> {
  const before = (await botActs(app, conv)).length;
  await postMessage(app.url, conv, text);
  const first = await botAfter(app, conv, before);
  await new Promise((r) => setTimeout(r, 150)); // a turn may answer with more than one message
  return [...first, ...(await botActs(app, conv)).slice(before + first.length)];
}

const texts = (acts: Act[]) => acts.map((a) => a.text ?? '').join('\n');
const buttons = (acts: Act[]) => acts.flatMap((a) => (a.suggestedActions?.actions ?? []).map((x) => x.title));

async function linkedChat(app: App, customerNumber: string): Promise<Conversation> {
  const conv = await openConversation(app.url);
  const { body } = await admin(app, '/api/admin/link-codes', { customerNumber });
  expect(texts(await ask(app, conv, `/start ${String(body.code)}`))).toContain(customerNumber);
  return conv;
}

describe('reminders', () => {
  let app: App;
  let dir: string;
  beforeAll(async () => {
    ({ app, dir } = await startBotApp({ ALLOW_CLOCK_OVERRIDE: '1' }));
    expect((await admin(app, '/api/admin/import', { customers: [CUSTOMER] })).status).toBe(200);
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const chatIdOf = async (conv: Conversation) => Number((await sqlOf(app.ds).one<{ id: number }>('SELECT "id" FROM chat_conversation WHERE "conversationId" = $1', [conv.conversationId]))!.id);

  test('opt-in and opt-out per kind; the invoice reminder two days before the due date once, with amount, due date and QR; never to a chat that did not opt in; one tap turns it off', async () => {
    const a = await linkedChat(app, '555001');
    const b = await linkedChat(app, '555001');
    const status = await ask(app, a, 'przypomnienia');
    expect(texts(status)).toContain('termin płatności faktury: wyłączone');
    expect(buttons(status)).toEqual(['Włącz przypomnienia o odczycie', 'Włącz przypomnienia o płatnościach', 'Włącz przypomnienia o legalizacji', 'Włącz powiadomienia o fakturach']);
    expect(texts(await ask(app, a, 'Włącz przypomnienia o płatnościach'))).toMatch(/Gotowe/);
    expect(texts(await ask(app, a, 'Włącz przypomnienia o odczycie'))).toMatch(/Gotowe/);
    expect(texts(await ask(app, a, 'Wyłącz przypomnienia o odczycie'))).toContain('Wyłączone: odczyt wodomierza');
    const after = await ask(app, a, 'moje przypomnienia');
    expect(texts(after)).toContain('termin płatności faktury: włączone');
    expect(texts(after)).toContain('odczyt wodomierza: wyłączone');
    expect(await app.services.reminders.kinds(await chatIdOf(a))).toEqual(['invoice_due']);
    expect(await app.services.reminders.kinds(await chatIdOf(b))).toEqual([]);

    const beforeA = (await botActs(app, a)).length;
    const beforeB = (await botActs(app, b)).length;
    const run = await admin(app, '/api/admin/reminders/run', { today: '2027-01-18' });
    expect(run).toEqual({ status: 200, body: { queued: 1 } });
    const [reminder] = await botAfter(app, a, beforeA);
    expect(reminder.text).toContain('FV/2027/01/555001');
    expect(reminder.text).toContain('123,45 zł');
    expect(reminder.text).toContain('20.01.2027');
    expect(reminder.text).toContain('za 2 dni');
    // the payment QR rides in the card (web chat): a PNG that encodes the transfer of what is unpaid
    const card = reminder.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')?.content as { body: { type: string; url?: string; altText?: string }[] };
    const image = card.body.find((x) => x.type === 'Image')!;
    expect(image.altText).toBe('Kod QR do przelewu na kwotę 123,45 zł');
    const png = await fetch(image.url!, { headers: { authorization: `Bearer ${a.token}` } });
    expect(png.headers.get('content-type')).toBe('image/png');
    const payload = paymentQrPayload({ nip: app.config.companyNip, account: CUSTOMER.bankAccount, amountGrosze: 12345, recipient: 'Katowickie Wodociagi', title: 'Klient 555001' });
    expect(await qrPngEncodes(Buffer.from(await png.arrayBuffer()), payload)).toBe(true);
    expect(buttons([reminder])).toEqual(['Wyłącz przypomnienia o płatnościach']);
    // the same day again: nothing; the chat that did not opt in never got anything
    expect(await admin(app, '/api/admin/reminders/run', { today: '2027-01-18' })).toEqual({ status: 200, body: { queued: 0 } });
    expect(await admin(app, '/api/admin/reminders/run', { today: '2027-01-19' })).toEqual({ status: 200, body: { queued: 0 } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await botActs(app, a)).length).toBe(beforeA + 1);
    expect((await botActs(app, b)).length).toBe(beforeB);

    // one tap on the reminder's button: no overdue reminder later
    expect(texts(await ask(app, a, 'Wyłącz przypomnienia o płatnościach'))).toContain('Wyłączone: termin płatności faktury');
    expect(await admin(app, '/api/admin/reminders/run', { today: '2027-01-25' })).toEqual({ status: 200, body: { queued: 0 } });
    // turned on again: the overdue one comes (once)
    await ask(app, a, 'Włącz przypomnienia o płatnościach');
    expect(await admin(app, '/api/admin/reminders/run', { today: '2027-01-25' })).toEqual({ status: 200, body: { queued: 1 } });
    expect(await admin(app, '/api/admin/reminders/run', { today: '2027-01-26' })).toEqual({ status: 200, body: { queued: 0 } });
  });

  test('the reading reminder takes the next number as that meter\'s reading; the sub-meter one 90 days before', async () => {
    const a = await linkedChat(app, '555001');
    await ask(app, a, 'Włącz przypomnienia o odczycie');
    await ask(app, a, 'Włącz przypomnienia o legalizacji');
    const before = (await botActs(app, a)).length;
    expect(await admin(app, '/api/admin/reminders/run', { today: '2027-01-12' })).toEqual({ status: 200, body: { queued: 2 } });
    const got = await botAfter(app, a, before, 2);
    const reading = got.find((x) => (x.text ?? '').includes('WM-555001'))!;
    expect(reading.text).toContain('Za 3 dni (15.01.2027)');
    const sub = got.find((x) => (x.text ?? '').includes('SM-555001'))!;
    expect(sub.text).toContain('10.04.2027');
    expect(buttons([sub])).toEqual(['Wyłącz przypomnienia o legalizacji']);
    const answer = texts(await ask(app, a, '115,5'));
    expect(answer).toMatch(/Zapisano odczyt/);
    const meter = (await app.services.readings.metersOf((await app.services.customers.byNumber('555001'))!.id)).find((m) => m.serial === 'WM-555001')!;
    expect((await app.services.readings.lastReading(meter.id))!.valueLitres).toBe(115_500);
    // answered: a later number is not a reading any more
    expect(await app.services.reminders.pendingReading(await chatIdOf(a), new Date())).toBeNull();
  });

  test('nothing is delivered between 21:00 and 8:00: a run at night waits for 8:00', async () => {
    expect(warsawMinutes(outsideQuietHours(warsawInstant('2027-01-10', 20 * 60 + 59)))).toBe(20 * 60 + 59);
    expect(outsideQuietHours(warsawInstant('2027-01-10', 21 * 60)).toISOString()).toBe(warsawInstant('2027-01-11', 8 * 60).toISOString());
    expect(outsideQuietHours(warsawInstant('2027-07-10', 3 * 60)).toISOString()).toBe(warsawInstant('2027-07-10', 8 * 60).toISOString());
    expect(warsawInstant('2027-07-10', 8 * 60).toISOString()).toBe('2027-07-10T06:00:00.000Z');
    expect(warsawInstant('2027-01-10', 8 * 60).toISOString()).toBe('2027-01-10T07:00:00.000Z');
    // the outbox worker holds a marked reminder that would go out at night (a retry, a backlog) until 8:00
    const marked = { type: 'message', text: 'x', channelData: QUIET_MARK };
    expect(quietPostponement(marked, warsawInstant('2027-01-10', 23 * 60 + 15))!.toISOString()).toBe(warsawInstant('2027-01-11', 8 * 60).toISOString());
    expect(quietPostponement(marked, warsawInstant('2027-01-10', 7 * 60 + 59))!.toISOString()).toBe(warsawInstant('2027-01-10', 8 * 60).toISOString());
    expect(quietPostponement(marked, warsawInstant('2027-01-10', 12 * 60))).toBeNull();
    expect(quietPostponement({ type: 'message', text: 'staff reply' }, warsawInstant('2027-01-10', 23 * 60))).toBeNull();

    const a = await linkedChat(app, '555001');
    await ask(app, a, 'Włącz powiadomienia o fakturach');
    const before = (await botActs(app, a)).length;
    const night = warsawInstant('2027-01-06', 22 * 60 + 30);
    expect(await app.services.reminders.run('2027-01-06', night)).toBe(1);
    const row = await sqlOf(app.ds).one<{ nextAttemptAt: unknown; status: string }>('SELECT "nextAttemptAt", "status" FROM outbox_message WHERE "idempotencyKey" LIKE $1', [`reminder:${await chatIdOf(a)}:invoice_issued:%`]);
    expect(new Date(String(row!.nextAttemptAt).replace(' ', 'T') + 'Z').toISOString()).toBe(warsawInstant('2027-01-07', 8 * 60).toISOString());
    const stored = await sqlOf(app.ds).one<{ activity: string }>('SELECT "activity" FROM outbox_message WHERE "idempotencyKey" LIKE $1', [`reminder:${await chatIdOf(a)}:invoice_issued:%`]);
    expect(JSON.parse(stored!.activity).channelData.kropla.quietHours).toBe(true);
    app.pokeWorkers();
    await new Promise((r) => setTimeout(r, 500));
    expect((await botActs(app, a)).length).toBe(before);
    expect(row!.status).toBe('queued');
  });
});

test('a run naming its day without ALLOW_CLOCK_OVERRIDE=1 is a 400 naming today; a run for now answers', async () => {
  const env = await startApp();
  try {
    const r = await fetch(`${env.url}/api/admin/reminders/run`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ today: '2027-01-18' }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { field: string }).field).toBe('today');
    const bad = await fetch(`${env.url}/api/admin/reminders/run`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ today: 'jutro' }) });
    expect(bad.status).toBe(400);
    const now = await fetch(`${env.url}/api/admin/reminders/run`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{}' });
    expect([now.status, await now.json()]).toEqual([200, { queued: 0 }]);
    expect((await fetch(`${env.url}/api/admin/reminders/run`, { method: 'POST', body: '{}' })).status).toBe(401);
  } finally {
    await env.stop();
  }
});

describe('CSAT', () => {
  let app: App;
  let dir: string;
  beforeAll(async () => {
    ({ app, dir } = await startBotApp({}));
    await addStaff(app, 'szefowa@kzwik.example', 'supervisor', 'Ewa Szefowa');
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('asked once after a case is resolved, 1–5 buttons, answer and comment stored with the case, counted in analytics', async () => {
    const conv = await openConversation(app.url);
    await ask(app, conv, 'dzień dobry');
    const chat = (await sqlOf(app.ds).one<{ id: number }>('SELECT "id" FROM chat_conversation WHERE "conversationId" = $1', [conv.conversationId]))!;
    const c = await app.services.cases.create({ kind: 'message', category: 'question', text: 'Kiedy będzie nowy wodomierz?', customerId: null, channel: 'webchat', chatId: Number(chat.id) });
    const staff = new StaffClient(app.url);
    await staff.login('szefowa@kzwik.example');
    const before = (await botActs(app, conv)).length;
    expect((await staff.call('PATCH', `/api/staff/cases/${c.caseNumber}`, { status: 'resolved' })).status).toBe(200);
    const [question] = await botAfter(app, conv, before);
    expect(question.text).toContain(c.caseNumber);
    expect(buttons([question])).toEqual(['1', '2', '3', '4', '5']);
    expect(texts(await ask(app, conv, '4'))).toMatch(/Dziękujemy za ocenę/);
    expect(texts(await ask(app, conv, 'Szybko i konkretnie, dziękuję'))).toMatch(/przekażemy/);
    const fb = await app.services.csat.ofCase(c.id);
    expect([fb?.rating, fb?.comment]).toEqual([4, 'Szybko i konkretnie, dziękuję']);

    // reopened and resolved again: not asked a second time
    expect((await staff.call('PATCH', `/api/staff/cases/${c.caseNumber}`, { status: 'in_progress' })).status).toBe(200);
    expect((await staff.call('PATCH', `/api/staff/cases/${c.caseNumber}`, { status: 'resolved' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const questions = (await botActs(app, conv)).filter((x) => (x.text ?? '').includes('Jak ocenia'));
    expect(questions).toHaveLength(1);
    // a "5" now is not a rating any more (nothing waits), and the stored one stays
    await ask(app, conv, '5');
    expect((await app.services.csat.ofCase(c.id))?.rating).toBe(4);

    const today = isoDateInWarsaw(new Date());
    const r = await staff.call('GET', `/api/staff/analytics?from=${today}&to=${today}`);
    expect(r.body.csat).toEqual({ responses: 1, average: 4 });
    expect(r.body.cases).toEqual({ filed: 1, answeredInTime: 1, overdue: 0 });
  });
});
