/**
 * OCR benchmarks:
 * - `ocr.photo`: time to read one generated meter photo in the OCR worker thread (p50/p99, after
 *   one warm-up photo), the worker's start-up, and the process's peak resident memory while reading;
 * - `ocr.chat_turns`: p50/p99 of other chats' turns (real bot, NLU, SQLite) alone and while photos
 *   are being read, to show that the OCR does not hold up the event loop.
 */
import { MeterOcr } from '../src/ocr';
import { chat, linkChat, testApp } from '../test/support/botHarness';
import { meterTestSet } from '../test/support/meterImages';

const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]);
};

export async function runOcrBench(): Promise<void> {
  const photos = meterTestSet(3, 501).map((s) => s.image);
  const ocr = new MeterOcr();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const t0 = performance.now();
    await ocr.read(photos[0]);
    const firstMs = performance.now() - t0;
    const times: number[] = [];
    for (const p of photos) {
      const t = performance.now();
      await ocr.read(p);
      times.push(performance.now() - t);
    }
    console.log(JSON.stringify({ bench: 'ocr.photo', photos: times.length, p50_ms: q(times, 0.5), p99_ms: q(times, 0.99), max_ms: q(times, 1), first_photo_with_worker_start_ms: Math.round(firstMs), rss_before_mb: Math.round(rssBefore / 2 ** 20), peak_rss_mb: Math.round(peak / 2 ** 20) }));

    // other chats while photos are read
    const app = await testApp();
    try {
      const c = chat(app);
      await linkChat(app, c, '100234');
      const texts = ['ile mam do zapłaty?', 'pomoc', 'jakie są godziny otwarcia BOK?', 'historia odczytów'];
      const turns = async (n: number): Promise<number[]> => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          await c.say(texts[i % texts.length]);
          out.push(performance.now() - t);
        }
        return out;
      };
      await turns(8);
      const alone = await turns(60);
      let reading = true;
      let read = 0;
      const background = (async () => {
        for (let i = 0; reading; i++) {
          await ocr.read(photos[i % photos.length]);
          read++;
        }
      })();
      const during = await turns(60);
      reading = false;
      await background;
      console.log(JSON.stringify({ bench: 'ocr.chat_turns', turns: during.length, alone_p50_ms: q(alone, 0.5), alone_p99_ms: q(alone, 0.99), while_reading_p50_ms: q(during, 0.5), while_reading_p99_ms: q(during, 0.99), photos_read_meanwhile: read }));
    } finally {
      await app.stop();
    }
  } finally {
    clearInterval(sampler);
    await ocr.close();
  }
}
