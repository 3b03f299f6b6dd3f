/**
 * Emergency broadcast through Telegram's paid broadcast (`allow_paid_broadcast`): the operator's opt-in
 * (TELEGRAM_PAID_BROADCAST=1) for failure notices only, a budget in Stars per notice, the cost shown before
 * publishing, and delivery of the paid part at the paid pace (the fake Bot API allows 1,000 a second with the
 * flag and 30 without). A real App and grammY against the fake Bot API over HTTP.
 */
import { AlertSubscription, ChatConversation, OutageNotice } from '../../models';
import { AlertService } from '../../src/services/AlertService';
import { ValidationError } from '../../src/services/validation';
import { startTelegramHarness, TEST_ADMIN_TOKEN, type TelegramHarness } from '../support/fake-telegram/harness';

jest.setTimeout(90_000);

const N = 300;
let h: TelegramHarness;

const notice = (extra: object = {}) => ({
  kind: 'failure', title: 'Awaria magistrali na Mikołowskiej', message: 'Uszkodzenie magistrali wodociągowej.', startsAt: new Date().toISOString(),
  streets: [{ street: 'ul. Mikołowska', from: '1', to: '40' }], ...extra,
});

async function admin(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${h.app.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  h = await startTelegramHarness({ env: { DEMO_DATA: '0', TELEGRAM_PAID_BROADCAST: '1', TELEGRAM_RATE_PER_SEC: '25' }, fake: { rateLimitPerSecond: 30, paidRateLimitPerSecond: 1000 } });
  const chats = [];
  for (let k = 1; k <= N; k++) {
    const id = String(2_000_000 + k);
    chats.push({ channel: 'telegram', conversationId: id, userId: id, locale: 'pl', reference: JSON.stringify({ channelId: 'telegram', serviceUrl: h.fake.url, conversation: { id }, user: { id }, bot: { id: 'kropla' } }) });
  }
  await h.app.ds.createQueryBuilder().insert().into(ChatConversation).values(chats).execute();
  const rows = await h.app.ds.getRepository(ChatConversation).find({ select: { id: true } });
  await h.app.ds.createQueryBuilder().insert().into(AlertSubscription).values(rows.map((c) => ({ chatId: c.id, servicePointId: '', street: 'Mikołowska', streetKey: 'mikolowska', building: '12', city: 'Katowice' }))).execute();
});
afterAll(async () => {
  await h?.stop();
});

test('a bad or forbidden paid broadcast is a 400 naming the field, and nothing is stored', async () => {
  const before = await h.app.ds.getRepository(OutageNotice).count();
  const planned = await admin('/api/admin/outages', notice({ kind: 'planned', paidBroadcast: { maxStars: 10 } }));
  expect(planned.status).toBe(400);
  expect(planned.body.field).toBe('paidBroadcast');
  for (const maxStars of ['10', 0, -5, 2_000_000, null]) {
    const r = await admin('/api/admin/outages', notice({ paidBroadcast: { maxStars } }));
    expect([r.status, r.body.field]).toEqual([400, 'paidBroadcast.maxStars']);
  }
  expect((await admin('/api/admin/outages/preview', notice({ paidBroadcast: [] }))).body.field).toBe('paidBroadcast');
  expect(await h.app.ds.getRepository(OutageNotice).count()).toBe(before);
  // A deployment that did not opt in refuses it.
  const off = new AlertService(h.app.services.outages, h.app.services.outbox, h.app.log);
  expect(() => off.paidRequest(notice({ paidBroadcast: { maxStars: 10 } }))).toThrow(ValidationError);
  expect(off.paidRequest(notice())).toBeNull();
});

test('the cost is shown before publishing; the budget pays for the first messages, sent at the paid pace, the rest at the free pace, each chat once', async () => {
  const body = notice({ paidBroadcast: { maxStars: 20 } }); // 20 Stars = 200 messages at 0.1
  const preview = await admin('/api/admin/outages/preview', body);
  expect(preview.status).toBe(200);
  expect(preview.body).toMatchObject({ recipients: N, channels: { telegram: N }, telegram: { recipients: N, secondsAtFreePace: 12, paidBroadcast: { maxStars: 20, messages: 200, stars: 20 } } });
  expect(await h.app.ds.getRepository(OutageNotice).count()).toBe(0); // a preview stores nothing

  const mark = h.fake.mark();
  const t0 = Date.now();
  const published = await admin('/api/admin/outages', body);
  expect(published.status).toBe(201);
  expect(published.body).toMatchObject({ recipients: N, paidBroadcast: { messages: 200, stars: 20 } });

  const sends = () => h.fake.calls.filter((c) => c.seq > mark && c.method === 'sendMessage' && c.status === 200);
  const until = Date.now() + 60_000;
  while (new Set(sends().map((c) => String(c.params.chat_id))).size < N && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const ok = sends();
  const paid = ok.filter((c) => c.params.allow_paid_broadcast === true || c.params.allow_paid_broadcast === 'true');
  expect(paid).toHaveLength(200); // exactly what the budget pays for
  expect(ok).toHaveLength(N); // each chat once: nothing lost, nothing twice
  expect(new Set(ok.map((c) => String(c.params.chat_id))).size).toBe(N);
  // The paid part went well above the free 30 a second (at 25/s, 200 messages take 8 s).
  const lastPaid = Math.max(...paid.map((c) => c.at));
  expect(lastPaid - t0).toBeLessThan(5000);
  // The unpaid rest kept to the free pace: never more than 30 in any second.
  const free = ok.filter((c) => !paid.includes(c)).map((c) => c.at).sort((a, b) => a - b);
  for (let i = 30; i < free.length; i++) expect(free[i] - free[i - 30]).toBeGreaterThanOrEqual(1000 - 50);
});
