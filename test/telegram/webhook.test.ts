/**
 * Telegram end to end in webhook mode: the fake Bot API POSTs updates to the app's restify route
 * with the secret header; a wrong or missing secret is refused with 401.
 */
import { startTelegramHarness, type TelegramHarness } from '../support/fake-telegram/harness';
import { installScript, PNG } from './scriptedBot';

jest.setTimeout(30_000);

let h: TelegramHarness;

beforeAll(async () => {
  h = await startTelegramHarness({ mode: 'webhook', env: { TELEGRAM_STAFF_CHAT_ID: '-100200300' } });
  installScript(h.app);
});

afterAll(async () => {
  await h?.stop();
});

const hookUrl = () => `${h.app.url}/telegram/webhook`;

describe('Telegram channel, webhook', () => {
  it('registers the webhook with the secret instead of polling', async () => {
    expect(h.fake.webhook).toEqual({ url: `http://127.0.0.1:${h.app.port}/telegram/webhook`, secret: h.secret });
    expect(h.fake.callsOf('getUpdates')).toHaveLength(0);
    expect(h.fake.callsOf('setWebhook')[0].params.allowed_updates).toEqual(['message', 'callback_query', 'my_chat_member']);
    expect(h.fake.commands.get('uk')).toHaveLength(8);
    expect(h.app.telegram?.username).toBe('KroplaTestBot');
  });

  it('a message round trip: the update arrives by webhook, the reply goes out by the Bot API', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, '/start');
    const reply = await h.fake.waitForBotMessage(user.id);
    expect(reply.text?.length).toBeGreaterThan(0);
    expect(h.fake.webhookStatuses.every((s) => s === 200)).toBe(true);
  });

  it('buttons and photos work the same', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, 'test:buttons');
    const q = await h.fake.waitForBotMessage(user.id);
    h.fake.pressButtonTitled(user, q, 'Nie');
    const a = await h.fake.waitForBotMessage(user.id, { after: q.seq });
    expect(a.text).toBe('Wybrano: nie (przycisk: tak)');
    h.fake.sendText(user, 'test:photo');
    const p = await h.fake.waitForBotMessage(user.id, { after: a.seq });
    expect(p.file?.bytes.equals(PNG)).toBe(true);
  });

  it('one chat stays in order in webhook mode too', async () => {
    const user = h.fake.user();
    for (let i = 1; i <= 4; i++) h.fake.sendText(user, `test:echo ${i}`);
    await h.fake.waitFor(() => h.fake.messagesTo(user.id).length >= 4);
    expect(h.fake.messagesTo(user.id).map((m) => m.text)).toEqual(['echo 1', 'echo 2', 'echo 3', 'echo 4']);
  });

  it('refuses an update with a wrong or missing secret (401) and does not run the bot', async () => {
    const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 4242, type: 'private' }, from: { id: 4242, is_bot: false, first_name: 'X' }, text: 'test:echo nie powinno' } };
    const mark = h.fake.mark();
    const wrong = await fetch(hookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': 'wrong' }, body: JSON.stringify(update) });
    expect(wrong.status).toBe(401);
    const missing = await fetch(hookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(update) });
    expect(missing.status).toBe(401);
    // the right secret with a broken body: 400
    const broken = await fetch(hookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': h.secret! }, body: '{"nope":' });
    expect(broken.status).toBe(400);
    // the right secret works (proves the 401s were about the secret)
    const ok = await fetch(hookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': h.secret! }, body: JSON.stringify({ ...update, message: { ...update.message, text: 'test:echo z sekretem' } }) });
    expect(ok.status).toBe(200);
    const reply = await h.fake.waitForBotMessage(4242, { after: mark });
    expect(reply.text).toBe('echo z sekretem');
    expect(h.fake.messagesTo(4242)).toHaveLength(1);
  });

  it('sendStaffNotice posts to the staff chat, escaped', async () => {
    const mark = h.fake.mark();
    await h.app.telegram!.sendStaffNotice('Nowa sprawa **KW/2026/000123** <pilne>');
    const m = await h.fake.waitForBotMessage(-100200300, { after: mark });
    expect(m.text).toBe('Nowa sprawa KW/2026/000123 <pilne>');
    expect(m.raw).toBe('Nowa sprawa <b>KW/2026/000123</b> &lt;pilne&gt;');
  });
});
