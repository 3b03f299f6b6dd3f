/**
 * botbuilder `Storage` on the project's database (TypeORM), so that dialog state survives
 * a restart and is shared by instances. eTag concurrency: a write with a stale eTag fails.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { BotStateItem } from '../../models';
import { isUniqueViolation, sqlOf, type Sql, type Statement } from '../db/sql';
import { turnWrites } from '../db/turnWrites';

export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`storage item "${key}" was changed by another turn (eTag conflict)`);
    this.name = 'ETagConflictError';
  }
}

/**
 * Reads and writes are plain prepared statements (the hot path of every turn): a write with an
 * eTag is one conditional UPDATE; without one, an UPDATE and, for a new key, an INSERT. In a turn the
 * UPDATEs are committed together with the turn's waiting writes (src/db/turnWrites.ts).
 */
export class DatabaseStorage implements Storage {
  private readonly sql: Sql;

  constructor(private readonly ds: DataSource) {
    this.sql = sqlOf(ds);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows =
      keys.length === 1
        ? await this.sql.rows<{ key: string; value: string; eTag: string }>('SELECT "key", "value", "eTag" FROM bot_state WHERE "key" = $1', keys)
        : await this.ds.getRepository(BotStateItem).find({ where: { key: In(keys) } });
    const out: StoreItems = {};
    for (const r of rows) out[r.key] = { ...(JSON.parse(r.value) as object), eTag: r.eTag };
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    const items = Object.entries(changes).map(([key, item]) => {
      const { eTag, ...rest } = (item ?? {}) as { eTag?: string } & Record<string, unknown>;
      const value = JSON.stringify(rest);
      const newTag = randomUUID();
      const now = new Date();
      const conditional = Boolean(eTag && eTag !== '*');
      const update: Statement = conditional
        ? { sql: 'UPDATE bot_state SET "value" = $1, "eTag" = $2, "updatedAt" = $3 WHERE "key" = $4 AND "eTag" = $5', params: [value, newTag, now, key, eTag] }
        : { sql: 'UPDATE bot_state SET "value" = $1, "eTag" = $2, "updatedAt" = $3 WHERE "key" = $4', params: [value, newTag, now, key] };
      return { key, item, value, newTag, now, conditional, update };
    });
    if (!items.length) return;
    // In a turn, the state is saved in one transaction with the turn's waiting writes (transcript, inbox).
    const writes = turnWrites(this.sql);
    const changed = writes ? await writes.flush(items.map((i) => i.update)) : await this.sql.batch(items.map((i) => i.update));
    let conflict: ETagConflictError | null = null;
    for (const [n, i] of items.entries()) {
      if (!changed[n]) {
        if (i.conditional) {
          conflict ??= new ETagConflictError(i.key);
          continue;
        }
        try {
          await this.sql.run('INSERT INTO bot_state ("key", "value", "eTag", "updatedAt") VALUES ($1, $2, $3, $4)', [i.key, i.value, i.newTag, i.now]);
        } catch (e) {
          if (isUniqueViolation(e)) {
            conflict ??= new ETagConflictError(i.key);
            continue;
          }
          throw e;
        }
      }
      (i.item as { eTag?: string }).eTag = i.newTag;
    }
    if (conflict) throw conflict;
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.ds.getRepository(BotStateItem).delete({ key: In(keys) });
  }
}
