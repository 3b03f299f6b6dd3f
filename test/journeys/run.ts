/**
 * `npm run journeys [-- SET.json … --min 0.95 --out DIR --only ID --concurrency N]`
 *
 * Runs customer journeys (test/journeys/*.json, format in /work/blind/SCHEMA.md) against the real
 * server: `node dist/src/index.js` as a child process on a temporary SQLite file with demo data,
 * one fresh web chat over Direct Line 3.0 per journey. Setup goes through the admin API (link
 * codes, outages) and the real database (cases, subscriptions, e-invoice); every check is judged
 * on the replies and the database. Prints the pass rate per set, task and tag; writes a
 * transcript of each failing journey; exits 1 when a set falls below `--min`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { CaseRecord, Customer, Reading } from '../../models';
import { openDatabase } from '../../src/db/dataSource';
import { CaseService } from '../../src/services/CaseService';
import { ChatService } from '../../src/services/ChatService';
import { OutageService } from '../../src/services/OutageService';
import { ReadingService } from '../../src/services/ReadingService';
import { BillingService } from '../../src/services/BillingService';
import { isoDateInWarsaw } from '../../src/domain/format';
import { DirectLineClient, type BotActivity } from './directline';
import { evaluate, type JourneyState, type Reply } from './checks';
import { loadJourneys, parseOffset, type Journey, type Message } from './schema';

const ROOT = resolve(__dirname, '..', '..', '..');
const TOKEN = 'journeys-admin-token-0123456789';
const MAX_MESSAGES = 30;

interface Args {
  sets: string[];
  min: number | null;
  out: string;
  only: string | null;
  concurrency: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { sets: [], min: null, out: join(ROOT, 'test', 'journeys', 'out'), only: null, concurrency: 3 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--min') a.min = Number(argv[++i]);
    else if (v === '--out') a.out = resolve(argv[++i]);
    else if (v === '--only') a.only = argv[++i];
    else if (v === '--concurrency') a.concurrency = Math.max(1, Number(argv[++i]));
    else a.sets.push(resolve(v));
  }
  if (a.sets.length === 0) {
    const dir = join(ROOT, 'test', 'journeys');
    a.sets = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
  }
  if (a.min !== null && !(a.min >= 0 && a.min <= 1)) throw new Error('--min: expected a share between 0 and 1, e.g. 0.95');
  return a;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

interface Server {
  url: string;
  child: ChildProcess;
  dataDir: string;
  dbPath: string;
}

async function startServer(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kropla-journeys-'));
  const dbPath = join(dataDir, 'kropla.sqlite');
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'index.js')], {
    cwd: ROOT,
    env: {
      ...process.env, PORT: String(port), DATABASE_URL: `sqlite:${dbPath}`, DATA_DIR: dataDir, DEMO_DATA: '1', ADMIN_API_TOKEN: TOKEN,
      LOG_LEVEL: 'error', PUBLIC_URL: `http://127.0.0.1:${port}`, WEBCHAT_TOKEN_RATE_PER_MIN: '100000', WEBCHAT_MESSAGE_RATE_PER_MIN: '100000',
      TELEGRAM_BOT_TOKEN: '', WEBHOOK_URL: '', TRUST_PROXY: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server stopped: ${stderr.slice(0, 500)}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`the server did not start in 90 s: ${stderr.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, dataDir, dbPath };
}

async function admin(url: string, method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(url + path, { method, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** `512,7`-style: m³ with a decimal comma, no trailing zeros. */
function polishM3(litres: number): string {
  return (litres / 1000).toFixed(3).replace(/\.?0+$/, '').replace('.', ',');
}

interface Outcome {
  journey: Journey;
  set: string;
  passed: boolean;
  failures: string[];
  customerTurns: number;
  transcript: string[];
  error?: string;
}

/** What the customers' state was when the server started (restored before each journey). */
interface Baseline {
  customers: Map<string, { eInvoice: boolean; email: string | null }>;
  readingId: number;
}

class Runner {
  private outageSeq = 0;
  constructor(private readonly server: Server, private readonly ds: DataSource, private readonly base: Baseline) {}

  private async resetCustomer(c: Customer, einvoice: boolean | undefined): Promise<Customer> {
    const b = this.base.customers.get(c.customerNumber);
    const repo = this.ds.getRepository(Customer);
    await repo.update({ id: c.id }, { eInvoice: einvoice ?? b?.eInvoice ?? false, email: b?.email ?? c.email });
    const meterIds = (await new ReadingService(this.ds).metersOf(c.id)).map((m) => m.id);
    if (meterIds.length) await this.ds.getRepository(Reading).createQueryBuilder().delete().where('meterId IN (:...ids) AND id > :b', { ids: meterIds, b: this.base.readingId }).execute();
    return repo.findOneByOrFail({ id: c.id });
  }

