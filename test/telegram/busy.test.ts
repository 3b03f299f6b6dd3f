/**
 * Telegram turns go through the same bounded turn queue as web chat: when it is full, a customer
 * gets the polite busy reply at once (in their language) instead of a long wait, and once there is
 * room again the bot answers as usual. The real grammY bot against the fake Bot API over HTTP.
 */
import { startTelegramHarness, type TelegramHarness } from '../support/fake-telegram/harness';

jest.setTimeout(60_000);

let h: TelegramHarness;

beforeAll(async () => {
  h = await startTelegramHarness({ mode: 'polling', env: { TURN_CONCURRENCY: '1', TURN_QUEUE_MAX: '1' } });
});
afterAll(async () => {
  await h?.stop();
});

test('a full turn queue answers a Telegram message at once with the busy reply; with room again, the bot answers', async () => {
  const queue = h.app.turns;
  // Someone else's turn runs (the one slot) and another waits (the one place in the queue).
  expect(queue.admit()).toBe(true);
  let release!: () => void;
  const running = queue.run(() => new Promise<void>((r) => (release = r)));
  expect(queue.admit()).toBe(true);
  const refusedBefore = queue.refused;

  const anna = h.fake.user({ language_code: 'pl' });
  const mark = h.fake.mark();
  h.fake.sendText(anna, 'ile mam do zapłaty');
  const busy = await h.fake.waitForBotMessage(anna.id, { after: mark });
  expect(busy.text).toMatch(/^Bardzo dużo osób pisze teraz do Kropli.*Proszę spróbować za chwilę/);
  expect(queue.refused).toBe(refusedBefore + 1);

  const john = h.fake.user({ language_code: 'en' });
  h.fake.sendText(john, 'hello');
  expect((await h.fake.waitForBotMessage(john.id, { after: mark })).text).toMatch(/^Very many people are writing to Kropla/);

  queue.release();
  release();
  await running;
  const again = h.fake.mark();
  h.fake.sendText(anna, 'w jakich godzinach jest czynne biuro obsługi');
  const answer = await h.fake.waitForBotMessage(anna.id, { after: again });
  expect(answer.text).not.toMatch(/Bardzo dużo osób/);
  expect(answer.text).toMatch(/Biuro Obsługi Klienta/);
  for (let i = 0; i < 200 && queue.pending > 0; i++) await new Promise((r) => setTimeout(r, 25)); // the turn ends just after its reply
  expect(queue.pending).toBe(0);
});
