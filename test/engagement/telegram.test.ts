/**
 * Reminders on Telegram, end to end: the real grammY bot against the fake Bot API over HTTP, the
 * real outbox worker. The invoice answer offers the payment reminders once; the reminder arrives on
 * Telegram with the QR as a photo and its turn-off button, which works with one tap.
 */
import { startTelegramHarness, TEST_ADMIN_TOKEN, type TelegramHarness } from '../support/fake-telegram/harness';
import { CUSTOMER } from './fixtures';

jest.setTimeout(90_000);

let h: TelegramHarness;
beforeAll(async () => {
  h = await startTelegramHarness({ mode: 'polling', env: { ALLOW_CLOCK_OVERRIDE: '1' } });
  const r = await fetch(`${h.app.url}/api/admin/import`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ customers: [CUSTOMER] }) });
  expect(r.status).toBe(200);
});
afterAll(async () => {
  await h.stop();
});

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${h.app.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await r.json()) as Record<string, unknown>;
}

const titles = (m: { reply_markup?: { inline_keyboard?: { text: string }[][] } }) => (m.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);

test('offered once after the invoice answer; the reminder comes on Telegram with QR and turn-off button', async () => {
  const user = h.fake.user({ language_code: 'pl' });
  const { code } = (await admin('/api/admin/link-codes', { customerNumber: '555001' })) as { code: string };
  let after = h.fake.mark();
  h.fake.sendText(user, `/start ${code}`);
  await h.fake.waitForBotMessage(user.id, { after, match: (m) => (m.text ?? '').includes('555001') });

  after = h.fake.mark();
  h.fake.sendText(user, '/faktury');
  const offer = await h.fake.waitForBotMessage(user.id, { after, match: (m) => /przypominać tu o terminie płatności/.test(m.text ?? '') });
  expect(titles(offer)).toEqual(['Włącz przypomnienia o płatnościach']);
  after = h.fake.mark();
  h.fake.pressButtonTitled(user, offer, 'Włącz przypomnienia o płatnościach');
  await h.fake.waitForBotMessage(user.id, { after, match: (m) => /Gotowe/.test(m.text ?? '') });
  // the invoice answer again: no second offer
  after = h.fake.mark();
  h.fake.sendText(user, '/faktury');
  await h.fake.waitForBotMessage(user.id, { after });
  await new Promise((r) => setTimeout(r, 1500));
  expect(h.fake.messagesTo(user.id).filter((m) => m.seq > after && /przypominać tu/.test(m.text ?? ''))).toHaveLength(0);

  after = h.fake.mark();
  expect(await admin('/api/admin/reminders/run', { today: '2027-01-18' })).toEqual({ queued: 1 });
  const reminder = await h.fake.waitForBotMessage(user.id, { after, match: (m) => /FV\/2027\/01\/555001/.test(m.caption ?? m.text ?? '') });
  expect(reminder.method).toBe('sendPhoto');
  expect(reminder.caption).toContain('123,45 zł');
  expect(reminder.caption).toContain('20.01.2027');
  const off = h.fake.messagesTo(user.id).find((m) => m.seq > after && titles(m).includes('Wyłącz przypomnienia o płatnościach'));
  expect(off).toBeDefined();
  after = h.fake.mark();
  h.fake.pressButtonTitled(user, off!, 'Wyłącz przypomnienia o płatnościach');
  await h.fake.waitForBotMessage(user.id, { after, match: (m) => /Wyłączone: termin płatności faktury/.test(m.text ?? '') });
  expect(await admin('/api/admin/reminders/run', { today: '2027-01-25' })).toEqual({ queued: 0 });
});
