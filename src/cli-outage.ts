/**
 * `npm run outage -- publish --file notice.json [--paid-broadcast STARS --yes]` · `npm run outage -- cost --file notice.json [--paid-broadcast STARS]`
 * · `npm run outage -- update ID --expected-end ISO [--tanker TEXT] [--message TEXT]` · `npm run outage -- end ID` · `npm run outage -- status ID`
 *
 * A failure notice may go to Telegram as a paid broadcast (when the deployment set TELEGRAM_PAID_BROADCAST=1):
 * `--paid-broadcast STARS` is the budget; `cost` shows what it would cost and how long it would take, and
 * `publish` with a budget shows the cost and publishes only with `--yes`.
 *
 * Publishes and follows outage notices from a shell (the operator's CLI). Uses DATABASE_URL like
 * the server; alerts go into the outbox, and the running Kropla instances deliver them.
 * The notice file has the body of `POST /api/admin/outages`.
 */
import { readFileSync } from 'node:fs';
import { runCli } from './cli-run';
import { loadConfig } from './config';
import { openDatabase } from './db/dataSource';
import { createLogger } from './logger';
import { OutageService } from './services/OutageService';
import { OutboxService } from './services/OutboxService';
import { AlertService } from './services/AlertService';
import { ValidationError } from './services/validation';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const config = loadConfig();
  const ds = await openDatabase(config.database);
  const outages = new OutageService(ds);
  const outbox = new OutboxService(ds);
  const alerts = new AlertService(outages, outbox, createLogger(process.env.LOG_LEVEL ?? 'warn'), config.outageReminderHours, { ...config.telegram.paidBroadcast, freeRatePerSecond: config.telegram.ratePerSecond });
  try {
    if (command === 'publish' || command === 'cost') {
      const file = arg(rest, '--file');
      if (!file) throw new ValidationError('--file', 'path of a JSON file with the notice');
      const body = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const stars = arg(rest, '--paid-broadcast');
      if (stars !== undefined) body.paidBroadcast = { maxStars: Number(stars) };
      const cost = await alerts.cost(body);
      if (command === 'cost') {
        console.log(JSON.stringify(cost));
      } else if (body.paidBroadcast && !rest.includes('--yes')) {
        console.log(JSON.stringify(cost));
        console.error(`a paid broadcast costs up to ${cost.telegram.paidBroadcast?.stars ?? 0} Stars: run again with --yes to publish`);
        process.exitCode = 3;
      } else {
        const { notice, recipients, paidBroadcast } = await alerts.publish(body);
        console.log(JSON.stringify({ id: notice.id, recipients, ...(paidBroadcast ? { paidBroadcast } : {}) }));
      }
    } else if (command === 'update' || command === 'end') {
      const id = Number(rest[0]);
      if (!Number.isInteger(id)) throw new ValidationError('id', 'the notice id (a number)');
      const body = command === 'end' ? { ended: true } : { expectedEndAt: arg(rest, '--expected-end'), tankerLocation: arg(rest, '--tanker'), message: arg(rest, '--message') };
      const r = await alerts.update(id, JSON.parse(JSON.stringify(body)) as unknown);
      if (!r) throw new ValidationError('id', `no outage notice ${id}`);
      console.log(JSON.stringify({ id, recipients: r.recipients }));
    } else if (command === 'status') {
      const id = Number(rest[0]);
      const notice = Number.isInteger(id) ? await outages.byId(id) : null;
      if (!notice) throw new ValidationError('id', `no outage notice ${rest[0] ?? ''}`);
      console.log(JSON.stringify({ id, title: notice.title, endedAt: notice.endedAt, delivery: await outbox.stats(id) }));
    } else {
      console.error('usage: npm run outage -- publish --file notice.json [--paid-broadcast STARS --yes] | cost --file notice.json [--paid-broadcast STARS] | update ID --expected-end ISO [--tanker T] [--message M] | end ID | status ID');
      process.exitCode = 2;
    }
  } finally {
    await ds.destroy();
  }
}

runCli(main);
