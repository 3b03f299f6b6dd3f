/**
 * Plain SQL for the hot path of a turn (bot state, chat record, Direct Line activities,
 * transcript): written once with PostgreSQL placeholders (`$1`, `$2`, …) and double-quoted
 * identifiers, which both engines read, it skips TypeORM's query builder (a third of a turn's
 * CPU under load) and hits the driver's statement cache (better-sqlite3 keeps prepared
 * statements by SQL text; the text here never varies with the values).
 */
import type { DataSource, EntityManager } from 'typeorm';

/** One statement of a {@link Sql.batch}. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** Sees every statement a {@link Sql.batch} runs on SQLite's connection directly (the directline bench counts them). */
export const batchTrace: { on?: (sql: string) => void } = {};

interface RawStatement {
  run(...params: unknown[]): { changes: number };
}
interface RawConnection {
  inTransaction: boolean;
  prepare(sql: string): RawStatement;
  transaction<T>(fn: () => T): { immediate(): T };
}

/** Prepared statements of the batches, per better-sqlite3 connection (a reopened connection has its own). */
const prepared = new WeakMap<RawConnection, Map<string, RawStatement>>();

interface Converted {
  text: string;
  /** For each `?` in order, the index of the parameter it takes (SQLite). */
  order: number[];
}

const converted = new Map<string, Converted>();

function toSqlite(sql: string): Converted {
  let c = converted.get(sql);
  if (!c) {
    const order: number[] = [];
    const text = sql.replace(/\$(\d+)/g, (_m, n: string) => {
      order.push(Number(n) - 1);
      return '?';
    });
    c = { text, order };
    converted.set(sql, c);
  }
  return c;
}

/** Values as the drivers bind them: Dates as the strings TypeORM stores on SQLite. */
function bindSqlite(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

export class Sql {
  readonly sqlite: boolean;

  /** Write statements as one transaction (see {@link runBatch}); the rows each changed. */
  batch(statements: Statement[]): Promise<number[]> {
    return runBatch(this, this.ds, statements);
  }

  constructor(private readonly ds: DataSource) {
    this.sqlite = ds.options.type !== 'postgres';
  }

  /** Rows of a SELECT (or of `… RETURNING`). */
  async rows<T>(sql: string, params: unknown[] = [], em?: EntityManager): Promise<T[]> {
    const runner = em ?? this.ds;
    if (this.sqlite) {
      const c = toSqlite(sql);
      return (await runner.query(c.text, c.order.map((i) => bindSqlite(params[i])))) as T[];
    }
    return (await runner.query(sql, params)) as T[];
  }

  async one<T>(sql: string, params: unknown[] = [], em?: EntityManager): Promise<T | null> {
    return (await this.rows<T>(sql, params, em))[0] ?? null;
  }

  /** Runs a statement; returns the number of rows it changed. */
  async run(sql: string, params: unknown[] = [], em?: EntityManager): Promise<number> {
    const own = em?.queryRunner ? null : this.ds.createQueryRunner();
    const qr = em?.queryRunner ?? (own as NonNullable<typeof own>);
    try {
      if (this.sqlite) {
        const c = toSqlite(sql);
        const r = (await qr.query(c.text, c.order.map((i) => bindSqlite(params[i])), true)) as { affected?: number };
        return r.affected ?? 0;
      }
      const r = (await qr.query(sql, params, true)) as { affected?: number };
      return r.affected ?? 0;
    } finally {
      if (own && !this.sqlite) await own.release(); // SQLite has one shared runner
    }
  }
}

/**
 * Runs write statements as one transaction; returns the rows each changed. SQLite: synchronously on the one
 * connection (`BEGIN IMMEDIATE` … `COMMIT` with no await in between, so no other turn's statement can slip in),
 * or, when a transaction of TypeORM's is open on that connection (it awaits between its statements), one after
 * another inside it, as single statements go today. PostgreSQL: one pooled connection, one transaction.
 * An error rolls the whole batch back.
 */
export async function runBatch(sql: Sql, ds: DataSource, statements: Statement[]): Promise<number[]> {
  if (statements.length === 0) return [];
  if (statements.length === 1) return [await sql.run(statements[0].sql, statements[0].params)];
  if (sql.sqlite) {
    const conn = (ds.driver as unknown as { databaseConnection: RawConnection }).databaseConnection;
    if (conn.inTransaction) {
      const out: number[] = [];
      for (const st of statements) out.push(await sql.run(st.sql, st.params));
      return out;
    }
    let cache = prepared.get(conn);
    if (!cache) {
      cache = new Map();
      prepared.set(conn, cache);
    }
    const stmts = statements.map((st) => {
      const c = toSqlite(st.sql);
      let stmt = cache.get(c.text);
      if (!stmt) {
        stmt = conn.prepare(c.text);
        if (cache.size > 200) cache.clear();
        cache.set(c.text, stmt);
      }
      return { stmt, text: c.text, params: c.order.map((i) => bindSqlite(st.params[i])) };
    });
    const trace = batchTrace.on;
    if (trace) {
      trace('BEGIN IMMEDIATE');
      for (const s of stmts) trace(s.text);
      trace('COMMIT');
    }
    return conn.transaction(() => stmts.map((s) => s.stmt.run(...s.params).changes)).immediate();
  }
  const qr = ds.createQueryRunner();
  try {
    await qr.connect();
    await qr.startTransaction();
    const out: number[] = [];
    try {
      for (const st of statements) out.push(await sql.run(st.sql, st.params, qr.manager));
      await qr.commitTransaction();
    } catch (e) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    }
    return out;
  } finally {
    await qr.release();
  }
}

/** True for a unique-key clash on either engine. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string }; message?: string };
  const code = err.code ?? err.driverError?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed|duplicate key/i.test(err.message ?? '');
}

/**
 * True when the database refused a write for want of somewhere to put it: a full disk or database
 * (SQLite `SQLITE_FULL`, PostgreSQL `53100 disk_full`), or a file or connection that may not be written
 * (SQLite `SQLITE_READONLY*`, PostgreSQL `25006`). What the customer sent was then not kept: the chat says so.
 */
export function isStorageRefused(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string } };
  const code = err?.driverError?.code ?? err?.code ?? '';
  return /^SQLITE_(FULL|READONLY)/.test(code) || code === '53100' || code === '25006';
}

/** A timestamp column of a raw row as a Date (SQLite keeps UTC text, PostgreSQL gives Dates). */
export function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  const s = String(v);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : s.replace(' ', 'T') + 'Z');
}

/** The one {@link Sql} of a data source. */
const bySource = new WeakMap<DataSource, Sql>();
export function sqlOf(ds: DataSource): Sql {
  let s = bySource.get(ds);
  if (!s) {
    s = new Sql(ds);
    bySource.set(ds, s);
  }
  return s;
}
