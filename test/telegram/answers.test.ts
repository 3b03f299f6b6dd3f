/**
 * The balance, payment and consumption answers as Telegram shows them: the real grammY bot inside a
 * real Kropla talking HTTP to the fake Bot API, whose strict HTML parser rejects what Telegram
 * would (unescaped `<`, `>`, `&`, unknown or unbalanced tags). Lists as one `•` line per item, bold,
 * the account number in `<code>` (copied with one tap), and no Adaptive Card leaking through.
 */
import { startTelegramHarness, TEST_ADMIN_TOKEN, type TelegramHarness } from '../support/fake-telegram/harness';
import type { FakeUser, SentMessage } from '../support/fake-telegram';
import { parseTelegramHtml } from '../support/fake-telegram';
import { AMOUNT_DUE, importAnswersCustomer, OVERDUE } from '../support/answersFixture';
import { t } from '../../src/i18n/i18n';

describe('Telegram: the structured answers as HTML (fake Bot API, strict parser)', () => {
  let h: TelegramHarness;
  let user: FakeUser;

  beforeAll(async () => {
    h = await startTelegramHarness();
    user = h.fake.user({ language_code: 'pl' });
    const { telegramDeepLink } = await importAnswersCustomer(h.app.url, TEST_ADMIN_TOKEN);
    await turn(`/start ${new URL(telegramDeepLink).searchParams.get('start')}`);
  }, 60_000);

  afterAll(async () => {
    await h.stop();
  });

  /** Sends a text; returns what the bot sent for it once it has gone quiet. */
  async function turn(text: string): Promise<SentMessage[]> {
    const after = h.fake.mark();
    h.fake.sendText(user, text);
    await h.fake.waitForBotMessage(user.id, { after, timeoutMs: 15_000 });
    let n = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 400));
      const now = h.fake.messagesTo(user.id).filter((m) => m.seq > after);
      if (now.length === n) return now;
      n = now.length;
    }
  }

  /** The visible lines of a message (text or caption), after checking its HTML like the Bot API. */
  function lines(m: SentMessage): string[] {
    const parsed = parseTelegramHtml(m.raw ?? '');
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.text.split('\n');
  }

  test('the balance: the amount in bold, each overdue invoice on a • line of its own', async () => {
    const [m] = await turn('ile mam do zapłaty?');
    expect(m.method).toBe('sendMessage');
    expect(m.parse_mode).toBe('HTML');
    expect(m.raw).toContain(`<b>${AMOUNT_DUE}</b>`);
    const items = lines(m).filter((l) => l.startsWith('• '));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(new RegExp(`^• ${OVERDUE[0].number}: 100,00 zł, termin minął \\d{2}\\.\\d{2}\\.\\d{4}$`));
    expect(items[1]).toMatch(new RegExp(`^• ${OVERDUE[1].number}: 87,45 zł, termin minął \\d{2}\\.\\d{2}\\.\\d{4}$`));
    expect(lines(m)).toContain(t('pl', 'balance.overdueNote'));
  });

  test('the payment: the QR code as a photo, the details as its caption — a list, the amount bold, the account number as code', async () => {
    const sent = await turn('dane do przelewu');
    expect(sent.map((m) => m.method)).toEqual(['sendPhoto']);
    const [photo] = sent;
    expect(photo.file?.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(photo.raw).toContain('<code>61 1090 1014 0000 0712 1981 2874</code>');
    expect(photo.raw).toContain(`<b>${AMOUNT_DUE}</b>`);
    const visible = lines(photo);
    expect(visible[0]).toBe('Dane do przelewu:');
    expect(visible.slice(1, 6).every((l) => l.startsWith('• '))).toBe(true);
    expect(visible).toContain(t('pl', 'payment.qrHint'));
  });

  test('the consumption: the chart as a photo and every month’s figure on a line of its own', async () => {
    const sent = await turn('pokaż zużycie wody za ostatni rok');
    const photo = sent.find((m) => m.method === 'sendPhoto');
    expect(photo?.file?.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const textLines = sent.flatMap((m) => lines(m));
    // a month without a reading yet says so (not "0,000 m³")
    const months = textLines.filter((l) => /^\p{L}{3} \d{4}: (?:\d+,\d{3} m³( \*)?|brak jeszcze odczytu|brak odczytów)$/u.test(l));
    expect(months.length).toBeGreaterThanOrEqual(12);
    expect(textLines.join('\n')).toMatch(/<?Zużycie wody od \d{2}\.\d{2}\.\d{4}/);
  });

  test('every call passed the strict parser; no card went out as a file', () => {
    const failed = h.fake.calls.filter((c) => c.status !== 200).map((c) => `${c.method}: ${c.error}`);
    expect(failed).toEqual([]);
    expect(h.fake.calls.filter((c) => c.method === 'sendDocument')).toEqual([]);
  });
});