  private lastEmailCode(email: string | null): string {
    if (!email) return '';
    const dir = join(this.server.dataDir, 'outbox');
    if (!existsSync(dir)) return '';
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
    for (const f of files.reverse()) {
      const mail = readFileSync(join(dir, f), 'utf8');
      if (!mail.includes(`To: ${email}`)) continue;
      const m = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(mail.split('\r\n\r\n').slice(1).join('\n'));
      if (m) return m[1];
    }
    return '';
  }

  async run(j: Journey, set: string): Promise<Outcome> {
    const transcript: string[] = [`# ${j.id} (${j.task}, ${j.lang}) ${(j.tags ?? []).join(' ')}`, `# ${j.persona ?? ''}`];
    const outcome: Outcome = { journey: j, set, passed: false, failures: [], customerTurns: 0, transcript };
    const outageIds: number[] = [];
    try {
      const setup = j.setup ?? {};
      const today = isoDateInWarsaw(new Date());
      let customer: Customer | null = null;
      if (setup.customer) {
        const found = await this.ds.getRepository(Customer).findOneBy({ customerNumber: String(setup.customer) });
        if (!found) throw new Error(`setup.customer ${setup.customer} is not a demo customer`);
        customer = await this.resetCustomer(found, setup.einvoice);
      }
      const readings = new ReadingService(this.ds);
      const last: Record<'main' | 'sub', number> = { main: 0, sub: 0 };
      if (customer) {
        for (const m of await readings.metersOf(customer.id)) {
          const r = await readings.lastReading(m.id);
          if (r) last[m.kind === 'main' ? 'main' : 'sub'] = r.valueLitres;
        }
      }
      const caseNumbers = new Map<string, string>();
      const outageMarkers = new Map<string, string>();
      const locale = j.lang === 'en' ? 'en-US' : j.lang === 'uk' ? 'uk-UA' : 'pl-PL';
      const dl = await DirectLineClient.open(this.server.url, locale);
      const chats = new ChatService(this.ds);
      const chat = await chats.touch({ channel: 'webchat', conversationId: dl.conv.conversationId, userId: dl.conv.userId, reference: { conversation: { id: dl.conv.conversationId }, channelId: 'webchat', serviceUrl: 'urn:kropla:directline', user: { id: dl.conv.userId } }, initialLocale: j.lang });
      const maxCase = await this.ds.getRepository(CaseRecord).createQueryBuilder('c').select('MAX(c.id)', 'm').getRawOne<{ m: number | null }>();
      const maxReading = await this.ds.getRepository(Reading).createQueryBuilder('r').select('MAX(r.id)', 'm').getRawOne<{ m: number | null }>();

      const subst = (s: string): string =>
        s
          .replace(/\{(main|sub)([+-])(\d+(?:,\d+)?)\}/g, (_m, which: 'main' | 'sub', sign: string, n: string) => polishM3(last[which] + (sign === '-' ? -1 : 1) * Math.round(Number(n.replace(',', '.')) * 1000)))
          .replace(/\{code\}/g, () => codeFor.value)
          .replace(/\{emailCode\}/g, () => this.lastEmailCode(customer?.email ?? null))
          .replace(/\{lastInvoice\}/g, () => lastInvoice)
          .replace(/\{(\w+)\}/g, (m, id: string) => caseNumbers.get(id) ?? m);
      const codeFor = { value: '' };
      let lastInvoice = '';
      if (customer) {
        lastInvoice = (await new BillingService(this.ds).latestInvoices(customer.id, 1))[0]?.number ?? '';
        const needsCode = JSON.stringify([j.turns, j.answers ?? {}]).includes('{code}');
        if (needsCode || setup.linked) {
          codeFor.value = (await admin(this.server.url, 'POST', '/api/admin/link-codes', { customerNumber: customer.customerNumber })).code as string;
        }
      }
      let exchanged = 0;
      if (customer && setup.linked) {
        const replies = await dl.send(codeFor.value);
        exchanged += 1 + replies.length;
        transcript.push(`[setup] > ${codeFor.value}`, ...replies.map((r) => `[setup] ${describe(r)}`));
        codeFor.value = (await admin(this.server.url, 'POST', '/api/admin/link-codes', { customerNumber: customer.customerNumber })).code as string;
      }
      for (const c of setup.cases ?? []) {
        const kind = c.kind === 'report' ? 'outage_report' : c.kind;
        const made = await new CaseService(this.ds, 14).create({
          kind, category: kind === 'complaint' ? 'other' : kind === 'message' ? 'question' : 'leak', text: c.text, customerId: customer?.id ?? null, channel: 'webchat', chatId: chat.id, urgent: kind === 'outage_report',
        });
        caseNumbers.set(c.id, made.caseNumber);
        transcript.push(`[setup] case ${c.id} = ${made.caseNumber} (${kind}): ${c.text}`);
      }
      for (const o of setup.outages ?? []) {
        const now = Date.now();
        const marker = `Komunikat nr ${++this.outageSeq}/${new Date().getUTCFullYear()}`;
        const range = o.from || o.to ? ` ${o.from ?? ''}–${o.to ?? ''}` : '';
        const body = {
          kind: o.kind, title: o.kind === 'failure' ? `Awaria sieci wodociągowej, ul. ${o.street}${range}` : `Planowane wyłączenie wody, ul. ${o.street}${range}`,
          message: `${marker}. Przepraszamy za utrudnienia.`,
          startsAt: new Date(now + parseOffset(o.startsIn ?? '-1h')).toISOString(), expectedEndAt: new Date(now + parseOffset(o.endsIn ?? '+4h')).toISOString(),
          streets: [{ street: o.street, city: 'Katowice', ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) }],
        };
        const made = await admin(this.server.url, 'POST', '/api/admin/outages', body);
        outageIds.push(made.id as number);
        outageMarkers.set(o.id, marker);
        transcript.push(`[setup] outage ${o.id}: ${body.title}, ${body.startsAt} – ${body.expectedEndAt} (${marker})`);
      }
      const outages = new OutageService(this.ds);
      for (const sub of setup.subscribed ?? []) {
        await outages.subscribeAddress(chat.id, sub.street, sub.building ?? null);
        transcript.push(`[setup] subscribed ${sub.street} ${sub.building ?? ''}`);
      }

      // The conversation: turns in order; while the bot asks for a slot with an answer left, answer it.
      const replies: Reply[] = [];
      const used = new Map<string, number>();
      const turns = [...j.turns];
      let sent = 0;
      let next: Message | undefined = turns.shift();
      while (next !== undefined && sent < MAX_MESSAGES) {
        const msg = typeof next === 'string' ? { text: next } : next;
        const text = msg.text !== undefined ? subst(msg.text) : undefined;
        transcript.push(`> ${text ?? ''}${msg.photo ? ' [photo]' : ''}`);
        const got = await dl.send(text, Boolean(msg.photo));
        sent++;
        exchanged += 1 + got.length;
        for (const a of got) {
          replies.push({ afterTurn: sent, activity: a });
          transcript.push(describe(a));
        }
        const expects = got[got.length - 1]?.channelData?.kropla?.expects;
        next = undefined;
        if (expects && j.answers && j.answers[expects] !== undefined) {
          const all = j.answers[expects];
          const list = Array.isArray(all) ? all : [all];
          const n = used.get(expects) ?? 0;
          if (n < list.length) {
            used.set(expects, n + 1);
            next = list[n];
          }
        }
        if (next === undefined) next = turns.shift();
      }
      outcome.customerTurns = sent;
      const state: JourneyState = {
        ds: this.ds, today, customer, chat, baseline: { readingId: maxReading?.m ?? 0, caseId: maxCase?.m ?? 0 },
        replies, caseNumbers, outageMarkers, subst, messagesExchanged: exchanged,
      };
      transcript.push('', '# checks');
      for (const c of j.expect) {
        const why = await evaluate(c, state);
        transcript.push(`${why ? '✗' : '✓'} ${JSON.stringify(c)}${why ? ` — ${why}` : ''}`);
        if (why) outcome.failures.push(`${c.type}: ${why}`);
      }
      outcome.passed = outcome.failures.length === 0;
    } catch (e) {
      outcome.error = e instanceof Error ? e.message : String(e);
      outcome.failures.push(`error: ${outcome.error}`);
      transcript.push(`# error: ${outcome.error}`);
    } finally {
      for (const id of outageIds) await admin(this.server.url, 'PATCH', `/api/admin/outages/${id}`, { ended: true }).catch(() => undefined);
    }
    return outcome;
  }
}

