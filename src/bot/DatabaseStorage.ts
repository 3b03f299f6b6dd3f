/**
 * botbuilder `Storage` on the project's database (TypeORM), so that dialog state survives
 * a restart and is shared by instances. eTag concurrency: a write with a stale eTag fails.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { BotStateItem } from '../../models';

export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`storage item "${key}" was changed by another turn (eTag conflict)`);
    this.name = 'ETagConflictError';
  }
}

export class DatabaseStorage implements Storage {
  constructor(private readonly ds: DataSource) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.ds.getRepository(BotStateItem).find({ where: { key: In(keys) } });
    const out: StoreItems = {};
    for (const r of rows) out[r.key] = { ...(JSON.parse(r.value) as object), eTag: r.eTag };
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...rest } = (item ?? {}) as { eTag?: string } & Record<string, unknown>;
      const value = JSON.stringify(rest);
      const newTag = randomUUID();
      await this.ds.transaction(async (em) => {
        const repo = em.getRepository(BotStateItem);
        const existing = await repo.findOne({ where: { key } });
        if (!existing) {
          if (eTag && eTag !== '*') throw new ETagConflictError(key);
          try {
            await repo.insert({ key, value, eTag: newTag });
          } catch {
            throw new ETagConflictError(key);
          }
          return;
        }
        if (eTag && eTag !== '*' && eTag !== existing.eTag) throw new ETagConflictError(key);
        const r = await repo.createQueryBuilder().update().set({ value, eTag: newTag }).where('key = :key AND eTag = :old', { key, old: existing.eTag }).execute();
        if (!r.affected) throw new ETagConflictError(key);
      });
      (item as { eTag?: string }).eTag = newTag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.ds.getRepository(BotStateItem).delete({ key: In(keys) });
  }
}
