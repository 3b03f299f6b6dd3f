/** Outage notices from the staff desk: access rules, preview vs. publish, update/end alerts, validation — real HTTP, real SQLite. */
import { ChatConversation, OutageNotice, OutboxMessage } from '../../models';
import { streetKey } from '../../src/domain/streets';
import { addStaff, StaffClient, startApp, type TestEnv } from './helpers';

let env: TestEnv;
let agent: StaffClient;
let supervisor: StaffClient;
let admin: StaffClient;

beforeAll(async () => {
  env = await startApp();
  await addStaff(env.app, 'agent@kw.test', 'agent', 'Anna Agentka');
  await addStaff(env.app, 'boss@kw.test', 'supervisor', 'Bożena Kierownik');
  await addStaff(env.app, 'admin@kw.test', 'admin', 'Adam Admin');
  agent = new StaffClient(env.url);
  await agent.login('agent@kw.test');
  supervisor = new StaffClient(env.url);
  await supervisor.login('boss@kw.test');
  admin = new StaffClient(env.url);
  await admin.login('admin@kw.test');
});
afterAll(async () => env.stop());

let seq = 0;
async function subscribedChat(street: string, building: string | null, opts: { channel?: string; blocked?: boolean } = {}): Promise<ChatConversation> {
  const chat = await env.app.services.chats.touch({ channel: opts.channel ?? 'telegram', conversationId: `out-${++seq}`, userId: `out-u-${seq}`, reference: {}, locale: 'pl' });
  await env.app.services.outages.subscribeAddress(chat.id, street, building);
  if (opts.blocked) await env.app.ds.getRepository(ChatConversation).update({ id: chat.id }, { blockedAt: new Date() });
  return chat;
}

const notice = (street: string, extra: Record<string, unknown> = {}) => ({
  kind: 'failure',
  title: `Awaria sieci — ul. ${street}`,
  message: 'Uszkodzenie magistrali, trwa naprawa.',
  startsAt: '2026-11-25T08:00:00+01:00',
  expectedEndAt: '2026-11-25T16:00:00+01:00',
  tankerLocation: 'przy szkole',
  streets: [{ street, from: '1', to: '21', parity: 'odd' }],
  ...extra,
});

const counts = async () => ({
  notices: await env.app.ds.getRepository(OutageNotice).count(),
  outbox: await env.app.ds.getRepository(OutboxMessage).count(),
});
const outboxOf = (noticeId: number) => env.app.ds.getRepository(OutboxMessage).find({ where: { noticeId }, order: { id: 'ASC' } });
const revisionOf = (m: OutboxMessage) => (JSON.parse(m.activity) as { channelData: { kropla: { revision: string } } }).channelData.kropla.revision;

describe('access', () => {
  test('sign-in is required; changes need the CSRF token; only supervisors and admins publish, update or end', async () => {
    expect((await new StaffClient(env.url).call('GET', '/api/staff/outages')).status).toBe(401);
    expect((await new StaffClient(env.url).call('POST', '/api/staff/outages/preview', notice('Bankowa'))).status).toBe(401);

    const before = await counts();
    for (const path of ['/api/staff/outages/preview', '/api/staff/outages']) {
      const noCsrf = await supervisor.call('POST', path, notice('Bankowa'), { csrf: null });
      expect(noCsrf.status).toBe(403);
      expect(noCsrf.body.error).toBe('csrf');
      const wrongCsrf = await supervisor.call('POST', path, notice('Bankowa'), { csrf: 'x'.repeat(32) });
      expect(wrongCsrf.status).toBe(403);
      const byAgent = await agent.call('POST', path, notice('Bankowa'));
      expect(byAgent.status).toBe(403);
      expect(byAgent.body.error).toBe('forbidden');
    }
    expect(await counts()).toEqual(before);

    const published = await admin.call('POST', '/api/staff/outages', notice('Wojewódzka'));
    expect(published.status).toBe(201);
    const id = Number(published.body.id);
    const agentPatch = await agent.call('PATCH', `/api/staff/outages/${id}`, { ended: true });
    expect(agentPatch.status).toBe(403);
    const noCsrfPatch = await supervisor.call('PATCH', `/api/staff/outages/${id}`, { ended: true }, { csrf: null });
    expect(noCsrfPatch.status).toBe(403);
    expect((await env.app.services.outages.byId(id))!.endedAt).toBeNull();

    // Agents may look.
    const list = await agent.call('GET', '/api/staff/outages');
    expect(list.status).toBe(200);
    expect((list.body.notices as { id: number }[]).map((n) => n.id)).toContain(id);
    expect(list.headers.get('cache-control')).toBe('no-store');
  });
});

