/**
 * `npm run events -- tail [--after CURSOR] [--no-follow]`
 *
 * The operator's view of the billing feed (contracts §8): prints every event as one JSON line,
 * oldest first, then keeps following new ones (once a second) until Ctrl-C. Reads the database of
 * DATABASE_URL like the server. On exit it prints the cursor to resume from (`--after`) on stderr.
 *
 * `npm run events -- deliveries`: the webhook's state — how many events wait, are in flight, were
 * delivered, were given up — and one JSON line per given-up event (id, type, attempts, last error).
 * `npm run events -- redeliver EVENT_ID… | --all`: queues given-up events again.
 */
import { runCli } from './cli-run';
import { loadConfig } from './config';
import { openDatabase } from './db/dataSource';
import { OutboxMessage } from '../models';
import { EventService, WEBHOOK_CHANNEL } from './services/EventService';
import { OutboxService } from './services/OutboxService';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'deliveries' || command === 'redeliver') {
    await webhookCommand(command, rest);
    return;
  }
  if (command !== 'tail') {
    console.error('usage: npm run events -- tail [--after CURSOR] [--no-follow]\n       npm run events -- deliveries\n       npm run events -- redeliver EVENT_ID… | --all');
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

async function webhookCommand(command: 'deliveries' | 'redeliver', rest: string[]): Promise<void> {
  if (command === 'redeliver' && rest.length === 0) {
    console.error('usage: npm run events -- redeliver EVENT_ID… | --all');
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const ds = await openDatabase(config.database, { poolSize: 2 });
  const outbox = new OutboxService(ds);
  try {
    if (command === 'redeliver') {
      const keys = rest.includes('--all') ? undefined : rest.map((id) => `${WEBHOOK_CHANNEL}:${id}`);
      console.log(JSON.stringify({ requeued: await outbox.requeueFailed(WEBHOOK_CHANNEL, keys) }));
      return;
    }
    const rows = await ds.getRepository(OutboxMessage).createQueryBuilder('o').select('o.status', 'status').addSelect('COUNT(*)', 'n')
      .where('o.channel = :channel', { channel: WEBHOOK_CHANNEL }).groupBy('o.status').getRawMany<{ status: string; n: string | number }>();
    const counts: Record<string, number> = { queued: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    console.log(JSON.stringify(counts));
    for (const m of await outbox.failed(WEBHOOK_CHANNEL, 1000)) {
      const e = JSON.parse(m.activity) as { id: string; type: string; occurredAt: string };
      console.log(JSON.stringify({ givenUp: e.id, type: e.type, occurredAt: e.occurredAt, attempts: m.attempts, lastError: m.lastError }));
    }
  } finally {
    await ds.destroy();
  }
}

runCli(main);
