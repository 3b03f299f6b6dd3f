/**
 * Telegram benchmark through the fake Bot API (real HTTP, real grammY, real App on SQLite):
 * - `telegram.turn`: one customer turn, update pushed → reply received, with the real bot (help)
 *   and with a trivial echo bot (the channel's own overhead);
 * - `telegram.broadcast`: 1,000 outbox messages to 1,000 chats at the configured 25/s:
 *   achieved rate, share of configured, lost and duplicated messages, 429s met.
 */
import type { TurnContext } from 'botbuilder';
import { startTelegramHarness, type TelegramHarness } from '../test/support/fake-telegram/harness';

function quantiles(ms: number[]): { p50_ms: number; p99_ms: number; mean_ms: number } {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(s.length * p))] * 100) / 100;
  return { p50_ms: q(0.5), p99_ms: q(0.99), mean_ms: Math.round((s.reduce((a, b) => a + b, 0) / s.length) * 100) / 100 };
}

async function turns(h: TelegramHarness, text: string, n: number): Promise<number[]> {
  const user = h.fake.user({ language_code: 'pl' });
  const times: number[] = [];
  for (let i = 0; i < n + 10; i++) {
    const mark = h.fake.mark();
    const t0 = performance.now();
    h.fake.sendText(user, text);
    await h.fake.waitForBotMessage(user.id, { after: mark, timeoutMs: 30_000 });
    if (i >= 10) times.push(performance.now() - t0); // first turns warm up
  }
  return times;
}

export async function runTelegramBench(): Promise<void> {
  const RATE = 25;
  const h = await startTelegramHarness({ mode: 'polling', env: { TELEGRAM_RATE_PER_SEC: String(RATE), LOG_LEVEL: 'silent' } });
  try {
    const real = await turns(h, 'pomoc', 200);
    console.log(JSON.stringify({ bench: 'telegram.turn', bot: 'kropla', turns: real.length, ...quantiles(real) }));

    const run = h.app.bot.run.bind(h.app.bot);
    h.app.bot.run = async (ctx: TurnContext) => {
      if (ctx.activity.type === 'message') await ctx.sendActivity(`echo ${ctx.activity.text ?? ''}`);
    };
    const echo = await turns(h, 'echo', 300);
    h.app.bot.run = run;
    console.log(JSON.stringify({ bench: 'telegram.turn', bot: 'echo', turns: echo.length, ...quantiles(echo) }));

    // broadcast: 1,000 chats, one message each, through the outbox worker; the fake enforces
    // Telegram's ~30 messages a second like the real flood control would
    h.fake.rateLimitPerSecond = 30;
    const N = 1000;
    const base = 900_000_000;
    const chatIds: number[] = [];
    for (let i = 0; i < N; i++) {
      const id = String(base + i);
      const chat = await h.app.services.chats.touch({
        channel: 'telegram', conversationId: id, userId: id, locale: 'pl',
        reference: { channelId: 'telegram', serviceUrl: h.fake.url, conversation: { id }, user: { id }, bot: { id: '123456', name: 'Kropla' } },
      });
      chatIds.push(chat.id);
    }
    const mark = h.fake.mark();
    const t0 = Date.now();
    await h.app.services.outbox.enqueue(chatIds.map((chatId, i) => ({
      idempotencyKey: `bench:broadcast:${i}`, channel: 'telegram', chatId,
      activity: { type: 'message', text: `**Awaria sieci wodociągowej** — ul. Mikołowska ${i % 60}. Przepraszamy za utrudnienia.`, suggestedActions: { to: [], actions: [{ type: 'postBack', title: 'Wypisz mnie', value: `/wypisz ${i}` }] } },
    })));
    h.app.pokeWorkers();
    const inRange = (chat: number) => chat >= base && chat < base + N;
    await h.fake.waitFor(() => new Set(h.fake.sent.filter((m) => m.seq > mark && inRange(m.chat_id)).map((m) => m.chat_id)).size >= N || null, 180_000).catch(() => undefined);
    // let anything still in flight land, to see duplicates
    await new Promise((r) => setTimeout(r, 1500));
    const sent = h.fake.sent.filter((m) => m.seq > mark && inRange(m.chat_id));
    const distinct = new Set(sent.map((m) => m.chat_id)).size;
    const first = Math.min(...sent.map((m) => m.at));
    const last = Math.max(...sent.map((m) => m.at));
    const rate = sent.length > 1 ? (sent.length - 1) / ((last - first) / 1000) : 0;
    const limited = h.fake.calls.filter((c) => c.seq > mark && c.status === 429).length;
    console.log(JSON.stringify({
      bench: 'telegram.broadcast', messages: N, configured_per_s: RATE,
      achieved_per_s: Math.round(rate * 100) / 100, share_of_configured: Math.round((rate / RATE) * 1000) / 1000,
      total_s: Math.round((last - t0) / 10) / 100, lost: N - distinct, duplicated: sent.length - distinct, http_429: limited,
    }));
  } finally {
    await h.stop();
  }
}

if (require.main === module) {
  runTelegramBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
