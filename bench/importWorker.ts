/**
 * Child process of the import benchmark: generates N customers with a year of monthly readings
 * and invoices, imports them through ImportService (as the admin API does), prints one JSON line.
 * Run in its own process so that peak memory (maxRSS) is the import's own.
 */
import { openDatabase } from '../src/db/dataSource';
import { parseDatabaseUrl } from '../src/config';
import { buildDemoFile } from '../src/demo/demoData';
import { ImportService } from '../src/services/ImportService';

async function main(): Promise<void> {
  const url = process.argv[2];
  const n = Number(process.argv[3] ?? 24000);
  const ds = await openDatabase(parseDatabaseUrl(url));
  const file = buildDemoFile({ customers: n, months: 12, today: '2026-11-25' });
  const readings = file.customers.reduce((s, c) => s + c.servicePoints.reduce((a, sp) => a + sp.meters.reduce((b, m) => b + m.readings.length, 0), 0), 0);
  const t0 = performance.now();
  const service = new ImportService(ds);
  // The operator's tool sends the file in parts of 1,000 customers (each part one transaction).
  for (let i = 0; i < file.customers.length; i += 1000) await service.importFile({ customers: file.customers.slice(i, i + 1000) });
  const seconds = (performance.now() - t0) / 1000;
  await ds.destroy();
  const db = url.startsWith('postgres') ? 'postgres' : 'sqlite';
  console.log(JSON.stringify({ bench: 'import', db, customers: n, readings, seconds: Math.round(seconds * 10) / 10, customers_per_sec: Math.round(n / seconds), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
