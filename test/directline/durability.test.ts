/**
 * Web chat under load and across crashes, over real HTTP against real servers on SQLite:
 * - the bounded turn queue: past it every message still gets an answer at once — the polite
 *   "very many people are writing" reply — with Retry-After, and the server stays responsive;
 * - the durable inbox: a message answered 200 is processed even when the process is killed
 *   (kill -9) before its turn ran, once (idempotent by activity id);
 * - without DIRECTLINE_SECRET a restart keeps open web chats working (the secret is in the database).
 * Nothing here depends on the machine's speed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directLineOf } from '../../src/channels/directline';
import { TurnQueue } from '../../src/channels/turnQueue';
import { clientAddress } from '../../src/channels/directline/http';
import { loadConfig } from '../../src/config';
import { sqlOf } from '../../src/db/sql';
import { startTestApp, type TestApp } from '../support/browser';
import { call, getActivities, openConversation, postMessage, StreamClient, waitForActivities, type Conversation } from './helpers';

jest.setTimeout(120_000);

const repliesTo = (acts: Array<{ replyToId?: string; from?: { role?: string } }>, id: string) => acts.filter((a) => a.from?.role === 'bot' && a.replyToId === id);

describe('TurnQueue', () => {
  it('runs at most `concurrency` turns at once, in arrival order, and admits only a bounded wait', async () => {
    const q = new TurnQueue({ concurrency: 2, maxQueued: 3, maxWaitMs: 60_000 });
    const started: number[] = [];
    const gates: Array<() => void> = [];
    const runs: Array<Promise<void>> = [];
    for (let i = 0; i < 3; i++) {
      expect(q.admit()).toBe(true);
      runs.push(q.run(() => new Promise<void>((r) => (started.push(i), gates.push(r)))));
    }
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]); // the third waits for a slot
    expect(q.admit()).toBe(true);
    expect(q.admit()).toBe(true);
    expect(q.admit()).toBe(false); // three waiting already
    expect(q.refused).toBe(1);
    q.release();
    q.release();
    gates[0]();
    await runs[0];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    gates[1]();
    gates[2]();
    await Promise.all(runs);
    expect(q.pending).toBe(0);
  });

  it('refuses new turns while the oldest waiting one has waited longer than maxWaitMs', async () => {
    const q = new TurnQueue({ concurrency: 1, maxQueued: 100, maxWaitMs: 50 });
    let open!: () => void;
    expect(q.admit()).toBe(true);
    const first = q.run(() => new Promise<void>((r) => (open = r)));
    expect(q.admit()).toBe(true);
    const second = q.run(async () => undefined);
    const now = performance.now();
    expect(q.admit(now + 10)).toBe(true);
    q.release();
    expect(q.admit(now + 1000)).toBe(false);
    expect(q.admit(now + 1000, true)).toBe(true); // a recovered turn is always taken
    q.release();
    open();
    await Promise.all([first, second]);
  });
});

describe('TurnQueue and a late event loop', () => {
  it('refuses while the loop is late tick after tick and customers keep writing, even with idle slots (requests wait before the queue), and admits once on time', () => {
    const q = new TurnQueue({ concurrency: 4, maxQueued: 100, maxWaitMs: 600 });
    const t0 = Math.ceil(performance.now() / 1000) * 1000 + 10; // just after a whole second: the demand counts one second
    q.tick(t0, 250); // one late tick: a slow moment, no overload
    expect(q.admit(t0)).toBe(true);
    q.release();
    q.tick(t0 + 350, 250);
    q.tick(t0 + 700, 250); // three in a row over 0.9 s
    // Late, but hardly anyone writes (a slow machine, not a busy chat): still admitted.
    expect(q.overloadedAt(t0 + 700)).toBe(false);
    expect(q.admit(t0 + 700)).toBe(true);
    q.release();
    expect(q.admit(t0 + 710)).toBe(true); // the third in this second
    q.release();
    // The fourth within the second while the loop stays late: requests are waiting unread.
    expect(q.admit(t0 + 720)).toBe(false);
    expect(q.overloadedAt(t0 + 720)).toBe(true);
    q.tick(t0 + 800, 2); // on time again
    expect(q.overloadedAt(t0 + 800)).toBe(false);
    expect(q.admit(t0 + 800)).toBe(true);
    q.release();
  });

  it('with a longer allowed wait (TURN_MAX_WAIT_MS) a tick counts as late only proportionally later', () => {
    const q = new TurnQueue({ concurrency: 8, maxQueued: 100, maxWaitMs: 6000 });
    const t0 = performance.now();
    const busy = (at: number) => {
      for (let i = 0; i < 8; i++) if (q.admit(at)) q.release(); // customers keep writing
    };
    for (let i = 0; i < 6; i++) q.tick(t0 + i * 350, 250); // late for 0.6 s, not for 6 s
    busy(t0 + 5 * 350);
    expect(q.overloadedAt(t0 + 5 * 350)).toBe(false);
    for (let i = 0; i < 6; i++) q.tick(t0 + 2000 + i * 1200, 1100);
    busy(t0 + 2000 + 5 * 1200);
    expect(q.overloadedAt(t0 + 2000 + 5 * 1200)).toBe(true);
  });

  it('sheds a growing share of messages while the loop stays saturated and late, and fewer once it has room again', () => {
    const q = new TurnQueue({ concurrency: 8, maxQueued: 100, maxWaitMs: 600 });
    const t0 = performance.now();
    const write = (at: number) => {
      for (let i = 0; i < 8; i++) if (q.admit(at)) q.release(); // customers keep writing
    };
    const shedOf = (n: number, at: number) => Array.from({ length: n }, () => q.shed(at)).filter(Boolean).length;
    write(t0);
    q.control(t0, 1, 20, 100); // busy, but on time: nothing to shed
    expect(q.shedding).toBe(0);
    q.control(t0, 0.5, 300, 100); // late, but mostly idle (one slow job): nothing
    expect(q.shedding).toBe(0);
    for (let i = 1; i <= 5; i++) {
      write(t0 + i * 100);
      q.control(t0 + i * 100, 0.99, 80, 100); // saturated and late for half a second
    }
    expect(q.shedding).toBeCloseTo(0.5, 5);
    expect(shedOf(100, t0 + 500)).toBe(50); // every other one, spread evenly
    write(t0 + 1500);
    q.control(t0 + 1500, 0.99, 80, 1000); // a long loop turn counts for its length
    expect(q.shedding).toBe(0.95); // never all: some customers are still answered
    expect(shedOf(100, t0 + 1500)).toBeGreaterThanOrEqual(94);
    for (let i = 1; i <= 10; i++) q.control(t0 + 1500 + i * 100, 0.6, 5, 100); // room again: falls at half the pace
    expect(q.shedding).toBeCloseTo(0.45, 5);
    q.control(t0 + 4000, 0.6, 5, 2000);
    expect(q.shedding).toBe(0);
    expect(shedOf(100, t0 + 4000)).toBe(0);
    // Nobody writing: a saturated loop (a long job) sheds nothing.
    const quiet = new TurnQueue({ concurrency: 8, maxQueued: 100, maxWaitMs: 600 });
    quiet.control(t0, 1, 500, 1000);
    expect(quiet.shedding).toBe(0);
  });

  it('refuses while the event loop runs late (CPU shortage) and admits again when it catches up', async () => {
    const q = new TurnQueue({ concurrency: 1, maxQueued: 100, maxWaitMs: 200 });
    q.watchEventLoop();
    let open!: () => void;
    try {
      const block = () => {
        const until = performance.now() + 600;
        while (performance.now() < until); // the process gets no CPU for its timers: 600 ms late
      };
      block();
      await new Promise((r) => setTimeout(r, 20));
      expect(q.admit()).toBe(true); // late, but nothing else runs: one slow turn is no overload
      const held = q.run(() => new Promise<void>((r) => (open = r)));
      block();
      await new Promise((r) => setTimeout(r, 20));
      expect(q.admit()).toBe(false); // late with every slot taken
      open();
      await held;
      // On time again (a busy machine may need a few timer rounds): admitted again.
      let admitted = false;
      for (let i = 0; i < 100 && !admitted; i++) {
        await new Promise((r) => setTimeout(r, 150));
        admitted = q.admit();
      }
      expect(admitted).toBe(true);
    } finally {
      q.stop();
    }
  });
});

describe('a saturated web chat', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TURN_CONCURRENCY: '1', TURN_QUEUE_MAX: '2', WEBCHAT_MESSAGE_RATE_PER_MIN: '1000' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers every message: a turn when there is room, else at once the polite busy reply with Retry-After', async () => {
    const convs: Conversation[] = [];
    for (let i = 0; i < 8; i++) convs.push(await openConversation(t.url));
    // A long turn holds the one slot: two messages may wait for it, the rest are refused.
    const queue = directLineOf(t.app)!.queue;
    let release!: () => void;
    expect(queue.admit()).toBe(true);
    const hold = queue.run(() => new Promise<void>((r) => (release = r)));
    const posts = await Promise.all(
      convs.map((c) => call(t.url, 'POST', `/v3/directline/conversations/${c.conversationId}/activities`, { token: c.token, body: { type: 'message', text: 'jakie są godziny otwarcia biura', locale: 'pl-PL' } })),
    );
    // The health check answers while the chat is saturated.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    for (const p of posts) expect(p.status).toBe(200);
    const refused = posts.filter((p) => p.headers.get('retry-after'));
    expect(refused).toHaveLength(6);
    release();
    await hold;
    await directLineOf(t.app)!.idle();
    let busyReplies = 0;
    for (const [i, c] of convs.entries()) {
      const id = posts[i].body.id as string;
      const replies = repliesTo((await getActivities(t.url, c)).activities, id) as Array<{ text?: string; channelData?: { kropla?: { busy?: boolean } } }>;
      expect(replies.length).toBeGreaterThan(0);
      const busy = replies.filter((r) => r.channelData?.kropla?.busy === true);
      if (posts[i].headers.get('retry-after')) {
        expect(Number(posts[i].headers.get('retry-after'))).toBeGreaterThan(0);
        expect(busy).toHaveLength(1);
        expect(replies).toHaveLength(1); // no turn ran for it
        expect(busy[0].text).toMatch(/^Bardzo dużo osób pisze teraz do Kropli.*proszę spróbować za chwilę/i);
        busyReplies++;
      } else {
        expect(busy).toHaveLength(0);
      }
    }
    expect(busyReplies).toBe(refused.length);
    // Once the queue has drained, the same conversation is answered normally again.
    const again = await postMessage(t.url, convs[0], 'dziękuję');
    const acts = await waitForActivities(t.url, convs[0], (a) => repliesTo(a, again).length > 0);
    expect(repliesTo(acts, again)[0]).not.toHaveProperty('channelData.kropla.busy');
  });

  it('past an overload (the loop late tick after tick while customers keep writing) answers at once without a turn: the echo and the polite reply on the stream, Retry-After, nothing stored', async () => {
    const conv = await openConversation(t.url);
    const stream = await StreamClient.open(conv.streamUrl);
    const dl = directLineOf(t.app)!;
    const queue = dl.queue;
    const before = (await getActivities(t.url, conv)).activities.length;
    queue.stop(); // the real watch would see an on-time loop and end the overload at its next tick
    try {
      const now = performance.now();
      for (let i = 0; i < 8; i++) if (queue.admit(now)) queue.release(); // customers keep writing
      // and the loop has been late tick after tick (the test app allows a 30-s wait: thresholds 50 × the default)
      for (let i = 0; i < 4; i++) queue.tick(now - 30_000 + i * 10_000, 6000);
      expect(queue.overloaded).toBe(true);
      const shedBefore = queue.shedCount;
      const r = await call(t.url, 'POST', `/v3/directline/conversations/${conv.conversationId}/activities`, { token: conv.token, body: { type: 'message', text: 'ile mam do zapłaty', locale: 'pl-PL', from: { id: conv.userId }, channelData: { clientActivityID: 'c-busy-1' } } });
      expect(r.status).toBe(200);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      const id = String(r.body.id);
      // Web Chat's echo (matched by clientActivityID, with the id the POST gave) and the busy reply, at once.
      const seen = await stream.waitFor((a) => a.some((x) => x.replyToId === id));
      const echo = seen.find((x) => x.id === id);
      expect(echo).toMatchObject({ text: 'ile mam do zapłaty', from: { id: conv.userId }, channelData: { clientActivityID: 'c-busy-1' } });
      const reply = seen.find((x) => x.replyToId === id);
      expect(reply?.text).toMatch(/^Bardzo dużo osób pisze teraz do Kropli.*proszę spróbować za chwilę/i);
      expect(reply?.channelData).toMatchObject({ kropla: { busy: true } });
      expect(queue.shedCount).toBe(shedBefore + 1);
      expect((await getActivities(t.url, conv)).activities.length).toBe(before); // not stored, no turn
      // The loop on time again: the same message is taken and answered.
      queue.tick(performance.now(), 2);
      const again = await postMessage(t.url, conv, 'dziękuję');
      const acts = await waitForActivities(t.url, conv, (a) => repliesTo(a, again).length > 0);
      expect(repliesTo(acts, again)[0]).not.toHaveProperty('channelData.kropla.busy');
    } finally {
      queue.watchEventLoop();
      stream.close();
    }
  });

  it('runs what a crash left in the inbox once, and not again when its reply is already stored', async () => {
    const dl = directLineOf(t.app)!;
    const sql = sqlOf(t.app.ds);
    const conv = await openConversation(t.url);
    const longAgo = new Date(Date.now() - 3600_000);
    const addLeftover = async (text: string) => {
      const saved = await dl.store.append(conv.conversationId, (id) => ({ type: 'message', id, text, locale: 'pl-PL', channelId: 'webchat', from: { id: conv.userId, role: 'user' }, recipient: { id: 'kropla', role: 'bot' }, conversation: { id: conv.conversationId }, serviceUrl: 'https://directline.invalid' } as never));
      await sql.run('INSERT INTO directline_inbox ("activityId", "conversationId", "seq", "activity", "claimedBy", "claimedAt") VALUES ($1, $2, $3, $4, $5, $6)', [saved.activity.id, conv.conversationId, saved.seq, JSON.stringify(saved.activity), 'dead-instance', longAgo]);
      return saved.activity.id as string;
    };
    const id = await addLeftover('dzień dobry');
    expect(await dl.recoverInbox()).toBe(1);
    await dl.idle();
    const acts = (await getActivities(t.url, conv)).activities;
    expect(repliesTo(acts, id).length).toBeGreaterThan(0);
    expect(await sql.rows('SELECT 1 FROM directline_inbox WHERE "activityId" = $1', [id])).toHaveLength(0);

    // The same activity left behind again (the crash came after the reply): not run twice.
    const before = repliesTo(acts, id).length;
    const seq = Number(id.split('|').pop());
    await sql.run('INSERT INTO directline_inbox ("activityId", "conversationId", "seq", "activity", "claimedBy", "claimedAt") VALUES ($1, $2, $3, $4, $5, $6)', [id, conv.conversationId, seq, JSON.stringify({ type: 'message', id, text: 'dzień dobry' }), 'dead-instance', longAgo]);
    expect(await dl.recoverInbox()).toBe(0);
    expect(repliesTo((await getActivities(t.url, conv)).activities, id)).toHaveLength(before);
    expect(await sql.rows('SELECT 1 FROM directline_inbox')).toHaveLength(0);
  });
});

describe('kill -9 and restart (no DIRECTLINE_SECRET)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const freePort = () =>
    new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });

  async function start(): Promise<{ url: string; child: ChildProcess }> {
    const port = await freePort();
    const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'k.sqlite')}`, DATA_DIR: dir, DEMO_DATA: '0', LOG_LEVEL: 'silent', ADMIN_API_TOKEN: 'crash-admin-token-123456' };
    delete env.DIRECTLINE_SECRET;
    const child = spawn(process.execPath, [join(__dirname, '../../dist/src/index.js')], { env, stdio: 'ignore' });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) return { url, child };
      } catch {
        // not yet listening
      }
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('answers every message that got 200 after a restart, once, and the old token still opens the chat', async () => {
    const first = await start();
    const conv = await openConversation(first.url);
    const texts = ['dzień dobry', 'jakie są godziny otwarcia biura', 'jak mogę zapłacić za wodę'];
    const ids = await Promise.all(texts.map((text) => postMessage(first.url, conv, text)));
    first.child.kill('SIGKILL'); // right after the three 200s
    await new Promise((r) => first.child.once('exit', r));

    const second = await start();
    // The token issued before the restart is still valid (the generated secret was kept).
    const acts = await waitForActivities(second.url, conv, (a) => ids.every((id) => repliesTo(a, id).length > 0), 60_000);
    for (const id of ids) {
      const texts = repliesTo(acts, id).map((a) => (a as { text?: string }).text);
      expect(new Set(texts).size).toBe(texts.length); // no answer twice
    }
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });
});

describe('TRUST_PROXY', () => {
  const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;
  it('uses the socket peer by default, and the address the trusted proxies saw otherwise', () => {
    expect(clientAddress(req('10.0.0.5', '1.2.3.4'))).toBe('10.0.0.5'); // default: a client cannot pick its address
    expect(clientAddress(req('10.0.0.5', '6.6.6.6, 1.2.3.4'), 1)).toBe('1.2.3.4'); // the forged left entry is ignored
    expect(clientAddress(req('10.0.0.5', '6.6.6.6, 1.2.3.4, 10.0.0.9'), 2)).toBe('1.2.3.4');
    expect(clientAddress(req('10.0.0.5'), 1)).toBe('10.0.0.5');
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
  });
});
