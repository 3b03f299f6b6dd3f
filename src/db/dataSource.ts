/**
 * The TypeORM DataSource for SQLite (better-sqlite3) or PostgreSQL, chosen by `DATABASE_URL`.
 * Schema changes come only from the checked-in migrations of that driver (no `synchronize`).
 */
import 'reflect-metadata';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
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
    return serialiseTransactions(beginImmediate(new DataSource({
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
        conn.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
        conn.pragma('foreign_keys = ON');
      },
    })));
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

/** A single write statement outside a transaction waits this long for another process's write lock. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;
/** A transaction waits this long in all for the write lock (asynchronously, see {@link beginImmediate}). */
export const SQLITE_BEGIN_WAIT_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function isBusy(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string } };
  return /^SQLITE_BUSY/.test(err.driverError?.code ?? err.code ?? '');
}

/**
 * SQLite with several processes on one file (two instances, the events writer, the CLI): every
 * transaction starts with `BEGIN IMMEDIATE`, so it takes the write lock first. TypeORM's plain
 * `BEGIN` is deferred: a transaction that reads and then writes needs to upgrade its read snapshot
 * to a write lock, and when another process committed in between SQLite answers SQLITE_BUSY at
 * once ("database is locked"), without waiting — the busy timeout cannot help there. With IMMEDIATE
 * the only place a transaction can meet another writer is its BEGIN, where nothing has happened yet,
 * so it is retried: busy_timeout is 0 for that one statement (better-sqlite3 is synchronous: SQLite's
 * own wait would block the event loop) and the wait is an asynchronous back-off of 1–50 ms with
 * jitter, for at most {@link SQLITE_BEGIN_WAIT_MS}. Event order and the feed cursor then hold across
 * processes: inserts into `feed_event` happen under the one write lock, so `seq` order is commit
 * order (see EventService).
 */
function beginImmediate(ds: DataSource): DataSource {
  type Runner = { query(sql: string, params?: unknown[], structured?: boolean): Promise<unknown>; isTransactionActive: boolean };
  const driver = ds.driver as unknown as { createQueryRunner(mode?: string): Runner; databaseConnection: { pragma(s: string): unknown } };
  const create = driver.createQueryRunner.bind(driver);
  const patched = new WeakSet<Runner>();
  driver.createQueryRunner = (mode?: string) => {
    const qr = create(mode);
    if (patched.has(qr)) return qr;
    patched.add(qr);
    const query = qr.query.bind(qr);
    qr.query = async (sql: string, params?: unknown[], structured?: boolean) => {
      if (sql !== 'BEGIN TRANSACTION') return query(sql, params, structured);
      const deadline = Date.now() + SQLITE_BEGIN_WAIT_MS;
      for (let attempt = 0; ; attempt++) {
        const conn = driver.databaseConnection;
        conn.pragma('busy_timeout = 0');
        try {
          return await query('BEGIN IMMEDIATE', params, structured);
        } catch (e) {
          if (!isBusy(e) || Date.now() >= deadline) {
            qr.isTransactionActive = false; // TypeORM set it before BEGIN; no transaction was opened
            throw e;
          }
        } finally {
          conn.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
        }
        await sleep(Math.min(50, 2 ** attempt) * (0.5 + Math.random()));
      }
    };
    return qr;
  };
  return ds;
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

/** Whether this process may write the SQLite file (and its -wal/-shm) at `path` now. */
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A read-only SQLite file (permissions, a read-only mount) is opened read-only by SQLite and stays so for the
 * connection's life, also once the file is writable again; its -wal and -shm files were created with the
 * file's read-only mode too. When the file is writable again: gives the -wal/-shm this process made the file's
 * mode, and opens the connection afresh (statements prepared on the old one are dropped). Returns whether it
 * reopened. Not while a transaction is open.
 */
export async function reopenIfWritableAgain(ds: DataSource, path: string): Promise<boolean> {
  if (path === ':memory:' || !writable(path)) return false;
  const driver = ds.driver as unknown as { databaseConnection: { close(): void }; createDatabaseConnection(): Promise<{ close(): void }>; queryRunner?: { isTransactionActive: boolean; stmtCache?: Map<string, unknown> } };
  if (driver.queryRunner?.isTransactionActive) return false;
  const mode = statSync(path).mode & 0o777;
  for (const side of [`${path}-wal`, `${path}-shm`]) {
    if (existsSync(side) && !writable(side)) {
      try {
        chmodSync(side, mode);
      } catch {
        return false; // not ours to mend: the operator has to
      }
    }
  }
  const fresh = await driver.createDatabaseConnection();
  const old = driver.databaseConnection;
  driver.databaseConnection = fresh;
  driver.queryRunner?.stmtCache?.clear();
  try {
    old.close();
  } catch {
    // already unusable
  }
  return true;
}

/** True for SQLite's "attempt to write a readonly database". */
export function isReadOnlyError(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string } };
  return /^SQLITE_READONLY/.test(err.driverError?.code ?? err.code ?? '');
}
