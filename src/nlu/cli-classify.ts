/** `npm run --silent nlu:classify`: one utterance per stdin line → one JSON object per stdout line. */
import { createInterface } from 'node:readline';
import { KroplaRecognizer } from './index';

async function main(): Promise<void> {
  const recognizer = await KroplaRecognizer.load();
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out: string[] = [];
  const flush = (): void => {
    if (out.length) process.stdout.write(out.join(''));
    out.length = 0;
  };
  for await (const line of rl) {
    const r = recognizer.recognize(line);
    out.push(JSON.stringify({ text: line, intent: r.intent, score: r.score, entities: r.entities }) + '\n');
    if (out.length >= 64) flush();
  }
  flush();
}

main().catch((err: unknown) => {
  process.stderr.write(`nlu:classify failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
