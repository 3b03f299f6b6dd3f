/**
 * Telegram end to end in long-polling mode: the real grammY bot inside a real App, against the
 * fake Bot API over HTTP. Dialog behaviour is the bot's; here: what the channel does.
 */
import { ChatConversation } from '../../models';
import { startTelegramHarness, TEST_ADMIN_TOKEN, type TelegramHarness } from '../support/fake-telegram/harness';
import type { FakeUser } from '../support/fake-telegram';
import { installScript, LONG_VALUE, PDF, PNG, sha } from './scriptedBot';

jest.setTimeout(30_000);

let h: TelegramHarness;

beforeAll(async () => {
  h = await startTelegramHarness({ mode: 'polling' });
  installScript(h.app);
});

afterAll(async () => {
  await h?.stop();
});

async function chatOf(user: FakeUser): Promise<ChatConversation> {
  const chat = await h.app.ds.getRepository(ChatConversation).findOne({ where: { channel: 'telegram', conversationId: String(user.id) } });
  if (!chat) throw new Error('chat not recorded');
  return chat;
}

/** Re-checks an async condition until it holds (the outbox works in the background). */
async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function publishOutage(title: string): Promise<{ id: number; recipients: number }> {
  const res = await fetch(`${h.app.url}/api/admin/outages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'failure', title, message: 'Awaria sieci wodociągowej.', startsAt: new Date().toISOString(), expectedEndAt: new Date(Date.now() + 4 * 3600_000).toISOString(),
      streets: [{ street: 'Mikołowska', city: 'Katowice', from: '1', to: '40' }],
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number; recipients: number };
}

describe('Telegram channel, long polling', () => {
  it('starts: getMe, command menu in three languages, webhook deleted, username for deep links', async () => {
    expect(h.fake.callsOf('getMe').length).toBeGreaterThan(0);
    expect(h.fake.callsOf('deleteWebhook')).toHaveLength(1);
    expect(h.app.telegram?.username).toBe('KroplaTestBot');
    expect(h.app.telegramUsername()).toBe('KroplaTestBot');
    expect(h.fake.commands.get('')?.map((c) => c.command)).toEqual(['saldo', 'faktury', 'odczyt', 'zuzycie', 'reklamacja', 'awarie', 'pomoc', 'wyloguj']);
    expect(h.fake.commands.get('pl')?.[0].description).toBe('Saldo i płatności');
    expect(h.fake.commands.get('en')?.[0].description).toBe('Balance and payments');
    expect(h.fake.commands.get('uk')?.[0].description).toBe('Баланс і платежі');
    await h.fake.waitForCall('getUpdates', { match: (c) => Number(c.params.timeout) > 0 });

    const res = await fetch(`${h.app.url}/api/admin/link-codes`, {
      method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ customerNumber: '100234' }),
    });
    if (res.status === 201) {
      const body = (await res.json()) as { telegramDeepLink: string };
      expect(body.telegramDeepLink).toMatch(/^https:\/\/t\.me\/KroplaTestBot\?start=\w+$/);
    }
  });

  it('/start with a deep-link payload reaches the bot as text and gets an answer, typing first', async () => {
    const user = h.fake.user({ language_code: 'pl' });
    const mark = h.fake.mark();
    h.fake.sendText(user, '/start K7PM4QX9');
    const reply = await h.fake.waitForBotMessage(user.id, { after: mark });
    expect(reply.text?.trim().length).toBeGreaterThan(0);
    expect(reply.parse_mode).toBe('HTML');
    const typing = h.fake.calls.find((c) => c.method === 'sendChatAction' && c.seq > mark && Number(c.params.chat_id) === user.id);
    expect(typing?.params.action).toBe('typing');
    expect(typing!.seq).toBeLessThan(reply.seq);
    const chat = await chatOf(user);
    expect(chat.locale).toBe('pl');
    expect(JSON.parse(chat.reference)).toMatchObject({ channelId: 'telegram', conversation: { id: String(user.id) }, serviceUrl: h.fake.url });
  });

  it('a message round trip through the real bot, chat recorded with the Telegram language', async () => {
    const user = h.fake.user({ language_code: 'uk', first_name: 'Оксана' });
    h.fake.sendText(user, 'Добрий день');
    const reply = await h.fake.waitForBotMessage(user.id);
    expect(reply.text?.length).toBeGreaterThan(0);
    expect((await chatOf(user)).locale).toBe('uk');
  });

  it('keeps one chat in order', async () => {
    const user = h.fake.user();
    for (let i = 1; i <= 6; i++) h.fake.sendText(user, `test:echo ${i}`);
    await h.fake.waitFor(() => h.fake.messagesTo(user.id).length >= 6);
    expect(h.fake.messagesTo(user.id).map((m) => m.text)).toEqual(['echo 1', 'echo 2', 'echo 3', 'echo 4', 'echo 5', 'echo 6']);
  });

  it('suggested actions become an inline keyboard; a press is answered, the keyboard removed and the value passed as text', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, 'test:buttons');
    const question = await h.fake.waitForBotMessage(user.id);
    expect(question.text).toBe('Czy zapisać odczyt 123,456 m³ <z dnia 15.01.2026>?');
    expect(question.raw).toContain('<b>123,456 m³</b> &lt;z dnia');
    const buttons = question.reply_markup?.inline_keyboard?.flat() ?? [];
    expect(buttons.map((b) => b.text)).toEqual(['Tak', 'Nie', 'Inny stan licznika']);

    const mark = h.fake.mark();
    h.fake.pressButtonTitled(user, question, 'Tak');
    const answer = await h.fake.waitForBotMessage(user.id, { after: mark });
    expect(answer.text).toBe('Wybrano: tak (przycisk: tak)');
    const answered = await h.fake.waitForCall('answerCallbackQuery', { after: mark });
    expect(answered.status).toBe(200);
    const edited = await h.fake.waitForCall('editMessageReplyMarkup', { after: mark });
    expect(edited.status).toBe(200);
    expect(Number(edited.params.message_id)).toBe(question.message_id);
    expect(h.fake.message(user.id, question.message_id)?.reply_markup).toBeUndefined();

    // a value over 64 bytes travels as a short id and comes back whole
    h.fake.sendText(user, 'test:buttons');
    const again = await h.fake.waitForBotMessage(user.id, { after: answer.seq });
    const mark2 = h.fake.mark();
    h.fake.pressButtonTitled(user, again, 'Inny stan licznika');
    const answer2 = await h.fake.waitForBotMessage(user.id, { after: mark2 });
    expect(answer2.text).toBe(`Wybrano: ${LONG_VALUE.slice(0, 40)} (przycisk: tak)`);
  });

  it('a pressed button this process no longer knows is answered with a short notice, no turn', async () => {
    const user = h.fake.user({ language_code: 'en' });
    h.fake.sendText(user, 'test:buttons');
    const question = await h.fake.waitForBotMessage(user.id);
    const mark = h.fake.mark();
    h.fake.pressButton(user, question, 'k~AAAAAAAAAAAAAAAAAAAAAA');
    const answered = await h.fake.waitForCall('answerCallbackQuery', { after: mark });
    expect(answered.params.text).toBe('This button is no longer valid. Please write what we can help with.');
    await h.fake.waitForCall('editMessageReplyMarkup', { after: mark });
    expect(h.fake.messagesTo(user.id).filter((m) => m.seq > mark)).toHaveLength(0);
  });

  it('a chart from the bot arrives as a photo upload with its caption; a PDF as a document', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, 'test:photo');
    const photo = await h.fake.waitForBotMessage(user.id);
    expect(photo.method).toBe('sendPhoto');
    expect(photo.file?.bytes.equals(PNG)).toBe(true);
    expect(photo.file?.filename).toBe('zuzycie.png');
    expect(photo.caption).toBe('Wykres zużycia');

    h.fake.sendText(user, 'test:pdf');
    const doc = await h.fake.waitForBotMessage(user.id, { after: photo.seq });
    expect(doc.method).toBe('sendDocument');
    expect(doc.file?.bytes.equals(PDF)).toBe(true);
    expect(doc.file?.filename).toBe('FV-2026-01-000123.pdf');
  });

  it('a long answer is split into messages under 4096 characters, at line breaks', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, 'test:long');
    await h.fake.waitFor(() => h.fake.messagesTo(user.id).length >= 3);
    const parts = h.fake.messagesTo(user.id);
    for (const p of parts) {
      expect(p.text!.length).toBeLessThanOrEqual(4096);
      expect(p.text!.endsWith('m³')).toBe(true);
    }
    expect(parts.map((p) => p.text).join('\n').split('\n')).toHaveLength(250);
  });

  it("the customer's photo and document reach the bot as data: attachments; an oversized file is refused", async () => {
    const user = h.fake.user();
    const meter = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5000, 7)]);
    h.fake.sendPhoto(user, meter, 'stan licznika');
    const r1 = await h.fake.waitForBotMessage(user.id);
    expect(r1.text).toMatch(new RegExp(`^Otrzymano: photo-U\\d+\\.jpg\\|image/jpeg\\|${sha(meter)}; odrzucono: -; tekst: stan licznika$`));

    const scan = Buffer.from('%PDF-1.7 reklamacja');
    h.fake.sendDocument(user, scan, { fileName: 'reklamacja.pdf', mimeType: 'application/pdf' });
    const r2 = await h.fake.waitForBotMessage(user.id, { after: r1.seq });
    expect(r2.text).toBe(`Otrzymano: reklamacja.pdf|application/pdf|${sha(scan)}; odrzucono: -; tekst: -`);

    h.fake.sendDocument(user, Buffer.from('x'), { fileName: 'film.mp4', mimeType: 'video/mp4', fileSize: 11 * 1024 * 1024 });
    const r3 = await h.fake.waitForBotMessage(user.id, { after: r2.seq });
    expect(r3.text).toBe('Otrzymano: -; odrzucono: film.mp4:too_large; tekst: -');
  });

  it('an interactive reply survives a 429 (auto-retry waits retry_after)', async () => {
    const user = h.fake.user();
    h.fake.failNext('sendMessage', 429, { retry_after: 1 });
    h.fake.sendText(user, 'test:echo po limicie');
    const reply = await h.fake.waitForBotMessage(user.id);
    expect(reply.text).toBe('echo po limicie');
    expect(h.fake.calls.some((c) => c.method === 'sendMessage' && c.status === 429)).toBe(true);
  });

  it('a crashing dialog gets the polite error text, and the chat keeps working', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, 'test:fail');
    const sorry = await h.fake.waitForBotMessage(user.id);
    expect(sorry.text).toContain('994');
    h.fake.sendText(user, 'test:echo dalej');
    expect((await h.fake.waitForBotMessage(user.id, { after: sorry.seq })).text).toBe('echo dalej');
  });

  it('an outage alert arrives through the outbox with its unsubscribe button', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, 'test:echo hej');
    await h.fake.waitForBotMessage(user.id);
    const chat = await chatOf(user);
    await h.app.services.outages.subscribeAddress(chat.id, 'Mikołowska', '12');
    const mark = h.fake.mark();
    const { id, recipients } = await publishOutage('Awaria na Mikołowskiej');
    expect(recipients).toBeGreaterThanOrEqual(1);
    const alert = await h.fake.waitForBotMessage(user.id, { after: mark });
    expect(alert.text?.length).toBeGreaterThan(0);
    expect(alert.reply_markup?.inline_keyboard?.flat()).toHaveLength(1);
    const stats = await eventually(async () => {
      const s = await h.app.services.outbox.stats(id);
      return s.queued + s.sending === 0 && s;
    }, 'the outbox to finish');
    expect(stats).toMatchObject({ sent: recipients, failed: 0 });
  });

  it('a 429 on an outbox delivery is waited out and the alert still delivered once', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, 'test:echo hej');
    await h.fake.waitForBotMessage(user.id);
    await h.app.services.outages.subscribeAddress((await chatOf(user)).id, 'Mikołowska', '14');
    // everyone subscribed on Mikołowska gets this one; the first send meets the 429
    h.fake.failNext('sendMessage', 429, { retry_after: 1 });
    const mark = h.fake.mark();
    const { id, recipients } = await publishOutage('Awaria 429');
    await h.fake.waitForBotMessage(user.id, { after: mark });
    await h.fake.waitFor(() => h.fake.sent.filter((m) => m.seq > mark).length >= recipients);
    const limited = h.fake.calls.filter((c) => c.seq > mark && c.method === 'sendMessage' && c.status === 429);
    expect(limited).toHaveLength(1);
    const stats = await eventually(async () => {
      const s = await h.app.services.outbox.stats(id);
      return s.queued + s.sending === 0 && s;
    }, 'the outbox to finish');
    expect(stats).toMatchObject({ sent: recipients, failed: 0 });
    // exactly one alert per chat despite the retry
    const chats = h.fake.sent.filter((m) => m.seq > mark).map((m) => m.chat_id);
    expect(new Set(chats).size).toBe(chats.length);
  });

  it('a user who blocked the bot is marked and skipped', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, 'test:echo hej');
    await h.fake.waitForBotMessage(user.id);
    const chat = await chatOf(user);
    await h.app.services.outages.subscribeAddress(chat.id, 'Mikołowska', '16');
    h.fake.blockBot(user.id);
    const mark = h.fake.mark();
    const first = await publishOutage('Awaria, zablokowany');
    await h.fake.waitForCall('sendMessage', { after: mark, match: (c) => Number(c.params.chat_id) === user.id && c.status === 403 });
    const after = await eventually(async () => {
      const c = await chatOf(user);
      return c.blockedAt && c;
    }, 'the chat to be marked blocked');
    expect(after.blockedAt).toBeInstanceOf(Date);
    const stats = await eventually(async () => {
      const s = await h.app.services.outbox.stats(first.id);
      return s.queued + s.sending === 0 && s;
    }, 'the outbox to finish');
    expect(stats.skipped).toBe(1);
    expect(stats.sent).toBe(first.recipients - 1);
    // the next alert does not even try this chat
    const mark2 = h.fake.mark();
    const second = await publishOutage('Awaria, znowu');
    await eventually(async () => {
      const s = await h.app.services.outbox.stats(second.id);
      return s.queued + s.sending === 0;
    }, 'the outbox to finish');
    expect(h.fake.calls.filter((c) => c.seq > mark2 && Number(c.params.chat_id) === user.id)).toHaveLength(0);
    expect(second.recipients).toBe(first.recipients - 1);
  });

  it('blocking the bot in Telegram (my_chat_member: kicked) marks the chat at once; unblocking clears it', async () => {
    const user = h.fake.user();
    h.fake.sendText(user, 'test:echo hej');
    await h.fake.waitForBotMessage(user.id);
    const member = (status: string) => ({
      my_chat_member: {
        chat: { id: user.id, type: 'private', first_name: user.first_name }, from: user, date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: h.fake.botInfo, status: status === 'kicked' ? 'member' : 'kicked' },
        new_chat_member: { user: h.fake.botInfo, status, ...(status === 'kicked' ? { until_date: 0 } : {}) },
      },
    });
    h.fake.pushUpdate(member('kicked'));
    await eventually(async () => (await chatOf(user)).blockedAt, 'the chat to be marked blocked');
    h.fake.pushUpdate(member('member'));
    await eventually(async () => (await chatOf(user)).blockedAt === null, 'the block to be cleared');
  });

  it('sendStaffNotice does nothing without a staff chat', async () => {
    const mark = h.fake.mark();
    await h.app.telegram!.sendStaffNotice('Nowa sprawa KW/2026/000123');
    expect(h.fake.calls.filter((c) => c.seq > mark && c.method === 'sendMessage')).toHaveLength(0);
  });
});
