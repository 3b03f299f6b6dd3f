/**
 * V6 on Telegram: NUL and other control characters in what a Telegram user sends (message text, caption,
 * name) never reach PostgreSQL, which refuses NUL in text — the real grammY bot of a real Kropla on
 * PostgreSQL, talking HTTP to the fake Bot API (test/support/fake-telegram).
 */
import { ChatConversation, TranscriptEntry } from '../../models';
import { startTelegramHarness, type TelegramHarness } from '../support/fake-telegram/harness';
import { freshPostgresUrl } from '../support/postgres';
import { capturedLogger } from '../support/security';
import { sharedRecognizer } from '../support/botHarness';

jest.setTimeout(60_000);

let h: TelegramHarness;
const captured = capturedLogger('info');

beforeAll(async () => {
  h = await startTelegramHarness({ env: { DATABASE_URL: await freshPostgresUrl(), LOG_LEVEL: 'info' }, app: { recognizer: await sharedRecognizer(), log: captured.log } });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

test('a message with NUL and control characters from a user whose name has one gets a real answer; nothing of it is refused or logged', async () => {
  const user = h.fake.user({ first_name: 'Jan\u0000', last_name: 'Kowal\u0007ski' });
  const after = h.fake.mark();
  h.fake.sendText(user, 'ile mam\u0000 do zapłaty?\u001b');
  const reply = await h.fake.waitForBotMessage(user.id, { after, timeoutMs: 20_000 });
  expect(reply.text).not.toMatch(/Przepraszam|błąd|nie udało/i);
  const chat = await h.app.ds.getRepository(ChatConversation).findOneByOrFail({ channel: 'telegram', conversationId: String(user.id) });
  const texts = (await h.app.ds.getRepository(TranscriptEntry).findBy({ chatId: chat.id })).map((t) => t.text);
  expect(texts).toContain('ile mam do zapłaty?');
  expect(chat.reference).toContain('Jan Kowalski');
  expect(JSON.stringify(texts) + chat.reference).not.toMatch(/\\u0000|\\u0007|\\u001b/);
  const errors = captured.lines().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg?: string }).filter((l) => l.level >= 50);
  expect(errors).toEqual([]);
});
