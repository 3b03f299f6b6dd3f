/**
 * D-a / V6 (issue 15): a database that cannot grow, over real HTTP and a real SQLite file. The storage is really
 * filled: `PRAGMA max_page_count` caps the file at the pages it has, and a filler table takes every free page,
 * so each write that needs a new page fails with SQLITE_FULL, as on a full disk. While it cannot grow:
 * `/healthz` says 503; a complaint is never confirmed (no case number) when it was not stored, and the customer
 * is told in Polish that it could not be saved; no message text reaches the log. Once space is back (the cap
 * raised) the same server, without a restart, is healthy and files the complaint.
 * PostgreSQL is not tested here: filling its disk needs a small file system of its own (a tablespace on a
 * mount), which a test cannot make without root.
 */
import { CaseRecord } from '../../models';
import { t } from '../../src/i18n/i18n';
import { startTestApp, type TestApp } from '../support/browser';
import { capturedLogger } from '../support/security';
import { call, openConversation, StreamClient, type Conversation } from '../directline/helpers';

jest.setTimeout(120_000);

const captured = capturedLogger('info');
let env: TestApp;

beforeAll(async () => {
  env = await startTestApp({}, { log: captured.log, workers: false });
});
afterAll(async () => env.stop());

const pragma = async (sql: string): Promise<number> => Number(Object.values(((await env.app.ds.query(`PRAGMA ${sql}`)) as Record<string, number>[])[0] ?? {})[0] ?? 0);

/** Caps the file at its pages and fills every free one (big rows first, then ever smaller). */
async function fillTheDisk(): Promise<void> {
  await env.app.ds.query('CREATE TABLE IF NOT EXISTS test_filler (x BLOB)');
  await pragma(`max_page_count = ${await pragma('page_count')}`);
  for (let size = 64 * 1024; size >= 1; size = Math.floor(size / 2)) {
    try {
      for (;;) await env.app.ds.query('INSERT INTO test_filler (x) VALUES (randomblob(?))', [size]);
    } catch (e) {
      expect(String((e as { code?: string }).code ?? (e as Error).message)).toMatch(/SQLITE_FULL|full/);
    }
  }
  expect(await pragma('freelist_count')).toBe(0);
}

/** Frees the space again (as an operator would), without restarting anything. */
async function freeTheDisk(): Promise<void> {
  await pragma('max_page_count = 1073741823');
  await env.app.ds.query('DROP TABLE test_filler');
}

const health = async () => {
  const r = await fetch(`${env.url}/healthz`);
  return { status: r.status, body: (await r.json()) as Record<string, string> };
};

/** Sends a message and waits for the bot's answer to it on the stream (stored or, when nothing can be stored, streamed only). */
async function say(conv: Conversation, stream: StreamClient, text: string): Promise<{ status: number; replies: string[] }> {
  const before = stream.activities.length;
  const r = await call(env.url, 'POST', `/v3/directline/conversations/${conv.conversationId}/activities`, { token: conv.token, body: { type: 'message', text, locale: 'pl-PL', from: { id: conv.userId } } });
  const id = r.body.id as string | undefined;
  const mine = () => stream.activities.slice(before).filter((a) => a.from?.role === 'bot' && a.type === 'message' && (r.status !== 200 || a.replyToId === id));
  await stream.waitFor(() => mine().length > 0, 30_000);
  await new Promise((res) => setTimeout(res, 300)); // the rest of the turn's replies
  return { status: r.status, replies: mine().map((a) => a.text ?? '') };
}

const DESCRIPTION = 'Naliczono mi zużycie większe niż wskazuje wodomierz, proszę o korektę faktury. '.repeat(50).trim().slice(0, 3990);
const notSaved = t('pl', 'webchat.notSaved');

describe('D-a — the database cannot grow (SQLITE_FULL)', () => {
  test('/healthz 503, the complaint is not confirmed and the customer is told it was not saved, no text in the log; after space is freed it works without a restart', async () => {
    expect(Buffer.byteLength(DESCRIPTION)).toBeGreaterThan(4096); // the case row needs a page of its own
    expect(notSaved).toMatch(/^Nie udało się zapisać/);
    const conv = await openConversation(env.url);
    const stream = await StreamClient.open(conv.streamUrl);
    try {
      expect((await say(conv, stream, 'Chcę złożyć reklamację')).replies.join('\n')).toMatch(/Czego dotyczy reklamacja/);
      expect((await say(conv, stream, 'Faktura')).replies.join('\n')).toMatch(/Proszę opisać sprawę/);
      expect((await say(conv, stream, DESCRIPTION)).replies.join('\n')).toMatch(/dołączyć zdjęcia/);
      expect((await say(conv, stream, 'Pomiń')).replies.join('\n')).toMatch(/Jak przekazać odpowiedź/);
      expect((await say(conv, stream, 'W tym czacie')).replies.join('\n')).toMatch(/Czy wysłać reklamację/);
      const casesBefore = await env.app.ds.getRepository(CaseRecord).count();
      const logFrom = captured.lines().length;

      await fillTheDisk();
      expect(await health()).toEqual({ status: 503, body: { status: 'unavailable', db: 'not_writable' } });
      const sent = await say(conv, stream, 'Wyślij');
      // Either the message itself could not be stored (503, Retry-After) or the case could not: never a confirmation.
      if (sent.status !== 200) {
        expect(sent.status).toBe(503);
      }
      expect(sent.replies).toContain(notSaved);
      expect(sent.replies.join('\n')).not.toMatch(/Przyjęto reklamację|KW-\d{4}-\d{6}/);
      expect(await env.app.ds.getRepository(CaseRecord).count()).toBe(casesBefore);
      const refused = await call(env.url, 'POST', `/v3/directline/conversations/${conv.conversationId}/activities`, { token: conv.token, body: { type: 'message', text: DESCRIPTION, locale: 'pl-PL', from: { id: conv.userId } } });
      expect(refused.status).toBe(503); // a message that needs a new page cannot be kept at all
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(refused.body.error).toBe('not_stored');
      const log = captured.lines().slice(logFrom);
      expect(log).toMatch(/SQLITE_FULL|database or disk is full/);
      expect(log).not.toMatch(/Naliczono|wodomierz|Wyślij/);

      await freeTheDisk();
      expect(await health()).toEqual({ status: 200, body: { status: 'ok', db: 'ok' } });
      const again = await say(conv, stream, 'Wyślij');
      expect(again.status).toBe(200);
      expect(again.replies.join('\n')).toMatch(/Przyjęto reklamację\. Numer sprawy: \*\*KW-\d{4}-\d{6}\*\*/);
      const filed = await env.app.ds.getRepository(CaseRecord).find({ order: { id: 'DESC' }, take: 1 });
      expect(filed[0].text).toBe(DESCRIPTION);
    } finally {
      stream.close();
    }
  });
});
