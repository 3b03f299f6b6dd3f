/**
 * Staff login under a flood (issue 15, V1): the latency of a real staff login, alone and while 100 bogus
 * logins run in parallel without pause, over real HTTP against a Kropla on SQLite in this process.
 * The bogus logins come from 100 different loopback addresses (127.0.1.1–127.0.1.100: a distributed guess,
 * the hard case — one address alone is throttled after a few), with wrong passwords for a real staff
 * e-mail and for unknown ones; the real login comes from a fresh address of its own each time, with the
 * device cookie its browser kept from signing in before (the attacked account is locked for everyone else).
 * A second staff member, not attacked, signs in from fresh addresses without any cookie (`other_*`).
 * Prints `{"bench":"login", …}`: p50/max of the real login alone and under the flood, how many real logins
 * succeeded, and what the bogus ones got (401 wrong, 429 throttled or busy).
 * `BENCH_LOGIN_SAMPLES` (real logins per phase, default 10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import type { Recognizer } from '../src/nlu';
import { StaffAuth } from '../src/staff/StaffAuth';
import { postJson } from '../test/support/security';

const EMAIL = 'bench.login@wodociagi.katowice.pl';
const PASSWORD = 'Sekretne-Haslo-Bench-2026';
const OTHER = 'bench.other@wodociagi.katowice.pl';
const noNlu: Recognizer = { recognize: (text) => ({ text, language: 'pl', intent: 'None', score: 1, intents: [], entities: [] }) };

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

export async function runLoginBench(): Promise<void> {
  const samples = Number(process.env.BENCH_LOGIN_SAMPLES ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'kropla-bench-login-'));
  const app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dir}/k.sqlite`, DATA_DIR: dir, DEMO_DATA: '0', ADMIN_API_TOKEN: 'bench-admin-token-123456', LOG_LEVEL: 'silent' }), { recognizer: noNlu, workers: false });
  await app.start();
  try {
    await new StaffAuth(app.ds).upsert({ email: EMAIL, name: 'Bench', role: 'agent', password: PASSWORD });
    await new StaffAuth(app.ds).upsert({ email: OTHER, name: 'Bench Other', role: 'agent', password: PASSWORD });
    // Each real login from a fresh address of its own, so the address limits of the flood never apply to it.
    let realAddr = 0;
    let device = '';
    const login = async (email: string, cookie: string): Promise<{ ms: number; ok: boolean }> => {
      realAddr += 1;
      const t0 = performance.now();
      const r = await postJson(app.url, '/api/staff/login', { email, password: PASSWORD }, { localAddress: `127.0.${2 + Math.floor(realAddr / 250)}.${realAddr % 250 + 1}`, headers: cookie ? { cookie } : {} });
      const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('kropla_staff_device='));
      if (email === EMAIL && set) device = set.split(';')[0];
      return { ms: performance.now() - t0, ok: r.status === 200 };
    };
    const real = () => login(EMAIL, device);
    await real(); // warm-up (the dummy hash, statement cache), and the browser keeps its device cookie
    const alone: number[] = [];
    for (let i = 0; i < samples; i++) alone.push((await real()).ms);

    let flooding = true;
    const bogus: Record<string, number> = {};
    const flood = Array.from({ length: 100 }, async (_v, i) => {
      let n = 0;
      while (flooding) {
        const email = n++ % 2 ? EMAIL : `nikt${i}.${n}@example.com`;
        const r = await postJson(app.url, '/api/staff/login', { email, password: `zle-haslo-${i}-${n}` }, { localAddress: `127.0.1.${i + 1}` }).catch(() => ({ status: 0 }));
        bogus[r.status] = (bogus[r.status] ?? 0) + 1;
      }
    });
    await new Promise((r) => setTimeout(r, 500)); // the flood is in full swing
    const under: number[] = [];
    const other: number[] = [];
    let okUnder = 0;
    let okOther = 0;
    for (let i = 0; i < samples; i++) {
      const r = await real();
      under.push(r.ms);
      if (r.ok) okUnder += 1;
      const o = await login(OTHER, '');
      other.push(o.ms);
      if (o.ok) okOther += 1;
    }
    flooding = false;
    await Promise.all(flood);
    alone.sort((a, b) => a - b);
    under.sort((a, b) => a - b);
    other.sort((a, b) => a - b);
    console.log(JSON.stringify({
      bench: 'login', db: 'sqlite', parallel_bogus: 100, samples,
      alone_p50_ms: Math.round(pct(alone, 50)), alone_max_ms: Math.round(alone[alone.length - 1]),
      under_flood_p50_ms: Math.round(pct(under, 50)), under_flood_max_ms: Math.round(under[under.length - 1]),
      real_ok_under_flood: `${okUnder}/${samples}`,
      other_p50_ms: Math.round(pct(other, 50)), other_max_ms: Math.round(other[other.length - 1]), other_ok_under_flood: `${okOther}/${samples}`,
      bogus_answers: bogus,
    }));
  } finally {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
