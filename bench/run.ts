/**
 * `npm run bench`: every benchmark, each figure one JSON line `{"bench", ...}`.
 * `npm run bench -- nlu directline` runs only the named ones.
 */
import { runNluBench } from './nlu';
import { runFoundationBench } from './foundation';
import { runTelegramBench } from './telegram';
import { runOutagesBench } from './outages';
import { runDocumentsBench } from './documents';
import { runDirectLineBench } from './directline';
import { runEventsBench } from './events';
import { runOcrBench } from './ocr';
import { runLoadBench } from './load';
import { runLoginBench } from './login';

const SUITES: Record<string, () => Promise<void>> = {
  nlu: runNluBench,
  foundation: runFoundationBench,
  documents: runDocumentsBench,
  directline: runDirectLineBench,
  telegram: runTelegramBench,
  outages: runOutagesBench,
  events: runEventsBench,
  ocr: runOcrBench,
  load: runLoadBench,
  login: runLoginBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const [name, run] of Object.entries(SUITES)) {
    if (wanted.length && !wanted.includes(name)) continue;
    try {
      await run();
    } catch (e) {
      console.log(JSON.stringify({ bench: name, error: (e as Error).message }));
      process.exitCode = 1;
    }
  }
}

void main();
