/**
 * One transaction per turn where possible (issue 17), on a real SQLite file over real HTTP: a customer's
 * message and its inbox entry are committed together; the turn's transcript lines, its bot state and the inbox
 * entry's removal in one more transaction; nothing of the turn is lost or doubled. Plus the rules of the batch
 * itself: all or nothing, and inside a transaction of TypeORM's already open on the one connection, it joins it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { directLineOf } from '../../src/channels/directline';
import { batchTrace, sqlOf } from '../../src/db/sql';
import { inTurn, TurnWrites } from '../../src/db/turnWrites';
import type { Recognizer } from '../../src/nlu';
import { openConversation, postMessage, waitForActivities } from './helpers';

const noNlu: Recognizer = { recognize: (text) => ({ text, language: 'pl', intent: 'None', score: 1, intents: [], entities: [] }) };
let app: App;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kropla-turnwrites-'));
  app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dir}/k.sqlite`, DEMO_DATA: '0', ADMIN_API_TOKEN: 'test-admin-token-123456', LOG_LEVEL: 'silent', DATA_DIR: dir, TURN_MAX_WAIT_MS: '30000' }), { recognizer: noNlu, workers: false });
  await app.start();
});
afterAll(async () => {
  batchTrace.on = undefined;
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The statements of each batch run on the connection, by table and verb. */
function traceBatches(): { batches: string[][]; stop(): void } {
  const batches: string[][] = [];
  let open: string[] | null = null;
  batchTrace.on = (sql) => {
    if (sql.startsWith('BEGIN')) open = [];
    else if (sql === 'COMMIT') {
      if (open) batches.push(open);
      open = null;
    } else open?.push(/^(\w+)\s+(?:INTO\s+|FROM\s+)?"?(\w+)"?/i.exec(sql)?.slice(1, 3).join(' ') ?? sql);
  };
  return { batches, stop: () => (batchTrace.on = undefined) };
}

describe('one transaction per turn', () => {
  test('a web-chat turn: the message with its inbox entry in one commit; transcript, bot state and the inbox removal in another', async () => {
    const conv = await openConversation(app.url);
    await postMessage(app.url, conv, 'dzień dobry'); // the conversation's first turn creates its records
    await directLineOf(app)?.idle();
    const trace = traceBatches();
    const id = await postMessage(app.url, conv, 'coś zupełnie innego');
    await waitForActivities(app.url, conv, (acts) => acts.some((a) => a.replyToId === id && a.from?.role === 'bot'));
    await directLineOf(app)?.idle();
    trace.stop();
    expect(trace.batches).toContainEqual(expect.arrayContaining(['INSERT directline_activity', 'INSERT directline_inbox']));
    const end = trace.batches.find((b) => b.includes('DELETE directline_inbox'));
    expect(end).toBeDefined();
    expect(end?.filter((s) => s === 'INSERT transcript_entry').length).toBeGreaterThanOrEqual(2); // the customer's line and the bot's
    expect(end).toContain('UPDATE bot_state');
    const sql = sqlOf(app.ds);
    expect(await sql.rows('SELECT * FROM directline_inbox')).toEqual([]);
    const lines = await sql.rows<{ author: string; text: string }>('SELECT "author", "text" FROM transcript_entry ORDER BY "createdAt", "id"');
    const mine = lines.findIndex((l) => l.text === 'coś zupełnie innego');
    expect(lines[mine].author).toBe('customer');
    expect(lines.slice(mine + 1).some((l) => l.author === 'bot')).toBe(true);
    expect(lines.filter((l) => l.text === 'coś zupełnie innego')).toHaveLength(1);
  });

  test('writes of a turn wait for its commit; after the turn is closed they run at once', async () => {
    const chat = await app.services.chats.touch({ channel: 'test', conversationId: 'tw-1', userId: 'u1', reference: {} });
    const sql = sqlOf(app.ds);
    const count = async () => Number((await sql.one<{ n: number }>('SELECT COUNT(*) AS "n" FROM transcript_entry WHERE "chatId" = $1', [chat.id]))?.n);
    const writes = new TurnWrites(sql);
    await inTurn(writes, async () => {
      await app.services.chats.record(chat.id, 'customer', 'pierwsza');
      expect(await count()).toBe(0);
      await writes.close();
      expect(await count()).toBe(1);
      await app.services.chats.record(chat.id, 'bot', 'po turze'); // work the turn set off, later
      expect(await count()).toBe(2);
    });
  });

  test('a batch is all or nothing, and joins a transaction of TypeORM that is already open', async () => {
    const sql = sqlOf(app.ds);
    const chat = await app.services.chats.touch({ channel: 'test', conversationId: 'tw-2', userId: 'u2', reference: {} });
    const insert = (text: string) => ({ sql: 'INSERT INTO transcript_entry ("chatId", "author", "text") VALUES ($1, $2, $3)', params: [chat.id, 'bot', text] });
    // (better-sqlite3's errors may come from another test file's realm: matched by message, not by class)
    await expect(sql.batch([insert('a'), { sql: 'INSERT INTO no_such_table ("x") VALUES ($1)', params: [1] }])).rejects.toHaveProperty('message', expect.stringMatching(/no such table/));
    expect(await sql.rows('SELECT * FROM transcript_entry WHERE "chatId" = $1', [chat.id])).toEqual([]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = app.ds.transaction(async (em) => {
      await sql.run('INSERT INTO transcript_entry ("chatId", "author", "text") VALUES ($1, $2, $3)', [chat.id, 'staff', 'w transakcji'], em);
      await gate;
    });
    await new Promise((r) => setTimeout(r, 20));
    const batch = sql.batch([insert('b'), insert('c')]); // no "cannot start a transaction within a transaction"
    release();
    await Promise.all([tx, batch]);
    expect((await sql.rows<{ text: string }>('SELECT "text" FROM transcript_entry WHERE "chatId" = $1 ORDER BY "id"', [chat.id])).map((r) => r.text).sort()).toEqual(['b', 'c', 'w transakcji']);
  });
});
