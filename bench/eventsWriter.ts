/**
 * A second Kropla instance that only writes feed events, in its own process (bench `events` and
 * the feed tests start it next to a running server on the same database).
 *
 * `node dist/bench/eventsWriter.js DATABASE_URL MODE COUNT [--rate N] [--concurrency C] [--hold-ms H] [--webhooks]`
 * - MODE `cases`: files cases through CaseService (case.created); `readings`: submits meter readings
 *   through ReadingService (reading.submitted); `mixed`: cases, and every other write a transaction
 *   that records case.updated and then stays open up to H ms (PostgreSQL), so that commits overlap.
 * - `--rate N`: open loop, one write started every 1/N s; otherwise C writers back to back.
 * Prints one JSON line `{"written", "errors", "seconds"}`.
 */
import { parseDatabaseUrl } from '../src/config';
import { openDatabase } from '../src/db/dataSource';
import { CaseService } from '../src/services/CaseService';
import { EventService } from '../src/services/EventService';
import { ReadingService } from '../src/services/ReadingService';
import { isoDateInWarsaw } from '../src/domain/format';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const [url, mode, countArg] = process.argv.slice(2);
  const count = Number(countArg);
  if (!url || !['cases', 'readings', 'mixed'].includes(mode) || !Number.isInteger(count)) throw new Error('usage: eventsWriter DATABASE_URL cases|readings|mixed COUNT [--rate N] [--concurrency C] [--hold-ms H] [--webhooks]');
  const rate = flag('--rate', 0);
  const concurrency = flag('--concurrency', 4);
  const holdMs = flag('--hold-ms', 0);
  const db = parseDatabaseUrl(url);
  const ds = await openDatabase(db, { poolSize: Math.max(4, concurrency + 2) });
  const events = new EventService(ds);
  events.webhooks = process.argv.includes('--webhooks');
  const cases = new CaseService(ds, 14, undefined, events);
  const readings = new ReadingService(ds, 3, events);
  const customerIds = ((await ds.query('SELECT "id" FROM "customer" ORDER BY "id" LIMIT 500')) as { id: number }[]).map((r) => r.id);
  if (customerIds.length === 0) throw new Error('no customers in the database (start the server with DEMO_DATA=1 first)');
  const today = isoDateInWarsaw(new Date());
  const meters: { customerId: number; meterId: number; litres: number }[] = [];
  if (mode === 'readings') {
    for (const customerId of customerIds) {
      const [m] = await readings.metersOf(customerId);
      if (m) meters.push({ customerId, meterId: m.id, litres: (await readings.lastReading(m.id))?.valueLitres ?? 0 });
    }
  }

  const writeOne = async (i: number): Promise<void> => {
    const customerId = customerIds[i % customerIds.length];
    if (mode === 'readings') {
      const m = meters[i % meters.length];
      m.litres += 1;
      const r = await readings.submit(m.customerId, m.meterId, m.litres, today, true);
      if (r.status !== 'saved') throw new Error(r.status);
    } else if (mode === 'mixed' && i % 2 === 1) {
      await events.transaction(async (em) => {
        await events.record(em, { type: 'case.updated', customerId, data: { caseNumber: `KW-BENCH-${process.pid}-${i}`, status: 'in_progress' } });
        if (db.type === 'postgres' && holdMs > 0) await em.query('SELECT pg_sleep($1)', [(Math.random() * holdMs) / 1000]);
      });
    } else {
      await cases.create({ kind: 'message', category: 'question', text: `Wiadomość testowa ${i}`, customerId, channel: 'webchat', chatId: null });
    }
  };

  let written = 0;
  let errors = 0;
  let firstError: string | null = null;
  const run = (i: number) => writeOne(i).then(() => void (written += 1), (e: unknown) => {
    errors += 1;
    firstError ??= e instanceof Error ? e.message : String(e);
  });
  const t0 = performance.now();
  if (rate > 0) {
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = t0 + (i * 1000) / rate - performance.now();
      if (due > 0) await sleep(due);
      inFlight.push(run(i));
    }
    await Promise.all(inFlight);
  } else {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }));
  }
  const seconds = (performance.now() - t0) / 1000;
  await ds.destroy();
  if (firstError) console.error(`first error: ${firstError}`);
  console.log(JSON.stringify({ written, errors, seconds: Math.round(seconds * 1000) / 1000 }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
