/** Live handoff: request (bot side), accept, live chat, release — state transitions over real HTTP. */
import { ChatConversation, OutboxMessage } from '../../models';
import { HandoffService, polishHolidays } from '../../src/staff/HandoffService';
import { handoffServiceFor } from '../../src/staff';
import { t } from '../../src/i18n/i18n';
import { addStaff, StaffClient, startApp, type TestEnv } from './helpers';

let env: TestEnv;
let anna: StaffClient;
let piotr: StaffClient;
let annaId: number;

// A Tuesday, 10:00 in Warsaw (08:00 UTC in winter): inside 07:30–15:30.
const OFFICE = new Date('2026-02-10T09:00:00Z');

beforeAll(async () => {
  env = await startApp();
  annaId = await addStaff(env.app, 'anna@kw.test', 'agent', 'Anna');
  await addStaff(env.app, 'piotr@kw.test', 'agent', 'Piotr');
  anna = new StaffClient(env.url);
  await anna.login('anna@kw.test');
  piotr = new StaffClient(env.url);
  await piotr.login('piotr@kw.test');
});
afterAll(async () => env.stop());

let seq = 0;
async function newChat(channel = 'telegram', locale = 'pl'): Promise<ChatConversation> {
  return env.app.services.chats.touch({ channel, conversationId: `h-${++seq}`, userId: `u-${seq}`, reference: {}, locale });
}
const chatState = async (id: number) => (await env.app.ds.getRepository(ChatConversation).findOneByOrFail({ id }));
const outbox = (chatId: number) => env.app.ds.getRepository(OutboxMessage).find({ where: { chatId }, order: { id: 'ASC' } });

describe('office hours', () => {
  const svc = new HandoffService({ ...env_stub() });
  function env_stub() {
    return { ds: null as never, config: { officeHours: { open: '07:30', close: '15:30' } }, services: null as never, events: null as never, pokeWorkers: () => undefined };
  }
  test.each([
    ['2026-02-10T06:29:00Z', false, 'Tuesday 07:29 Warsaw (winter, UTC+1)'],
    ['2026-02-10T06:30:00Z', true, 'Tuesday 07:30'],
    ['2026-02-10T14:29:00Z', true, 'Tuesday 15:29'],
    ['2026-02-10T14:30:00Z', false, 'Tuesday 15:30'],
    ['2026-07-07T05:45:00Z', true, 'Tuesday 07:45 in summer (UTC+2)'],
    ['2026-02-14T09:00:00Z', false, 'Saturday'],
    ['2026-02-15T09:00:00Z', false, 'Sunday'],
    ['2026-04-06T09:00:00Z', false, 'Easter Monday 2026'],
    ['2026-11-11T09:00:00Z', false, 'Independence Day'],
  ])('%s → %s (%s)', (iso, expected) => {
    expect(svc.isInOfficeHours(new Date(iso))).toBe(expected);
  });
  test('Polish holidays include the movable feasts', () => {
    const h = polishHolidays(2026);
    expect([...h]).toEqual(expect.arrayContaining(['2026-04-05', '2026-04-06', '2026-05-24', '2026-06-04', '2026-12-24']));
  });
});

