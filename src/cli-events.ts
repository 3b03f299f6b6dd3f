/**
 * `npm run events -- tail [--after CURSOR] [--no-follow]`
 *
 * The operator's view of the billing feed (contracts §8): prints every event as one JSON line,
 * oldest first, then keeps following new ones (once a second) until Ctrl-C. Reads the database of
 * DATABASE_URL like the server. On exit it prints the cursor to resume from (`--after`) on stderr.
 */
import { loadConfig, ConfigError } from './config';
import { openDatabase } from './db/dataSource';
import { EventService } from './services/EventService';
import { ValidationError } from './services/validation';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'tail') {
    console.error('usage: npm run events -- tail [--after CURSOR] [--no-follow]');
    process.exitCode = 2;
    return;
  }
  const follow = !rest.includes('--no-follow');
  const config = loadConfig();
  const ds = await openDatabase(config.database, { poolSize: 2 });
  const events = new EventService(ds);
  let cursor = arg(rest, '--after');
  let resume: string | null = null;
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopping) {
      const page = await events.page(cursor, 1000);
      for (const e of page.events) process.stdout.write(JSON.stringify(e) + '\n');
      cursor = resume = page.next;
      if (page.events.length === 1000) continue;
      if (!follow) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    if (resume) process.stderr.write(`next: ${resume}\n`);
    await ds.destroy();
  }
}

main().catch((e: unknown) => {
  if (e instanceof ValidationError || e instanceof ConfigError) console.error(`error: ${e.message}`);
  else console.error(e);
  process.exit(1);
});
