/**
 * Two Kropla instances (two connection pools, two workers) share one outbox on PostgreSQL:
 * every message is delivered exactly once (claims use FOR UPDATE SKIP LOCKED).
 */
import { openDatabase } from '../../src/db/dataSource';
import { createLogger } from '../../src/logger';
import { ChatService } from '../../src/services/ChatService';
import { OutboxService } from '../../src/services/OutboxService';
import { OutboxWorker } from '../../src/outbox/OutboxWorker';
import { RecordingSender } from '../support/recordingSender';
import { freshPostgresUrl } from '../support/postgres';

test('two instances deliver 300 alerts exactly once between them', async () => {
  const url = await freshPostgresUrl();
  const a = await openDatabase({ type: 'postgres', url });
  const b = await openDatabase({ type: 'postgres', url });
  try {
    const chats = new ChatService(a);
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push((await chats.touch({ channel: 'rec', conversationId: `pg-${i}`, userId: `pg-${i}`, reference: { conversation: { id: `pg-${i}` } } })).id);
    await new OutboxService(a).enqueue(ids.map((chatId, i) => ({ idempotencyKey: `pg-alert-${i}`, channel: 'rec', chatId, activity: { text: `alert ${i}` } })));
    const senders = [new RecordingSender(2000), new RecordingSender(2000)];
    const log = createLogger('silent');
    const workers = [
      new OutboxWorker(senders[0], new OutboxService(a), new ChatService(a), log, 'instance-a', { idleMs: 20 }),
      new OutboxWorker(senders[1], new OutboxService(b), new ChatService(b), log, 'instance-b', { idleMs: 20 }),
    ];
    workers.forEach((w) => w.start());
    const outbox = new OutboxService(a);
    const t0 = Date.now();
    while ((await outbox.stats()).sent < 300 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(workers.map((w) => w.stop()));
    const all = [...senders[0].delivered, ...senders[1].delivered].map((d) => d.chat);
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    expect(senders[0].delivered.length).toBeGreaterThan(0);
    expect(senders[1].delivered.length).toBeGreaterThan(0);
  } finally {
    await a.destroy();
    await b.destroy();
  }
}, 60_000);
