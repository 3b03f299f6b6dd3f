/**
 * `npm run bench -- load`: an open-loop load generator over real HTTP Direct Line against real
 * Kropla servers started as child processes (`dist/src/index.js`, the `npm start` entry point).
 * The generator runs in this process, the server(s) in their own.
 *
 * Open loop: message k is due at `start + k / rate` whatever the server does; its latency is
 * measured from that scheduled time (not from when the request actually left) to the bot's first
 * reply to it on the conversation's WebSocket stream, so a slow server cannot slow the load down
 * and hide its own queue (coordinated omission). 200 conversations, a mixed workload.
 *
 * Every figure is one JSON line. Options come from the environment:
 * - `LOAD_RATES` (default `50,100,150`): offered rates, messages per second, one figure each;
 * - `LOAD_SECONDS` (default 20): duration of each rate;
 * - `LOAD_SATURATION` (default `1`): then search the saturation point (highest rate whose achieved
 *   rate is ≥ 95 % of offered with p99 ≤ 1 s and nothing lost), and run at 2× that;
 * - `LOAD_DB` `sqlite` (default) or `postgres` (a fresh database on `POSTGRES_TEST_URL`);
 * - `LOAD_INSTANCES` (default 1): servers on the same database; conversations are spread over
 *   them and each message goes to the next instance in turn (no sticky sessions, contracts §11);
 * - `LOAD_SOAK_SECONDS` (default 0): a soak at `LOAD_SOAK_RATE` (100/s) reporting RSS growth (start to end,
 *   and peak of the last quarter against the peak of the first: the V8 heap's GC saw-tooth cancels out);
 * - `LOAD_NODE_ARGS`: extra node flags for the servers (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`);
 * - `LOAD_ENV`: extra `K=V,K=V` environment for the servers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { Client as PgClient } from 'pg';

const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The mix: what people ask a water utility's chat, weighted. */
const MIX: Array<[string, number]> = [
  ['dzień dobry', 3],
  ['ile mam do zapłaty', 3],
  ['w jakich godzinach jest czynne biuro obsługi', 2],
  ['czy jest awaria wody na ulicy Mariackiej', 2],
  ['jak mogę zapłacić za wodę', 2],
  ['jak podać odczyt wodomierza', 2],
  ['dziękuję', 1],
  ['anuluj', 1],
];
const TEXTS: string[] = MIX.flatMap(([t, w]) => Array<string>(w).fill(t));

interface Pending {
  due: number;
  resolve: (r: Outcome) => void;
}
/** `ms`: from the due time to the reply on the stream; `postMs`: to the POST's answer (the server's own wait shows here). */
type Outcome = { kind: 'answered' | 'refused' | 'lost'; ms: number; postMs?: number };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

type Reply = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

/**
 * POST over the keep-alive agent. A reused socket the server closed at that very moment (its
 * keep-alive timeout) fails with ECONNRESET before the request was read: sent once more then,
 * as HTTP clients do.
 */
async function post(url: string, token: string | null, body: unknown): Promise<Reply> {
  try {
    return await postOnce(url, token, body);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') throw e;
    return postOnce(url, token, body);
  }
}

function postOnce(url: string, token: string | null, body: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) };
    if (token) headers.Authorization = `Bearer ${token}`;
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** One server process. */
class Instance {
  private constructor(
    readonly url: string,
    readonly child: ChildProcess,
  ) {}

  static async start(env: Record<string, string>): Promise<Instance> {
    const port = await freePort();
    const extraArgs = (process.env.LOAD_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const entry = process.env.LOAD_SERVER ?? join(__dirname, '..', 'src', 'index.js');
    const child = spawn(process.execPath, [...extraArgs, entry], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const url = `http://127.0.0.1:${port}`;
    // A start may retrain the NLU model when the corpus changed (about a minute on a busy machine).
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL'); // not left running behind the failed bench
        throw new Error('server did not start within 180 s');
      }
      await sleep(200);
    }
    return new Instance(url, child);
  }

  /** CPU time the server process used so far, ms (Linux /proc: user + system). */
  cpuMs(): number {
    try {
      const f = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ = 100
    } catch {
      return NaN;
    }
  }