describe('handoff', () => {
  test('request → queued case and event; accept → live with greeting; live reply is plain; release → bot, resolved', async () => {
    const chat = await newChat('telegram', 'pl');
    const events: string[] = [];
    const off = env.app.events.on('handoff.requested', (_c, cr) => events.push(cr.caseNumber));
    const handoff = handoffServiceFor(env.app);
    const r = await handoff.requestHandoff(chat, null, 'Chcę rozmawiać z człowiekiem', OFFICE);
    off();
    expect(r).toMatchObject({ queued: true, inOfficeHours: true, created: true });
    expect(r.caseRecord).toMatchObject({ kind: 'handoff', category: 'handoff', status: 'new', chatId: chat.id });
    expect(events).toEqual([r.caseRecord.caseNumber]);
    expect((await chatState(chat.id)).handoffState).toBe('queued');
    // Asking again reuses the open case.
    const again = await handoff.requestHandoff(chat, null, 'Halo?', OFFICE);
    expect(again.caseRecord.id).toBe(r.caseRecord.id);
    const n = r.caseRecord.caseNumber;

    const queue = await anna.call('GET', '/api/staff/cases?status=open&category=handoff');
    expect(queue.body.cases).toEqual(expect.arrayContaining([expect.objectContaining({ caseNumber: n, handoffState: 'queued' })]));

    const accepted = await anna.call('POST', `/api/staff/handoffs/${n}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ handoffState: 'live', handoffStaffId: annaId });
    let c = await chatState(chat.id);
    expect(c).toMatchObject({ handoffState: 'live', handoffStaffId: annaId });
    let out = await outbox(chat.id);
    expect(out).toHaveLength(1);
    expect(out[0].channel).toBe('telegram');
    expect(JSON.parse(out[0].activity).text).toBe(t('pl', 'desk.handoff.greeting', { name: 'Anna' }));
    expect(JSON.parse(out[0].activity).text).toMatch(/^Dzień dobry, tu Anna z Biura Obsługi Klienta/);
    expect((await env.app.services.cases.byNumber(n))!).toMatchObject({ status: 'in_progress', assigneeId: annaId });

    // Someone else cannot take it, nor talk in it, nor release it.
    expect((await piotr.call('POST', `/api/staff/handoffs/${n}/accept`)).status).toBe(409);
    expect((await piotr.call('POST', `/api/staff/cases/${n}/messages`, { text: 'Wtrącam się' })).status).toBe(403);
    expect((await piotr.call('POST', `/api/staff/handoffs/${n}/release`)).status).toBe(403);
    // Accepting one's own live chat again changes nothing.
    expect((await anna.call('POST', `/api/staff/handoffs/${n}/accept`)).status).toBe(200);
    expect(await outbox(chat.id)).toHaveLength(1);

    // The customer writes (bot side) and the desk's reply goes out as a plain chat message.
    await handoff.customerWrote(await chatState(chat.id), 'Mam pytanie o fakturę');
    const live = await anna.call('POST', `/api/staff/cases/${n}/messages`, { text: 'Już sprawdzam.' });
    expect(live.status).toBe(201);
    out = await outbox(chat.id);
    expect(JSON.parse(out[1].activity)).toEqual({ type: 'message', text: 'Już sprawdzam.' });
    expect((await env.app.services.cases.byNumber(n))!.status).toBe('in_progress');
    const thread = (await env.app.services.cases.messages(r.caseRecord.id)).map((m) => [m.author, m.text]);
    expect(thread).toEqual(expect.arrayContaining([['customer', 'Mam pytanie o fakturę'], ['staff', 'Już sprawdzam.']]));

    const released = await anna.call('POST', `/api/staff/handoffs/${n}/release`);
    expect(released.status).toBe(200);
    c = await chatState(chat.id);
    expect(c).toMatchObject({ handoffState: 'bot', handoffStaffId: null });
    expect((await env.app.services.cases.byNumber(n))!.status).toBe('resolved');
    out = await outbox(chat.id);
    expect(JSON.parse(out[2].activity).text).toBe(t('pl', 'desk.handoff.released'));
    // then the satisfaction question (issue 18), after the release notice
    expect(JSON.parse(out[3].activity).text).toBe(t('pl', 'csat.question', { caseNumber: n }));
    // Released twice: conflict, nothing more sent.
    expect((await anna.call('POST', `/api/staff/handoffs/${n}/release`)).status).toBe(409);
    expect(await outbox(chat.id)).toHaveLength(4);
  });

  test('outside office hours the chat stays with the bot and the case waits for the morning', async () => {
    const chat = await newChat('webchat', 'en');
    const created: string[] = [];
    const off = env.app.events.on('case.created', (cr) => created.push(cr.caseNumber));
    const r = await handoffServiceFor(env.app).requestHandoff(chat, null, 'A person please', new Date('2026-02-14T09:00:00Z'));
    off();
    expect(r).toMatchObject({ queued: false, inOfficeHours: false });
    expect(created).toEqual([r.caseRecord.caseNumber]);
    expect((await chatState(chat.id)).handoffState).toBe('bot');
    // Nobody waits in the chat, so there is nothing to accept.
    expect((await anna.call('POST', `/api/staff/handoffs/${r.caseRecord.caseNumber}/accept`)).status).toBe(409);
  });

  test('accept on a case that is not a handoff → 409; unknown case → 404; greeting in the chat language', async () => {
    const complaintChat = await newChat();
    const complaint = await env.app.services.cases.create({ kind: 'complaint', category: 'meter', text: 'x', customerId: null, channel: 'telegram', chatId: complaintChat.id });
    expect((await anna.call('POST', `/api/staff/handoffs/${complaint.caseNumber}/accept`)).status).toBe(409);
    expect((await anna.call('POST', '/api/staff/handoffs/KW-2000-000999/accept')).status).toBe(404);
    const uk = await newChat('telegram', 'uk');
    const r = await handoffServiceFor(env.app).requestHandoff(uk, null, 'Людину, будь ласка', OFFICE);
    expect((await piotr.call('POST', `/api/staff/handoffs/${r.caseRecord.caseNumber}/accept`)).status).toBe(200);
    const [greeting] = await outbox(uk.id);
    expect(JSON.parse(greeting.activity).text).toBe(t('uk', 'desk.handoff.greeting', { name: 'Piotr' }));
  });
});
