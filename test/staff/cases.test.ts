/** Queue, case view, status rules, replies into the outbox, notes, attachments, SSE — real HTTP, real SQLite. */
import { request } from 'node:http';
import { Attachment, CaseRecord, OutboxMessage } from '../../models';
import { t } from '../../src/i18n/i18n';
import { addStaff, chatAndCase, StaffClient, startApp, type TestEnv } from './helpers';

let env: TestEnv;
let agent: StaffClient;
let supervisor: StaffClient;
let agentId: number;

beforeAll(async () => {
  env = await startApp();
  agentId = await addStaff(env.app, 'agent@kw.test', 'agent', 'Anna Agentka');
  await addStaff(env.app, 'boss@kw.test', 'supervisor', 'Bożena Kierownik');
  agent = new StaffClient(env.url);
  await agent.login('agent@kw.test');
  supervisor = new StaffClient(env.url);
  await supervisor.login('boss@kw.test');
});
afterAll(async () => env.stop());

const outboxFor = (caseId: number) => env.app.ds.getRepository(OutboxMessage).find({ where: { caseId }, order: { id: 'ASC' } });

describe('queue and case view', () => {
  test('the queue lists open cases by due date with customer, overdue mark and filters', async () => {
    const late = await chatAndCase(env.app, { channel: 'webchat' });
    await env.app.ds.getRepository(CaseRecord).update({ id: late.caseRecord.id }, { dueAt: new Date(Date.now() - 86_400_000) });
    const fresh = await chatAndCase(env.app, { channel: 'telegram', customerNumber: null });
    const r = await agent.call('GET', '/api/staff/cases?status=open');
    expect(r.status).toBe(200);
    const cases = r.body.cases as { caseNumber: string; overdue: boolean; customerNumber: string | null; customerName: string | null; channel: string; dueAt: string }[];
    const numbers = cases.map((c) => c.caseNumber);
    expect(numbers.indexOf(late.caseRecord.caseNumber)).toBeLessThan(numbers.indexOf(fresh.caseRecord.caseNumber));
    const lateRow = cases.find((c) => c.caseNumber === late.caseRecord.caseNumber)!;
    expect(lateRow.overdue).toBe(true);
    expect(lateRow.customerNumber).toBe(late.customer!.customerNumber);
    expect(lateRow.customerName).toBe(late.customer!.name);
    expect(cases.find((c) => c.caseNumber === fresh.caseRecord.caseNumber)).toMatchObject({ overdue: false, customerNumber: null });
    const sorted = [...cases].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    expect(cases.map((c) => c.caseNumber)).toEqual(sorted.map((c) => c.caseNumber));

    const tg = await agent.call('GET', '/api/staff/cases?status=open&channel=telegram');
    expect((tg.body.cases as { channel: string }[]).every((c) => c.channel === 'telegram')).toBe(true);
    expect((tg.body.cases as { caseNumber: string }[]).map((c) => c.caseNumber)).toContain(fresh.caseRecord.caseNumber);
    const bad = await agent.call('GET', '/api/staff/cases?status=closed');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('status');
  });

  test('the case view has messages, attachments, history, transcript and the customer', async () => {
    const { caseRecord, chat, customer } = await chatAndCase(env.app);
    await env.app.ds.getRepository(Attachment).insert({ caseId: caseRecord.id, chatId: chat.id, accessKey: 'k'.repeat(32), fileName: 'licznik.png', contentType: 'image/png', size: 4, dataBase64: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64') });
    const r = await agent.call('GET', `/api/staff/cases/${caseRecord.caseNumber}`);
    expect(r.status).toBe(200);
    expect(r.body.customer).toEqual({ number: customer!.customerNumber, name: customer!.name });
    expect(r.body.messages).toEqual([expect.objectContaining({ author: 'customer', text: 'Faktura za styczeń jest za wysoka.' })]);
    expect(r.body.transcript).toEqual([expect.objectContaining({ author: 'customer', text: 'Faktura jest za wysoka' }), expect.objectContaining({ author: 'bot' })]);
    expect(r.body.history).toEqual([expect.objectContaining({ fromStatus: null, toStatus: 'new', changedBy: 'customer' })]);
    const [att] = r.body.attachments as { url: string; inline: boolean }[];
    expect(att.inline).toBe(true);
    const file = await fetch(env.url + att.url, { headers: { cookie: agent.cookie } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect([...Buffer.from(await file.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect((await fetch(env.url + att.url)).status).toBe(401);
    expect((await agent.call('GET', '/api/staff/cases/KW-1999-000001')).status).toBe(404);
  });
});

describe('status rules', () => {
  test('PATCH validates the status and records history', async () => {
    const { caseRecord } = await chatAndCase(env.app);
    const bad = await agent.call('PATCH', `/api/staff/cases/${caseRecord.caseNumber}`, { status: 'done' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('status');
    const empty = await agent.call('PATCH', `/api/staff/cases/${caseRecord.caseNumber}`, {});
    expect(empty.status).toBe(400);
    const ok = await agent.call('PATCH', `/api/staff/cases/${caseRecord.caseNumber}`, { status: 'in_progress', assignee: agentId });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'in_progress', assigneeId: agentId });
    const view = await agent.call('GET', `/api/staff/cases/${caseRecord.caseNumber}`);
    expect(view.body.history).toEqual([expect.objectContaining({ toStatus: 'new' }), expect.objectContaining({ fromStatus: 'new', toStatus: 'in_progress', changedBy: 'staff', staffName: 'Anna Agentka' })]);
    expect((view.body.case as { assignee: unknown }).assignee).toEqual({ id: agentId, name: 'Anna Agentka' });
    const noOne = await agent.call('PATCH', `/api/staff/cases/${caseRecord.caseNumber}`, { assignee: 99999 });
    expect(noOne.status).toBe(400);
    expect(noOne.body.field).toBe('assignee');
  });

  test('a resolved case is reopened only by a supervisor', async () => {
    const { caseRecord } = await chatAndCase(env.app);
    expect((await agent.call('PATCH', `/api/staff/cases/${caseRecord.caseNumber}`, { status: 'resolved' })).status).toBe(200);
    const reopen = await agent.call('PATCH', `/api/staff/cases/${caseRecord.caseNumber}`, { status: 'in_progress' });
    expect(reopen.status).toBe(403);
    expect(reopen.body.field).toBe('status');
    expect((await env.app.services.cases.byNumber(caseRecord.caseNumber))!.status).toBe('resolved');
    expect((await agent.call('PATCH', `/api/staff/cases/${caseRecord.caseNumber}`, { status: 'rejected' })).status).toBe(200);
    expect((await supervisor.call('PATCH', `/api/staff/cases/${caseRecord.caseNumber}`, { status: 'in_progress' })).status).toBe(200);
    expect((await env.app.services.cases.byNumber(caseRecord.caseNumber))!.status).toBe('in_progress');
  });
});

describe('replies reach the customer', () => {
  test('a reply is stored and queued for the case chat on its channel, in the chat language; status → waiting_for_customer', async () => {
    const { caseRecord, chat } = await chatAndCase(env.app, { channel: 'telegram', locale: 'en' });
    const other = await chatAndCase(env.app, { channel: 'webchat' });
    const r = await agent.call('POST', `/api/staff/cases/${caseRecord.caseNumber}/messages`, { text: 'Korekta faktury jest w drodze.' });
    expect(r.status).toBe(201);
    expect(r.body.delivery).toBe('queued');
    const msgId = (r.body.message as { id: number }).id;
    const rows = await outboxFor(caseRecord.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ idempotencyKey: `case:${caseRecord.caseNumber}:msg:${msgId}`, channel: 'telegram', chatId: chat.id, status: 'queued' });
    const activity = JSON.parse(rows[0].activity) as { type: string; text: string };
    expect(activity).toEqual({ type: 'message', text: t('en', 'desk.replyToCustomer', { caseNumber: caseRecord.caseNumber, text: 'Korekta faktury jest w drodze.' }) });
    expect(activity.text).toContain(caseRecord.caseNumber);
    expect(await outboxFor(other.caseRecord.id)).toHaveLength(0);
    const after = (await env.app.services.cases.byNumber(caseRecord.caseNumber))!;
    expect(after.status).toBe('waiting_for_customer');
    expect(after.assigneeId).toBe(agentId);
    const msgs = await env.app.services.cases.messages(caseRecord.id);
    expect(msgs.at(-1)).toMatchObject({ author: 'staff', staffId: agentId, text: 'Korekta faktury jest w drodze.' });
    const transcript = await env.app.services.chats.transcript(chat.id);
    expect(transcript.at(-1)).toMatchObject({ author: 'staff' });
  });

  test('a webchat reply goes to webchat; an explicit status wins; an empty text is refused', async () => {
    const { caseRecord, chat } = await chatAndCase(env.app, { channel: 'webchat' });
    const empty = await agent.call('POST', `/api/staff/cases/${caseRecord.caseNumber}/messages`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.field).toBe('text');
    expect(await outboxFor(caseRecord.id)).toHaveLength(0);
    const r = await agent.call('POST', `/api/staff/cases/${caseRecord.caseNumber}/messages`, { text: 'Sprawa załatwiona.', status: 'resolved' });
    expect(r.status).toBe(201);
    const rows = await outboxFor(caseRecord.id);
    expect(rows[0]).toMatchObject({ channel: 'webchat', chatId: chat.id });
    expect(JSON.parse(rows[0].activity).text).toContain('Sprawa załatwiona.');
    expect((await env.app.services.cases.byNumber(caseRecord.caseNumber))!.status).toBe('resolved');
  });

  test('internal notes are stored as notes and never queued for the customer', async () => {
    const { caseRecord } = await chatAndCase(env.app);
    const r = await agent.call('POST', `/api/staff/cases/${caseRecord.caseNumber}/notes`, { text: 'Klient dzwonił też na infolinię.' });
    expect(r.status).toBe(201);
    expect(await outboxFor(caseRecord.id)).toHaveLength(0);
    const msgs = await env.app.services.cases.messages(caseRecord.id);
    expect(msgs.at(-1)).toMatchObject({ author: 'note', text: 'Klient dzwonił też na infolinię.' });
    expect((await env.app.services.cases.byNumber(caseRecord.caseNumber))!.status).toBe('new');
  });
});

describe('live updates', () => {
  test('GET /api/staff/events streams case.created and case.customerMessage', async () => {
    const frames: string[] = [];
    const req = request(env.url + '/api/staff/events', { headers: { cookie: agent.cookie } });
    const got = new Promise<void>((resolve, reject) => {
      req.on('response', (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          frames.push(d);
          if (frames.join('').includes('event: case.customerMessage')) resolve();
        });
        // The stream is open: emit the events now.
        void (async () => {
          const { caseRecord } = await chatAndCase(env.app);
          env.app.events.emit('case.created', caseRecord);
          env.app.events.emit('case.customerMessage', caseRecord, 'tajne słowa klienta');
        })().catch(reject);
      });
      req.on('error', reject);
    });
    req.end();
    await got;
    req.destroy();
    const all = frames.join('');
    expect(all).toMatch(/event: case\.created\ndata: \{"type":"case\.created","caseNumber":"KW-\d{4}-\d{6}"\}/);
    expect(all).not.toContain('tajne słowa klienta');
  });
});

describe('desk page', () => {
  test('/staff is served with a CSP that lets only Teams frame it; i18n and the teams-js bundle are served', async () => {
    const page = await fetch(env.url + '/staff');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-ancestors https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft');
    expect(csp.split(';').find((d) => d.includes('frame-ancestors'))!.trim().split(/\s+/)).toHaveLength(4);
    expect(csp).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(await page.text()).toContain('data-testid="login-form"');
    const vendor = await fetch(env.url + '/staff/vendor/MicrosoftTeams.min.js');
    expect(vendor.status).toBe(200);
    expect(await vendor.text()).toContain('microsoftTeams');
    const i18n = await (await fetch(env.url + '/api/staff/i18n')).json() as { texts: Record<string, string> };
    expect(i18n.texts['desk.login.heading']).toBe('Logowanie pracownika');
    expect(Object.keys(i18n.texts).filter((k) => k.startsWith('desk.canned.')).length).toBeGreaterThanOrEqual(10);
    expect((await fetch(env.url + '/staff/..%2fpackage.json')).status).toBe(404);
  });
});