function describe(a: BotActivity): string {
  const k = a.channelData?.kropla;
  const marks = [k?.expects ? `expects=${k.expects}` : '', k?.refusal ? `refusal=${k.refusal}` : ''].filter(Boolean).join(' ');
  const files = (a.attachments ?? []).map((x) => `${x.name ?? '?'} (${x.contentType})`).join(', ');
  const buttons = (a.suggestedActions?.actions ?? []).map((x) => x.title).join(' | ');
  return `< ${(a.text ?? '').replace(/\n/g, '\n  ')}${files ? `\n  [files: ${files}]` : ''}${buttons ? `\n  [buttons: ${buttons}]` : ''}${marks ? `\n  [${marks}]` : ''}`;
}

/** Journeys that touch outages run alone: a notice of one journey would be seen by another. */
function isGlobal(j: Journey): boolean {
  return (j.setup?.outages?.length ?? 0) > 0 || j.task.startsWith('outage') || (j.tags ?? []).includes('dead-end');
}

async function runAll(runner: Runner, journeys: Journey[], set: string, concurrency: number, done: (o: Outcome) => void): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const groups = new Map<string, Journey[]>();
  const alone: Journey[] = [];
  for (const j of journeys) {
    if (isGlobal(j)) {
      alone.push(j);
      continue;
    }
    const key = j.setup?.customer ? `c:${j.setup.customer}` : `j:${j.id}`;
    groups.set(key, [...(groups.get(key) ?? []), j]);
  }
  const queue = [...groups.values()];
  const worker = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      for (const j of g) {
        const o = await runOnce(runner, j, set);
        out.push(o);
        done(o);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  for (const j of alone) {
    const o = await runOnce(runner, j, set);
    out.push(o);
    done(o);
  }
  return out;
}