describe('preview and publish', () => {
  test('the preview counts exactly the chats publishing reaches, stores nothing, and shows the snapped streets', async () => {
    const odd = await subscribedChat('Bankowa', '5');
    const twice = await subscribedChat('Bankowa', '13a', { channel: 'webchat' });
    await env.app.services.outages.subscribeAddress(twice.id, 'ul. Bankowej', '13a');
    await subscribedChat('Bankowa', '6'); // even side: not in an odd-only range
    await subscribedChat('Bankowa', '23'); // beyond the range
    await subscribedChat('Bankowa', null); // whole-street subscription: not covered by a range
    await subscribedChat('Bankowa', '7', { blocked: true }); // blocked the bot: never sent to
    await subscribedChat('Sokolska', '5'); // another street

    const body = notice('Bankowej');
    const before = await counts();
    const preview = await supervisor.call('POST', '/api/staff/outages/preview', body);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ recipients: 2, streets: [{ street: 'Bankowej', streetKey: streetKey('Bankowa'), from: '1', to: '21', parity: 'odd' }] });
    expect(await counts()).toEqual(before);
    // Asking twice changes nothing either.
    expect((await admin.call('POST', '/api/staff/outages/preview', body)).body.recipients).toBe(2);
    expect(await counts()).toEqual(before);

    const published = await supervisor.call('POST', '/api/staff/outages', body);
    expect(published.status).toBe(201);
    expect(published.body.recipients).toBe(preview.body.recipients);
    const id = Number(published.body.id);
    const rows = await outboxOf(id);
    expect(rows.map((m) => m.chatId).sort((a, b) => a - b)).toEqual([odd.id, twice.id].sort((a, b) => a - b));
    expect(rows.map((m) => m.channel).sort()).toEqual(['telegram', 'webchat']);
    expect(rows.every((m) => m.status === 'queued' && revisionOf(m) === 'published')).toBe(true);
    expect(new Set(rows.map((m) => m.idempotencyKey)).size).toBe(2);
    expect(JSON.parse(rows[0].activity).text).toContain('Awaria sieci — ul. Bankowej');
    expect(await counts()).toEqual({ notices: before.notices + 1, outbox: before.outbox + 2 });

    const stored = await env.app.services.outages.byId(id);
    expect(stored!.streets.map((s) => s.streetKey)).toEqual([streetKey('Bankowa')]);
  });

  test('a notice nobody is subscribed to previews and publishes with 0 recipients', async () => {
    const body = notice('Piastów', { kind: 'planned', expectedEndAt: null, tankerLocation: null, streets: [{ street: 'Piastów' }] });
    const preview = await supervisor.call('POST', '/api/staff/outages/preview', body);
    expect(preview.body).toEqual({ recipients: 0, streets: [{ street: 'Piastów', streetKey: streetKey('Piastów'), from: null, to: null, parity: 'all' }] });
    const published = await supervisor.call('POST', '/api/staff/outages', body);
    expect(published.status).toBe(201);
    expect(published.body.recipients).toBe(0);
    expect(await outboxOf(Number(published.body.id))).toEqual([]);
  });

  test('a bad body is refused with 400 naming the field, and nothing is stored', async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, string][] = [
      [notice('Gliwicka', { title: '' }), 'title'],
      [notice('Gliwicka', { kind: 'flood' }), 'kind'],
      [notice('Gliwicka', { startsAt: '25.11.2026 8:00' }), 'startsAt'],
      [notice('Gliwicka', { expectedEndAt: '2026-11-24T08:00:00+01:00' }), 'expectedEndAt'],
      [notice('Gliwicka', { streets: [] }), 'streets'],
      [notice('Gliwicka', { streets: [{ street: 'Gliwicka', parity: 'both' }] }), 'streets[0].parity'],
      [notice('Gliwicka', { streets: [{ street: 'Gliwicka', from: 'dwa' }] }), 'streets[0].from'],
    ];
    for (const [body, field] of cases) {
      for (const path of ['/api/staff/outages/preview', '/api/staff/outages']) {
        const r = await supervisor.call('POST', path, body);
        expect({ path, status: r.status, field: r.body.field }).toEqual({ path, status: 400, field });
      }
    }
    expect(await counts()).toEqual(before);
  });
});

