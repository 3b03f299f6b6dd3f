/**
 * Several instances on one PostgreSQL behave as one (contracts §11): two real Kropla apps on one
 * database, each with its own HTTP server and pool.
 * - a message posted at instance B is answered on a stream opened at instance A, and a token issued
 *   by A opens the chat at B without DIRECTLINE_SECRET (the generated secret is shared);
 * - desk events published at one instance reach the other;
 * - exactly one instance leads a job (the Telegram poller), and another takes over when it dies;
 * - the web chat's rate limits (tokens per address, messages per conversation) hold in total, not per instance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { Cluster } from '../../src/cluster';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { freshPostgresUrl } from '../support/postgres';
import { call, openConversation, postMessage, StreamClient } from '../directline/helpers';

jest.setTimeout(120_000);

let url: string;
const apps: App[] = [];
const dirs: string[] = [];

async function instance(name: string, demo: boolean, env: Record<string, string> = {}): Promise<App> {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-cluster-'));
  dirs.push(dir);
  const app = await createApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, DEMO_DATA: demo ? '1' : '0', LOG_LEVEL: 'silent', DATA_DIR: dir, ADMIN_API_TOKEN: 'cluster-admin-token-123456', INSTANCE_ID: name, ...env }),
  );
  await app.start();
  apps.push(app);
  return app;
}

beforeAll(async () => {
  url = await freshPostgresUrl();
});
afterAll(async () => {
  for (const a of apps) await a.stop().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('a reply to a message posted at one instance reaches a stream opened at another; one generated secret for both', async () => {
  const a = await instance('inst-a', true);
  const b = await instance('inst-b', false);
  const conv = await openConversation(a.url);
  const stream = await StreamClient.open(conv.streamUrl);
  try {
    const id = await postMessage(b.url, conv, 'jakie są godziny otwarcia biura'); // the token from A works at B
    const acts = await stream.waitFor((all) => all.some((x) => x.replyToId === id && x.from?.role === 'bot'), 20_000);
    expect(acts.find((x) => x.replyToId === id)?.text).toMatch(/Biuro Obsługi Klienta/);
    const atB = await call(b.url, 'GET', `/v3/directline/conversations/${conv.conversationId}/activities`, { token: conv.token });
    expect(atB.status).toBe(200);
  } finally {
    stream.close();
  }
});

test('desk events published at one instance reach the other', async () => {
  const log = createLogger('silent');
  const one = new Cluster({ type: 'postgres', url }, 'one', log);
  const two = new Cluster({ type: 'postgres', url }, 'two', log);
  await one.start();
  await two.start();
  try {
    const got: string[] = [];
    const own: string[] = [];
    two.on('desk', (e) => got.push(e.caseNumber));
    one.on('desk', (e) => own.push(e.caseNumber));
    one.publish('desk', { type: 'case.created', caseNumber: 'KW/2026/000123' });
    one.publish('desk', { type: 'case.updated', caseNumber: 'KW/2026/000124' });
    const until = Date.now() + 10_000;
    while (got.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['KW/2026/000123', 'KW/2026/000124']);
    expect(own).toEqual([]); // an instance does not hear itself (it delivered locally already)
  } finally {
    await one.stop();
    await two.stop();
  }
});

test('exactly one instance leads a job; another takes over when the leader goes', async () => {
  const log = createLogger('silent');
  const clusters = ['x', 'y', 'z'].map((n) => new Cluster({ type: 'postgres', url }, n, log));
  const leading = new Set<string>();
  const starts: string[] = [];
  try {
    clusters.forEach((c, i) =>
      c.lead(
        'test-job',
        () => {
          leading.add(String(i));
          starts.push(String(i));
        },
        () => void leading.delete(String(i)),
        200,
      ),
    );
    const wait = async (pred: () => boolean) => {
      const until = Date.now() + 20_000;
      while (!pred() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    };
    await wait(() => starts.length >= 1);
    await new Promise((r) => setTimeout(r, 1000)); // several retry rounds of the others
    expect(starts).toHaveLength(1);
    const first = Number(starts[0]);
    await clusters[first].stop(); // the leader goes (its lock connection closes)
    await wait(() => starts.length >= 2);
    expect(starts).toHaveLength(2);
    expect(Number(starts[1])).not.toBe(first);
  } finally {
    for (const c of clusters) await c.stop();
  }
});

test('rate limits are shared: tokens per address and messages per conversation count at both instances together', async () => {
  url = await freshPostgresUrl(); // counters of its own (the other tests asked for tokens from this address too)
  const limits = { WEBCHAT_TOKEN_RATE_PER_MIN: '6', WEBCHAT_MESSAGE_RATE_PER_MIN: '4' };
  const a = await instance('rate-a', true, limits);
  const b = await instance('rate-b', false, limits);
  const conv = await openConversation(a.url); // the first of the address's six tokens
  const posted: number[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await call((i % 2 ? b : a).url, 'POST', `/v3/directline/conversations/${conv.conversationId}/activities`, { token: conv.token, body: { type: 'message', text: 'dzień dobry', locale: 'pl-PL' } });
    posted.push(r.status);
  }
  // Four in total; each instance alone would have taken three of the six.
  expect(posted).toEqual([200, 200, 200, 200, 429, 429]);

  const tokens: number[] = [];
  for (let i = 0; i < 7; i++) tokens.push((await call((i % 2 ? b : a).url, 'POST', '/api/webchat/token')).status);
  expect(tokens).toEqual([200, 200, 200, 200, 200, 429, 429]); // five more make six
  const refused = await call(b.url, 'POST', '/api/webchat/token');
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
});
