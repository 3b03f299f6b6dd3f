/**
 * Customer tasks end to end in Telegram: the real grammY bot inside a real Kropla (SQLite, NLU,
 * dialogs) talking HTTP to the fake Bot API, in polling and in webhook mode.
 */
import { deflateSync } from 'node:zlib';
import { startTelegramHarness, TEST_ADMIN_TOKEN, type TelegramHarness } from '../support/fake-telegram/harness';
import type { FakeUser, SentMessage } from '../support/fake-telegram';

/** A tiny valid PNG (a "meter photo"). */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    let c = ~0;
    for (const b of body) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    crc.writeUInt32BE(~c >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from([0, 0, 120, 200]))), chunk('IEND', Buffer.alloc(0))]);
}

for (const mode of ['polling', 'webhook'] as const) {
  describe(`Telegram flows (${mode})`, () => {
    let h: TelegramHarness;
    beforeAll(async () => {
      h = await startTelegramHarness({ mode });
    }, 60_000);
    afterAll(async () => {
      await h.stop();
    });

    async function turn(user: FakeUser, text: string, match?: (m: SentMessage) => boolean): Promise<SentMessage> {
      const after = h.fake.mark();
      h.fake.sendText(user, text);
      return h.fake.waitForBotMessage(user.id, { after, match, timeoutMs: 15_000 });
    }

    async function deepLink(user: FakeUser, customerNumber: string): Promise<SentMessage> {
      const r = await fetch(`${h.app.url}/api/admin/link-codes`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ customerNumber }) });
      const { telegramDeepLink } = (await r.json()) as { telegramDeepLink: string };
      expect(telegramDeepLink).toMatch(/^https:\/\/t\.me\/KroplaTestBot\?start=[A-Z2-9]{8}$/);
      return turn(user, `/start ${new URL(telegramDeepLink).searchParams.get('start')}`);
    }

    test('deep link links the account in one tap, then /saldo shows the balance', async () => {
      const user = h.fake.user({ language_code: 'pl' });
      const linked = await deepLink(user, '100234');
      expect(linked.text).toMatch(/połączony z kontem klienta nr 100234/);
      const balance = await turn(user, '/saldo');
      expect(balance.text).toMatch(/zł/);
      expect(balance.raw).toMatch(/<b>/);
    });

    test('a reading submitted with buttons: meter chosen by an inline button, value typed', async () => {
      const user = h.fake.user();
      await deepLink(user, '100004');
      const choose = await turn(user, '/odczyt');
      expect(choose.reply_markup?.inline_keyboard?.flat().some((b) => b.text.startsWith('Główny'))).toBe(true);
      const after = h.fake.mark();
      const mainTitle = choose.reply_markup!.inline_keyboard!.flat().find((b) => b.text.startsWith('Główny'))!.text;
      h.fake.pressButtonTitled(user, choose, mainTitle);
      const ask = await h.fake.waitForBotMessage(user.id, { after, match: (m) => /stan wodomierza/.test(m.text ?? '') });
      expect(await h.fake.waitForCall('answerCallbackQuery', { after })).toBeDefined();
      const last = /Ostatni odczyt: ([\d ]+),\d{3} m³/.exec(ask.text ?? '')!;
      const saved = await turn(user, `${Number(last[1].replace(/ /g, '')) + 1},250`);
      expect(saved.text).toMatch(/Zapisano odczyt/);
    });

    test('consumption comes as a chart photo', async () => {
      const user = h.fake.user();
      await deepLink(user, '100234');
      const photo = await turn(user, '/zuzycie', (m) => m.method === 'sendPhoto');
      expect(photo.file?.bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(photo.caption ?? photo.text ?? '').toMatch(/Zużycie wody/);
    });

    test('a complaint with a photo: the photo is fetched with getFile into the case', async () => {
      const user = h.fake.user();
      await deepLink(user, '100234');
      await turn(user, '/reklamacja');
      await turn(user, 'Jakość wody');
      const askFiles = await turn(user, 'Woda ma brązowy kolor i dziwny zapach od wczoraj');
      expect(askFiles.text).toMatch(/zdjęcia lub pliki/);
      const after = h.fake.mark();
      h.fake.sendPhoto(user, png());
      const contact = await h.fake.waitForBotMessage(user.id, { after, match: (m) => /Jak przekazać odpowiedź/.test(m.text ?? '') });
      expect(contact).toBeDefined();
      expect(h.fake.callsOf('getFile').length).toBeGreaterThan(0);
      await turn(user, 'W tym czacie');
      const filed = await turn(user, 'tak');
      const number = /KW-\d{4}-\d{6}/.exec(filed.text ?? '')![0];
      const c = await h.app.services.cases.byNumber(number);
      const files = await h.app.services.attachments.ofCase(c!.id);
      expect(files).toHaveLength(1);
      expect(files[0].contentType).toMatch(/^image\//);
    });

    test('an outage alert reaches a subscriber, and a 429 from Telegram is survived', async () => {
      const user = h.fake.user();
      await turn(user, '/start');
      await turn(user, 'chcę dostawać alerty o awariach');
      const done = await turn(user, 'Gliwicka 88');
      expect(done.text).toMatch(/Włączono alerty/);
      h.fake.failNext('sendMessage', 429, { retry_after: 1 });
      const after = h.fake.mark();
      const r = await fetch(`${h.app.url}/api/admin/outages`, {
        method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'failure', title: 'Awaria na Gliwickiej', message: 'Pęknięta rura.', startsAt: new Date().toISOString(), tankerLocation: 'Gliwicka 90, parking', streets: [{ street: 'Gliwicka', from: '80', to: '100', parity: 'even' }] }),
      });
      expect(((await r.json()) as { recipients: number }).recipients).toBe(1);
      const alert = await h.fake.waitForBotMessage(user.id, { after, match: (m) => /Awaria na Gliwickiej/.test(m.text ?? ''), timeoutMs: 20_000 });
      expect(alert.text).toMatch(/994/);
      expect(alert.text).toMatch(/Beczkowóz z wodą: Gliwicka 90, parking/);
      expect(h.fake.calls.some((c) => c.method === 'sendMessage' && c.status === 429)).toBe(true);
      expect(h.fake.messagesTo(user.id).filter((m) => /Awaria na Gliwickiej/.test(m.text ?? ''))).toHaveLength(1);
      const unsubscribe = alert.reply_markup!.inline_keyboard!.flat()[0];
      const after2 = h.fake.mark();
      h.fake.pressButton(user, alert, unsubscribe.callback_data!);
      const bye = await h.fake.waitForBotMessage(user.id, { after: after2 });
      expect(bye.text).toMatch(/Wyłączono alerty/);
    }, 30_000);
  });
}
