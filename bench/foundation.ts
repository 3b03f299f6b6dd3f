/**
 * Foundation benchmarks: cold start to a healthy /healthz (fresh SQLite with demo data),
 * and importing 24,000 generated customers with a year of readings on SQLite and PostgreSQL.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const DIST = join(__dirname, '..');

async function coldStart(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-bench-'));
  const port = 39000 + Math.floor(Math.random() * 1000);
  const t0 = performance.now();
  const p = spawn(process.execPath, [join(DIST, 'src', 'index.js')], { env: { ...process.env, PORT: String(port), DATA_DIR: dir, DEMO_DATA: '1', LOG_LEVEL: 'silent', ADMIN_API_TOKEN: 'bench-admin-token-123456' }, stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (r.status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (performance.now() - t0 > 60_000) throw new Error('no healthy start within 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log(JSON.stringify({ bench: 'startup.cold', db: 'sqlite', demo_data: true, ms_to_healthy: Math.round(performance.now() - t0) }));
  } finally {
    p.kill('SIGTERM');
  }
}

function importRun(url: string, n: number): void {
  const out = execFileSync(process.execPath, [join(__dirname, 'importWorker.js'), url, String(n)], { encoding: 'utf8', maxBuffer: 10 * 1024 * 1024 });
  process.stdout.write(out);
}

export async function runFoundationBench(): Promise<void> {
  await coldStart();
  const n = Number(process.env.BENCH_IMPORT_CUSTOMERS ?? 24000);
  importRun(`sqlite:${join(mkdtempSync(join(tmpdir(), 'kropla-bench-')), 'import.sqlite')}`, n);
  const admin = process.env.POSTGRES_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const c = new Client({ connectionString: admin });
  try {
    await c.connect();
    await c.query('DROP DATABASE IF EXISTS kropla_bench_import');
    await c.query('CREATE DATABASE kropla_bench_import');
    await c.end();
    const u = new URL(admin);
    u.pathname = '/kropla_bench_import';
    importRun(u.toString(), n);
  } catch (e) {
    console.log(JSON.stringify({ bench: 'import', db: 'postgres', skipped: `PostgreSQL not reachable: ${(e as Error).message}` }));
  }
}