describe('update and end', () => {
  test('an update and the end each queue one new message per chat, under new idempotency keys', async () => {
    const a = await subscribedChat('Chorzowska', '3');
    const b = await subscribedChat('Chorzowska', '9', { channel: 'webchat' });
    const published = await supervisor.call('POST', '/api/staff/outages', notice('Chorzowska'));
    const id = Number(published.body.id);
    expect(published.body.recipients).toBe(2);

    const update = await supervisor.call('PATCH', `/api/staff/outages/${id}`, { expectedEndAt: '2026-11-25T20:00:00+01:00', tankerLocation: 'ul. Chorzowska 5, parking' });
    expect(update.status).toBe(200);
    expect(update.body.recipients).toBe(2);
    expect(update.body.notice).toMatchObject({ id, tankerLocation: 'ul. Chorzowska 5, parking', expectedEndAt: '2026-11-25T19:00:00.000Z', endedAt: null });
    let rows = await outboxOf(id);
    expect(rows).toHaveLength(4);
    const updates = rows.filter((m) => revisionOf(m).startsWith('update-'));
    expect(updates.map((m) => m.chatId).sort()).toEqual([a.id, b.id].sort());
    expect(JSON.parse(updates[0].activity).text).toContain('ul. Chorzowska 5, parking');

    const end = await admin.call('PATCH', `/api/staff/outages/${id}`, { ended: true });
    expect(end.status).toBe(200);
    expect(end.body.recipients).toBe(2);
    rows = await outboxOf(id);
    expect(rows).toHaveLength(6);
    const ended = rows.filter((m) => revisionOf(m) === 'ended');
    expect(ended.map((m) => m.chatId).sort()).toEqual([a.id, b.id].sort());
    expect(JSON.parse(ended[0].activity).text).toContain('Woda wróciła');
    expect(new Set(rows.map((m) => m.idempotencyKey)).size).toBe(6);
    for (const chat of [a, b]) expect(rows.filter((m) => m.chatId === chat.id).map(revisionOf)).toEqual(['published', expect.stringMatching(/^update-\d+-[0-9a-f]+$/), 'ended']);

    // Ended is final: no second "water is back", no further updates.
    const again = await supervisor.call('PATCH', `/api/staff/outages/${id}`, { ended: true });
    expect(again.status).toBe(409);
    expect((await supervisor.call('PATCH', `/api/staff/outages/${id}`, { tankerLocation: 'gdzie indziej' })).status).toBe(409);
    expect(await outboxOf(id)).toHaveLength(6);
  });

  test('a bad update is refused with 400 naming the field; an unknown notice is 404', async () => {
    const published = await supervisor.call('POST', '/api/staff/outages', notice('Mariacka'));
    const id = Number(published.body.id);
    const before = await counts();
    const bad = await supervisor.call('PATCH', `/api/staff/outages/${id}`, { expectedEndAt: 'jutro' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('expectedEndAt');
    const early = await supervisor.call('PATCH', `/api/staff/outages/${id}`, { expectedEndAt: '2026-11-20T08:00:00+01:00' });
    expect(early.status).toBe(400);
    expect(early.body.field).toBe('expectedEndAt');
    const tooLong = await supervisor.call('PATCH', `/api/staff/outages/${id}`, { tankerLocation: 'x'.repeat(301) });
    expect(tooLong.body.field).toBe('tankerLocation');
    const empty = await supervisor.call('PATCH', `/api/staff/outages/${id}`, {});
    expect(empty.status).toBe(400);
    expect((await supervisor.call('PATCH', `/api/staff/outages/${id}`, { ended: 'tak' })).body.field).toBe('ended');
    expect(await counts()).toEqual(before);
    expect((await env.app.services.outages.byId(id))!.expectedEndAt!.toISOString()).toBe('2026-11-25T15:00:00.000Z');
    expect((await supervisor.call('PATCH', '/api/staff/outages/999999', { ended: true })).status).toBe(404);
    expect((await supervisor.call('PATCH', '/api/staff/outages/abc', { ended: true })).status).toBe(404);
  });
});

describe('list', () => {
  test('not ended notices come first, then those ended in the last 7 days, each with its delivery state', async () => {
    await subscribedChat('Kolista', '1');
    await subscribedChat('Kolista', '3');
    const mk = async (street: string) => Number((await supervisor.call('POST', '/api/staff/outages', notice(street))).body.id);
    const running = await mk('Kolista');
    const endedRecently = await mk('Rataja');
    const endedLongAgo = await mk('Kossutha');
    await supervisor.call('PATCH', `/api/staff/outages/${endedRecently}`, { ended: true });
    await env.app.ds.getRepository(OutageNotice).update({ id: endedLongAgo }, { endedAt: new Date(Date.now() - 8 * 86_400_000) });
    // One of the two alerts was delivered, the other failed for good.
    const [first, second] = await outboxOf(running);
    await env.app.ds.getRepository(OutboxMessage).update({ id: first.id }, { status: 'sent', sentAt: new Date() });
    await env.app.ds.getRepository(OutboxMessage).update({ id: second.id }, { status: 'failed' });

    const r = await agent.call('GET', '/api/staff/outages');
    expect(r.status).toBe(200);
    const notices = r.body.notices as { id: number; endedAt: string | null; title: string; streets: unknown[]; delivery: Record<string, number> }[];
    const ids = notices.map((n) => n.id);
    expect(ids).toContain(running);
    expect(ids).toContain(endedRecently);
    expect(ids).not.toContain(endedLongAgo);
    const firstEnded = notices.findIndex((n) => n.endedAt !== null);
    expect(notices.slice(0, firstEnded).every((n) => n.endedAt === null)).toBe(true);
    expect(notices.slice(firstEnded).every((n) => n.endedAt !== null)).toBe(true);
    const run = notices.find((n) => n.id === running)!;
    expect(run).toMatchObject({ title: 'Awaria sieci — ul. Kolista', endedAt: null, streets: [{ street: 'Kolista', streetKey: streetKey('Kolista'), from: '1', to: '21', parity: 'odd' }] });
    expect(run.delivery).toEqual({ queued: 0, sending: 0, sent: 1, failed: 1, skipped: 0 });
    expect(notices.find((n) => n.id === endedRecently)!.delivery).toEqual({ queued: 0, sending: 0, sent: 0, failed: 0, skipped: 0 });
  });
});