  /**
   * CPU time of the server's main thread (the event loop: JavaScript, SQLite, syscalls) so far, ms; the
   * rest of {@link cpuMs} is V8's compiler and GC helper threads and libuv's pool.
   */
  mainCpuMs(): number {
    try {
      const f = readFileSync(`/proc/${this.child.pid}/task/${this.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    } catch {
      return NaN;
    }
  }

  /** Resident set size of the server process, MB (Linux /proc). */
  rssMb(): number {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
    } catch {
      return NaN;
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }
}

/** One web-chat conversation: a token, a stream, and the messages waiting for their reply. */
class Conversation {
  private readonly waiting = new Map<string, Pending>();
  /** Replies that arrived before the POST answered with the id. */
  private readonly early = new Map<string, boolean>();
  private ws!: WebSocket;
  private next = 0;
  private constructor(
    readonly conversationId: string,
    private readonly token: string,
    private readonly instances: Instance[],
  ) {}

  static async open(instances: Instance[], home: number): Promise<Conversation> {
    const base = instances[home].url;
    const tok = JSON.parse((await post(`${base}/api/webchat/token`, null, undefined)).body) as { token: string };
    const conv = JSON.parse((await post(`${base}/v3/directline/conversations`, tok.token, undefined)).body) as { conversationId: string; token: string; streamUrl: string };
    const c = new Conversation(conv.conversationId, conv.token, instances);
    c.next = home;
    await new Promise<void>((resolve, reject) => {
      c.ws = new WebSocket(conv.streamUrl);
      c.ws.once('open', () => resolve());
      c.ws.once('error', reject);
      c.ws.on('message', (data) => c.onFrame(data.toString()));
    });
    return c;
  }

  private onFrame(s: string): void {
    if (!s) return;
    const frame = JSON.parse(s) as { activities: Array<{ replyToId?: string; type?: string; from?: { role?: string }; channelData?: { kropla?: { busy?: boolean } } }> };
    for (const a of frame.activities) {
      if (a.type !== 'message' || !a.replyToId || a.from?.role !== 'bot') continue;
      const busy = a.channelData?.kropla?.busy === true;
      const p = this.waiting.get(a.replyToId);
      if (p) {
        this.waiting.delete(a.replyToId);
        p.resolve({ kind: busy ? 'refused' : 'answered', ms: performance.now() - p.due });
      } else if (!this.early.has(a.replyToId)) this.early.set(a.replyToId, busy);
    }
  }

  /** Sends `text`, due at `due` (performance.now() time); resolves with what happened. */
  send(text: string, due: number, timeoutMs: number): Promise<Outcome> {
    const inst = this.instances[this.next++ % this.instances.length];
    return new Promise<Outcome>((resolve) => {
      let done = false;
      const finish = (o: Outcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(o);
      };
      let postMs: number | undefined;
      const timer = setTimeout(() => {
        if (process.env.LOAD_DEBUG) process.stderr.write(`no reply: ${this.conversationId} ${text} (POST ${postMs === undefined ? 'unanswered' : `answered after ${Math.round(postMs)} ms`})\n`);
        finish({ kind: 'lost', ms: performance.now() - due, postMs });
      }, timeoutMs);
      post(`${inst.url}/v3/directline/conversations/${this.conversationId}/activities`, this.token, { type: 'message', text, locale: 'pl-PL', from: { id: 'x', role: 'user' }, channelData: { clientActivityID: randomBytes(6).toString('hex') } }).then(
        (r) => {
          postMs = performance.now() - due;
          if (r.status === 503 || r.status === 429) return finish({ kind: 'refused', ms: performance.now() - due, postMs });
          if (r.status !== 200) {
            if (process.env.LOAD_DEBUG) process.stderr.write(`post ${r.status}: ${r.body.slice(0, 200)}\n`);
            return finish({ kind: 'lost', ms: performance.now() - due });
          }
          const { id } = JSON.parse(r.body) as { id: string };
          const early = this.early.get(id);
          if (early !== undefined) {
            this.early.delete(id);
            return finish({ kind: early ? 'refused' : 'answered', ms: performance.now() - due, postMs });
          }
          this.waiting.set(id, { due, resolve: (o) => finish({ ...o, postMs }) });
        },
        (e: unknown) => {
          if (process.env.LOAD_DEBUG) process.stderr.write(`post failed: ${(e as Error).message}\n`);
          finish({ kind: 'lost', ms: performance.now() - due });
        },
      );
    });
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * A message with no reply (answer or busy reply) this long after its due time counts as lost
 * (`LOAD_LOST_AFTER_MS`, default 90 s); answers later than 30 s are counted apart (`over_30s`), so
 * that a slow answer is not mistaken for a lost message.
 */
const LOST_AFTER_MS = Number(process.env.LOAD_LOST_AFTER_MS ?? 90_000);

const q = (sorted: number[], p: number): number => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 10) / 10 : NaN);

interface RunResult {
  offered_per_s: number;
  seconds: number;
  sent: number;
  answered: number;
  refused: number;
  lost: number;
  /** Answered or refused, but more than 30 s after the due time. */
  over_30s: number;
  achieved_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  refused_p99_ms: number;
  /** p99 from the due time to the POST's answer, answered messages: the server's wait before its queue. */
  post_p99_ms: number;
  /** Server CPU (all instances) per message offered: what a turn costs, whatever else runs on the machine. */
  server_cpu_ms_per_msg: number;
  /** The part of it on the servers' main threads (the event loop); the rest is JIT compiler and GC threads. */
  server_main_cpu_ms_per_msg: number;
  /** How late the generator itself sent its latest message (its own starvation, if any). */
  generator_max_lag_ms: number;
}

/** Offers `rate` messages/s for `seconds`, round-robin over the conversations. */
async function run(convs: Conversation[], rate: number, seconds: number, offset: number, instances: Instance[] = []): Promise<RunResult> {
  const total = Math.round(rate * seconds);
  const cpu0 = instances.reduce((a, i) => a + i.cpuMs(), 0);
  const main0 = instances.reduce((a, i) => a + i.mainCpuMs(), 0);
  let lag = 0;
  const outcomes: Array<Promise<Outcome>> = [];
  const start = performance.now() + 20;
  let k = 0;
  while (k < total) {
    const now = performance.now();
    while (k < total && start + (k * 1000) / rate <= now) {
      const due = start + (k * 1000) / rate;
      lag = Math.max(lag, now - due);
      const conv = convs[(k + offset) % convs.length];
      outcomes.push(conv.send(TEXTS[(k * 7 + Math.floor(k / convs.length) * 3 + offset) % TEXTS.length], due, LOST_AFTER_MS));
      k++;
    }
    await new Promise<void>((r) => setImmediate(r));
  }
  const all = await Promise.all(outcomes);
  const lastAnswer = performance.now();
  const cpu = instances.reduce((a, i) => a + i.cpuMs(), 0) - cpu0;
  const mainCpu = instances.reduce((a, i) => a + i.mainCpuMs(), 0) - main0;
  const answered = all.filter((o) => o.kind === 'answered').map((o) => o.ms).sort((a, b) => a - b);
  const refused = all.filter((o) => o.kind === 'refused').map((o) => o.ms).sort((a, b) => a - b);
  const lost = all.filter((o) => o.kind === 'lost').length;
  const posted = all.filter((o) => o.kind === 'answered' && o.postMs !== undefined).map((o) => o.postMs as number).sort((a, b) => a - b);
  const wall = Math.max(seconds, (lastAnswer - start) / 1000);
  return {
    offered_per_s: rate,
    seconds,
    sent: total,
    answered: answered.length,
    refused: refused.length,
    lost,
    over_30s: all.filter((o) => o.kind !== 'lost' && o.ms > 30_000).length,
    achieved_per_s: Math.round((answered.length / wall) * 10) / 10,
    p50_ms: q(answered, 0.5),
    p99_ms: q(answered, 0.99),
    max_ms: q(answered, 1),
    refused_p99_ms: q(refused, 0.99),
    post_p99_ms: q(posted, 0.99),
    server_cpu_ms_per_msg: Math.round((cpu / total) * 100) / 100,
    server_main_cpu_ms_per_msg: Math.round((mainCpu / total) * 100) / 100,
    generator_max_lag_ms: Math.round(lag),
  };
}

const ok = (r: RunResult) => r.lost === 0 && r.refused === 0 && r.p99_ms <= 1000 && r.achieved_per_s >= 0.95 * r.offered_per_s;

export async function runLoadBench(): Promise<void> {
  const dbKind = process.env.LOAD_DB === 'postgres' ? 'postgres' : 'sqlite';
  const nInstances = Math.max(1, Number(process.env.LOAD_INSTANCES ?? 1));
  const seconds = Number(process.env.LOAD_SECONDS ?? 20);
  const rates = (process.env.LOAD_RATES ?? '50,100,150').split(',').map(Number).filter((n) => n > 0);
  const dir = mkdtempSync(join(tmpdir(), 'kropla-bench-load-'));
  let pgName: string | null = null;
  let databaseUrl = `sqlite:${join(dir, 'load.sqlite')}`;
  const adminUrl = process.env.POSTGRES_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (dbKind === 'postgres') {
    pgName = `kropla_load_${randomBytes(4).toString('hex')}`;
    const admin = new PgClient({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pgName}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${pgName}`;
    databaseUrl = u.toString();
  }
  const extra = Object.fromEntries((process.env.LOAD_ENV ?? '').split(',').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const env = {
    DATABASE_URL: databaseUrl, DEMO_DATA: '1', LOG_LEVEL: 'warn', DATA_DIR: dir,
    ADMIN_API_TOKEN: 'bench-admin-token-123456', DIRECTLINE_SECRET: 'bench-directline-secret-0123456789abcdef',
    WEBCHAT_TOKEN_RATE_PER_MIN: '100000', WEBCHAT_MESSAGE_RATE_PER_MIN: '100000',
    ...extra,
  };
  const instances: Instance[] = [];
  const common = { db: dbKind, instances: nInstances, conversations: 200 };
  try {
    // One instance first (it migrates and loads the demo data), then the others.
    instances.push(await Instance.start(env));
    for (let i = 1; i < nInstances; i++) instances.push(await Instance.start({ ...env, DEMO_DATA: '0' }));
    const convs: Conversation[] = [];
    for (let i = 0; i < 200; i += 20) convs.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => Conversation.open(instances, (i + j) % nInstances)))));
    // Warm-up, untimed: every conversation says hello once (chat records, keep-alive sockets, JIT).
    await run(convs, 50, 200 / 50, 0);
    const rss0 = instances.map((i) => i.rssMb());
    let offset = 1;
    const report = (label: string, r: RunResult, more: object = {}) =>
      console.log(JSON.stringify({ bench: label, ...common, ...r, ...more, rss_mb: instances.map((i) => i.rssMb()), loadavg_1m: Math.round(loadavg()[0] * 100) / 100 }));
    for (const rate of rates) {
      report('load.rate', await run(convs, rate, seconds, offset++, instances));
      await sleep(1500);
    }
    if ((process.env.LOAD_SATURATION ?? '1') === '1') {
      let good = 0;
      let rate = Math.max(50, ...rates.filter((r) => r <= 150));
      let last: RunResult | null = null;
      for (let step = 0; step < 12; step++) {
        const r = await run(convs, rate, Math.min(seconds, 10), offset++, instances);
        report('load.saturation.step', r, { passed: ok(r) }); // what held or failed at each rate
        await sleep(1500);
        if (!ok(r)) break;
        good = rate;
        last = r;
        rate = Math.round(rate * 1.25);
      }
      console.log(JSON.stringify({ bench: 'load.saturation', ...common, per_s: good, p99_ms: last?.p99_ms ?? null, seconds_per_step: Math.min(seconds, 10), loadavg_1m: Math.round(loadavg()[0] * 100) / 100 }));
      if (good > 0) report('load.overload', await run(convs, good * 2, Math.min(seconds, 10), offset++, instances), { saturation_per_s: good });
    }
    const soak = Number(process.env.LOAD_SOAK_SECONDS ?? 0);
    if (soak > 0) {
      // RSS every second: the V8 heap grows with garbage until a major GC and RSS follows it (a saw-tooth of
      // 100–200 MB), so start vs end says more about where the saw-tooth stood than about a leak. The peaks of
      // the first and the last quarter (at least a minute each, a GC cycle or more) compare like with like.
      const before = instances.map((i) => i.rssMb());
      const samples: Array<{ at: number; rss: number[] }> = [];
      const t0 = performance.now();
      const sampler = setInterval(() => samples.push({ at: (performance.now() - t0) / 1000, rss: instances.map((i) => i.rssMb()) }), 1000);
      const r = await run(convs, Number(process.env.LOAD_SOAK_RATE ?? 100), soak, offset++, instances);
      clearInterval(sampler);
      const after = instances.map((i) => i.rssMb());
      const span = Math.max(60, soak / 4);
      const peak = (from: number, to: number) => instances.map((_, k) => Math.max(...samples.filter((x) => x.at >= from && x.at < to).map((x) => x.rss[k])));
      const first = peak(0, span);
      const lastPeak = peak(soak - span, soak);
      const round = (x: number) => Math.round(x * 10) / 10;
      report('load.soak', r, {
        rss_start_mb: before, rss_end_mb: after, rss_growth_mb: after.map((a, i) => round(a - before[i])), rss_after_warmup_mb: rss0,
        rss_peak_first_mb: first, rss_peak_last_mb: lastPeak, rss_peak_growth_mb: lastPeak.map((p, i) => round(p - first[i])), rss_peak_window_s: span,
        rss_max_mb: instances.map((_, k) => Math.max(...samples.map((x) => x.rss[k]))),
      });
    }
    for (const c of convs) c.close();
  } finally {
    agent.destroy();
    await Promise.all(instances.map((i) => i.stop()));
    rmSync(dir, { recursive: true, force: true });
    if (pgName) {
      const admin = new PgClient({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
      await admin.end();
    }
  }
}

if (require.main === module) {
  runLoadBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
