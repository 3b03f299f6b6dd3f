/**
 * `npm run nlu:labels` — writes the staff's labels of misunderstood messages (the desk's
 * "Statystyki" view, POST /api/staff/analytics/labels) from the database of DATABASE_URL to
 * `locales/<lang>/nlu/labelled.json`, for review in a pull request; the next build trains on them.
 * Prints `{"labelled": {"pl": n, ...}}`. `--root DIR` writes under another tree (tests).
 */
import { loadConfig } from './config';
import { runCli } from './cli-run';
import { openDatabase } from './db/dataSource';
import { repoRoot } from './nlu/model';
import { writeLabelled } from './nlu/labelled';
import { AnalyticsService } from './services/AnalyticsService';

async function main(): Promise<void> {
  const config = loadConfig();
  const ds = await openDatabase(config.database, { poolSize: 2 });
  try {
    const labels = await new AnalyticsService(ds).labels();
    const i = process.argv.indexOf('--root');
    const written = writeLabelled(i >= 0 ? process.argv[i + 1] : repoRoot(), labels);
    process.stdout.write(JSON.stringify({ labelled: written }) + '\n');
  } finally {
    await ds.destroy();
  }
}

runCli(main);
