/**
 * Direct Line benchmark on SQLite, real HTTP and WebSocket against a started app:
 * - `directline.turn`: latency from POSTing a message to the bot's first reply arriving on the stream (p50/p99);
 * - `directline.concurrent`: turns per second with 200 conversations talking at once;
 * - `directline.queries`: database statements per web-chat turn (all of them, from the POST to the turn's
 *   end: writes, reads, transactions), counted at TypeORM's one SQLite query runner, with the most frequent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import WebSocket from 'ws';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { directLineOf } from '../src/channels/directline';

/** Keep-alive connections for the turns (global fetch churns connections under load and measures that instead). */
const agent = new Agent({ keepAlive: true, maxSockets: 512 });

function postJson(url: string, token: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(url, { method: 'POST', agent, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

interface Frame {
  activities: Array<{ id?: string; replyToId?: string; type?: string; channelData?: { kropla?: { busy?: boolean } } }>;
}

class Client {
  private readonly waiting = new Map<string, () => void>();
  private readonly replied = new Set<string>();
  private ws!: WebSocket;
  private constructor(
    private readonly url: string,
    readonly conversationId: string,
    private readonly token: string,
  ) {}

  static async open(url: string): Promise<Client> {
    const tok = (await (await fetch(`${url}/api/webchat/token`, { method: 'POST' })).json()) as { token: string };
    const conv = (await (await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: { Authorization: `Bearer ${tok.token}` } })).json()) as { conversationId: string; token: string; streamUrl: string };
    const c = new Client(url, conv.conversationId, conv.token);
    await new Promise<void>((resolve, reject) => {
      c.ws = new WebSocket(conv.streamUrl);
      c.ws.once('open', () => resolve());
      c.ws.once('error', reject);
      c.ws.on('message', (data) => {
        const s = data.toString();
        if (!s) return;
        for (const a of (JSON.parse(s) as Frame).activities) {
          if (!a.replyToId || a.type === 'typing' || c.replied.has(a.replyToId)) continue;
          c.replied.add(a.replyToId);
          if (a.channelData?.kropla?.busy === true) Client.refused++;
          c.waiting.get(a.replyToId)?.();
        }
      });
    });
    return c;
  }

  /** Messages answered with the busy reply (saturated or shed under overload) instead of a turn. */
  static refused = 0;

  /** Sends a message; resolves with ms until the bot's first reply (or the busy reply) arrived on the stream. */
  async turn(text: string): Promise<number> {
    const t0 = performance.now();
    const r = await postJson(`${this.url}/v3/directline/conversations/${this.conversationId}/activities`, this.token, { type: 'message', text, locale: 'pl-PL', channelData: { clientActivityID: `b${Math.random()}` } });
    if (r.status !== 200) throw new Error(`post ${r.status}`);
    const { id } = JSON.parse(r.body) as { id: string };
    if (!this.replied.has(id)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply within 30 s')), 30_000);
        this.waiting.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiting.delete(id);
    }
    return performance.now() - t0;
  }

  close(): void {
    this.ws.close();
  }
}

const TEXTS = ['dzień dobry', 'ile mam do zapłaty', 'jakie są godziny otwarcia biura', 'dziękuję', 'pomoc'];

const q = (sorted: number[], p: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 100) / 100;

export async function runDirectLineBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-bench-dl-'));
  const app = await createApp(
    loadConfig({
      PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`, DEMO_DATA: '1', LOG_LEVEL: 'silent', DATA_DIR: dir,
      ADMIN_API_TOKEN: 'bench-admin-token-123456', WEBCHAT_TOKEN_RATE_PER_MIN: '100000', WEBCHAT_MESSAGE_RATE_PER_MIN: '100000',
    }),
  );
  await app.start();
  try {
    // Latency: one conversation at a time, sequential turns.
    const clients = await Promise.all(Array.from({ length: 10 }, () => Client.open(app.url)));
    for (let i = 0; i < 20; i++) await clients[i % clients.length].turn(TEXTS[i % TEXTS.length]); // warm-up
    const lat: number[] = [];
    for (let i = 0; i < 300; i++) lat.push(await clients[i % clients.length].turn(TEXTS[i % TEXTS.length]));
    lat.sort((a, b) => a - b);
    console.log(JSON.stringify({ bench: 'directline.turn', turns: lat.length, p50_ms: q(lat, 0.5), p99_ms: q(lat, 0.99), max_ms: q(lat, 1) }));
    // Statements per turn: every query through the one SQLite query runner while 100 turns run one by one.
    const runner = app.ds.createQueryRunner();
    const original = runner.query.bind(runner);
    const kinds = new Map<string, number>();
    let counting = false;
    runner.query = ((sql: string, ...rest: unknown[]) => {
      if (counting) {
        const kind = /^\s*(\w+)(?:\s+(?:INTO|FROM)?\s*"?(\w+)"?)?/i.exec(sql.replace(/SELECT[\s\S]*?\bFROM\s+/i, 'SELECT FROM '));
        const key = kind ? `${kind[1].toUpperCase()} ${kind[2] ?? ''}`.trim() : sql.slice(0, 20);
        kinds.set(key, (kinds.get(key) ?? 0) + 1);
      }
      return (original as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
    }) as typeof runner.query;
    const dl = directLineOf(app);
    counting = true;
    const QTURNS = 100;
    for (let i = 0; i < QTURNS; i++) {
      await clients[i % clients.length].turn(TEXTS[i % TEXTS.length]);
      await dl?.idle();
    }
    counting = false;
    runner.query = original;
    const total = [...kinds.values()].reduce((a, b) => a + b, 0);
    const per = (pred: (k: string) => boolean) => Math.round(([...kinds].filter(([k]) => pred(k)).reduce((a, [, n]) => a + n, 0) / QTURNS) * 10) / 10;
    console.log(JSON.stringify({
      bench: 'directline.queries', turns: QTURNS, db: 'sqlite', texts: TEXTS,
      statements_per_turn: Math.round((total / QTURNS) * 10) / 10,
      writes_per_turn: per((k) => /^(INSERT|UPDATE|DELETE)/.test(k)),
      reads_per_turn: per((k) => k.startsWith('SELECT')),
      transactions_per_turn: per((k) => /^BEGIN/.test(k)),
      top: Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => [k, Math.round((n / QTURNS) * 100) / 100])),
    }));
    for (const c of clients) c.close();

    // Throughput: 200 conversations at once, 5 turns each.
    const N = 200;
    const TURNS = 5;
    const many = await Promise.all(Array.from({ length: N }, () => Client.open(app.url)));
    // One first turn each, untimed: opens the HTTP keep-alive connections and the chat records.
    await Promise.all(many.map((c) => c.turn('dzień dobry')));
    const all: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      many.map(async (c, k) => {
        for (let i = 0; i < TURNS; i++) all.push(await c.turn(TEXTS[(k + i) % TEXTS.length]));
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    all.sort((a, b) => a - b);
    console.log(JSON.stringify({ bench: 'directline.concurrent', conversations: N, turns: all.length, turns_per_s: Math.round((all.length / secs) * 10) / 10, p50_ms: q(all, 0.5), p99_ms: q(all, 0.99), db: 'sqlite', refused_busy: Client.refused }));
    for (const c of many) c.close();
  } finally {
    agent.destroy();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runDirectLineBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
