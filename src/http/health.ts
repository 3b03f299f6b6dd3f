/**
 * `GET /healthz` → `{"status":"ok","db":"ok"}`; 503 `{"status":"unavailable","db":REASON}` when the database
 * does not answer (`unreachable`), cannot be written (`not_writable`: read-only file, full disk — SQLite: also
 * when the file has reached its page limit with no free page left, or its file system has less than
 * {@link MIN_FREE_BYTES} free, since a small test write may still fit where the next real one does not), or — SQLite —
 * its file is gone or is no longer the one opened (`file_missing`, `file_replaced`: the data directory was
 * deleted while running). In that last case the watch also stops all writes ({@link watchDatabaseFile}), so
 * the chat answers with its error message and never confirms what it could not keep.
 */
import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { App } from '../app';
import { LinkAttempt } from '../../models';
import { isReadOnlyError, reopenIfWritableAgain } from '../db/dataSource';

type Problem = 'unreachable' | 'not_writable' | 'file_missing' | 'file_replaced';

const opened = new WeakMap<object, { dev: number; ino: number } | null>();

function fileIdentity(path: string): { dev: number; ino: number } | null {
  try {
    const s = statSync(path);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return null;
  }
}

/** Connections that met a read-only database file (or opened one): reopened once it is writable again. */
const readOnly = new WeakSet<object>();

/** Remembers which SQLite file the app opened (call once, right after opening). */
export function rememberDatabaseFile(app: Pick<App, 'config' | 'ds'>): void {
  if (app.config.database.type === 'sqlite' && !opened.has(app.ds)) {
    opened.set(app.ds, fileIdentity(app.config.database.path));
    try {
      if (app.config.database.path !== ':memory:') accessSync(app.config.database.path, constants.W_OK);
    } catch {
      readOnly.add(app.ds);
    }
  }
}

/** A read-only connection whose file is writable again is opened afresh (no restart needed). */
async function recoverReadOnly(app: Pick<App, 'config' | 'ds' | 'log'>): Promise<void> {
  if (app.config.database.type !== 'sqlite' || !readOnly.has(app.ds)) return;
  if (await reopenIfWritableAgain(app.ds, app.config.database.path)) {
    readOnly.delete(app.ds);
    app.log.info('the database file is writable again: connection reopened');
  }
}

/** Whether the SQLite file the app opened is still there under its path. */
function fileProblem(app: Pick<App, 'config' | 'ds'>): Problem | null {
  if (app.config.database.type !== 'sqlite' || app.config.database.path === ':memory:') return null;
  const first = opened.get(app.ds);
  if (!first) return null;
  const now = fileIdentity(app.config.database.path);
  if (!now) return 'file_missing';
  return now.dev === first.dev && now.ino === first.ino ? null : 'file_replaced';
}

/** Below this much free space on the SQLite file's file system, the database counts as full. */
export const MIN_FREE_BYTES = 8 * 1024 * 1024;

/** SQLite: whether the database cannot grow (its page limit reached with no free page, or its disk all but full). */
async function cannotGrow(app: Pick<App, 'config' | 'ds'>): Promise<boolean> {
  if (app.config.database.type !== 'sqlite') return false;
  if (app.config.database.path !== ':memory:') {
    try {
      const fs = statfsSync(dirname(app.config.database.path));
      if (fs.bavail * fs.bsize < MIN_FREE_BYTES) return true;
    } catch {
      // no statfs here: the page check and the write check still say it
    }
  }
  const pragma = async (name: string) => Number(((await app.ds.query(`PRAGMA ${name}`)) as Record<string, number>[])[0]?.[name] ?? 0);
  const [pages, max, free] = [await pragma('page_count'), await pragma('max_page_count'), await pragma('freelist_count')];
  return pages >= max && free === 0;
}

/** What keeps the database from working now, or null. A write (one row in and out) is part of the check. */
export async function databaseProblem(app: Pick<App, 'config' | 'ds' | 'log'>): Promise<Problem | null> {
  const file = fileProblem(app);
  if (file) return file;
  await recoverReadOnly(app);
  try {
    await app.ds.query('SELECT 1');
  } catch {
    return 'unreachable';
  }
  try {
    // Not in a transaction of its own: this process runs its SQLite transactions one after another, so a
    // long import would hold /healthz until it ends. Two single statements answer between the import's chunks.
    const repo = app.ds.getRepository(LinkAttempt);
    await repo.insert({ subject: 'health:write-check' });
    await repo.delete({ subject: 'health:write-check' });
  } catch (e) {
    if (isReadOnlyError(e)) readOnly.add(app.ds);
    return 'not_writable';
  }
  return (await cannotGrow(app)) ? 'not_writable' : null;
}

/**
 * Every `everyMs`, checks that the SQLite file is still the one opened; when it is gone or replaced, the
 * connection is switched to read-only (`PRAGMA query_only`), so nothing more is written into a file no one
 * will see again: every write fails, the bot says it could not do it, /healthz says 503. Returns the timer.
 */
export function watchDatabaseFile(app: Pick<App, 'config' | 'ds' | 'log'>, everyMs = 5000): NodeJS.Timeout | null {
  if (app.config.database.type !== 'sqlite') return null;
  rememberDatabaseFile(app);
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    const problem = fileProblem(app);
    if (!problem) {
      recoverReadOnly(app).catch((e: unknown) => app.log.warn({ err: e }, 'reopening the database failed'));
      return;
    }
    stopped = true;
    app.log.error({ problem }, 'the database file is gone or replaced: writes stopped until a restart');
    app.ds.query('PRAGMA query_only = ON').catch(() => undefined);
  }, everyMs);
  timer.unref();
  return timer;
}

export function registerHealthRoute(server: Server, app: App): void {
  rememberDatabaseFile(app);
  server.get('/healthz', async (_req: Request, res: Response) => {
    const problem = await databaseProblem(app);
    res.setHeader('Cache-Control', 'no-store');
    if (!problem) {
      res.json({ status: 'ok', db: 'ok' });
      return;
    }
    res.status(503);
    res.json({ status: 'unavailable', db: problem });
  });
}