/** A journey, run again once when its setup met a locked database (a busy machine, not the bot). */
async function runOnce(runner: Runner, j: Journey, set: string): Promise<Outcome> {
  const o = await runner.run(j, set);
  return o.error && /database is locked|SQLITE_BUSY/.test(o.error) ? runner.run(j, set) : o;
}

function rate(os: Outcome[]): string {
  const p = os.filter((o) => o.passed).length;
  return `${p}/${os.length} (${os.length ? ((100 * p) / os.length).toFixed(1) : '0.0'}%)`;
}

function table(title: string, os: Outcome[], key: (o: Outcome) => string[]): string[] {
  const by = new Map<string, Outcome[]>();
  for (const o of os) for (const k of key(o)) by.set(k, [...(by.get(k) ?? []), o]);
  return [title, ...[...by.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `  ${k.padEnd(24)} ${rate(v)}  turns ${(v.reduce((s, o) => s + o.customerTurns, 0) / v.length).toFixed(1)}`)];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sets = args.sets.map((f) => ({ name: basename(f, '.json'), journeys: loadJourneys(f).filter((j) => !args.only || j.id === args.only) }));
  const started = Date.now();
  const server = await startServer();
  let ds: DataSource | null = null;
  let belowFloor = false;
  try {
    ds = await openDatabase({ type: "sqlite", path: server.dbPath });
    const customers = new Map<string, { eInvoice: boolean; email: string | null }>();
    for (const c of await ds.getRepository(Customer).find()) customers.set(c.customerNumber, { eInvoice: c.eInvoice, email: c.email });
    const maxReading = await ds.getRepository(Reading).createQueryBuilder('r').select('MAX(r.id)', 'm').getRawOne<{ m: number | null }>();
    const runner = new Runner(server, ds, { customers, readingId: maxReading?.m ?? 0 });
    for (const set of sets) {
      // Held-out sets (eval-*) report ids and tasks only: nobody tunes on their transcripts.
      const heldOut = set.name.startsWith('eval');
      const dir = join(args.out, set.name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const t0 = Date.now();
      const outcomes = await runAll(runner, set.journeys, set.name, args.concurrency, (o) => {
        if (!o.passed) writeFileSync(join(dir, `${o.journey.id}.txt`), o.transcript.join('\n') + '\n');
      });
      outcomes.sort((a, b) => a.journey.id.localeCompare(b.journey.id));
      const lines = [
        `journeys ${set.name}: ${rate(outcomes)} passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
        ...table(' by task', outcomes, (o) => [o.journey.task]),
        ...table(' by tag', outcomes, (o) => o.journey.tags ?? []),
        ...table(' by language', outcomes, (o) => [o.journey.lang]),
        ` failed (${outcomes.filter((o) => !o.passed).length}; transcripts in ${dir}):`,
        ...outcomes.filter((o) => !o.passed).map((o) => `  ${o.journey.id} [${o.journey.task}]${heldOut ? '' : ` ${o.failures.join('; ')}`}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
      process.stdout.write(JSON.stringify({ journeys: set.name, passed: outcomes.filter((o) => o.passed).length, total: outcomes.length }) + '\n');
      const share = outcomes.length ? outcomes.filter((o) => o.passed).length / outcomes.length : 1;
      if (args.min !== null && share < args.min) belowFloor = true;
    }
  } finally {
    if (ds?.isInitialized) await ds.destroy();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    rmSync(server.dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  if (belowFloor) {
    process.stderr.write(`below the floor ${args.min}\n`);
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`journeys: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(2);
});
