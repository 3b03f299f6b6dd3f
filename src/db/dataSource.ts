/**
 * The TypeORM DataSource for SQLite (better-sqlite3) or PostgreSQL, chosen by `DATABASE_URL`.
 * Schema changes come only from the checked-in migrations of that driver (no `synchronize`).
 */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config';
import { ENTITIES } from '../../models';

// Timestamps are stored in UTC whatever the process time zone is.
pg.defaults.parseInputDatesAsUTC = true;
pg.types.setTypeParser(1114, (s: string) => new Date(s.replace(' ', 'T') + 'Z'));

/** Folder with the compiled migrations of one driver. */
function migrationsGlob(kind: 'sqlite' | 'postgres'): string {
  return join(__dirname, '..', '..', 'models', 'migrations', kind, '*.{js,ts}').replace(/\\/g, '/');
}

export function createDataSource(db: DatabaseConfig, opts: { poolSize?: number } = {}): DataSource {
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
    return serialiseTransactions(new DataSource({
      type: 'better-sqlite3',
      database: db.path,
      entities: ENTITIES,
      migrations: [migrationsGlob('sqlite')],
      migrationsRun: false,
      synchronize: false,
      // Hot-path statements are reused by SQL text; the default 100 is too few for the whole app.
      statementCacheSize: 1000,
      prepareDatabase: (conn: { pragma(s: string): unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma(`synchronous = ${db.synchronous ?? 'NORMAL'}`);
        conn.pragma('busy_timeout = 5000');
        conn.pragma('foreign_keys = ON');
      },
    }));
  }
  return new DataSource({
    type: 'postgres',
    url: db.url,
    entities: ENTITIES,
    migrations: [migrationsGlob('postgres')],
    synchronize: false,
    extra: { max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000, options: '-c TimeZone=UTC' },
  });
}

/**
 * SQLite: TypeORM runs every query runner over the one better-sqlite3 connection, so two
 * transactions at once in this process fail ("cannot start a transaction within a transaction").
 * They are queued here, one after another (other processes wait on SQLite's own lock).
 */
function serialiseTransactions(ds: DataSource): DataSource {
  const manager = ds.manager;
  const run = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  manager.transaction = ((...args: unknown[]) => {
    const next = tail.then(() => run(...args));
    tail = next.catch(() => undefined);
    return next;
  }) as typeof manager.transaction;
  return ds;
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(db: DatabaseConfig, opts: { poolSize?: number } = {}): Promise<DataSource> {
  const ds = createDataSource(db, opts);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
