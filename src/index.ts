/** Entry point: `npm start`. A bad environment value stops the start with one line naming it. */
import { createServer } from 'node:net';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';

/** Whether `port` can be listened on now: checked before the slow part of the start (database, NLU model). */
function portFree(port: number, host: string | undefined): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'EADDRINUSE'));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Kropla cannot start: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  if (!(await portFree(config.port, config.host))) {
    process.stderr.write(`Kropla cannot start: PORT: port ${config.port} is already in use\n`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  // Loaded only now: a bad value or a busy port is told at once, without loading every module first.
  const { createApp } = await import('./app.js');
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  try {
    app = await createApp(config, { log });
    await app.start();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') process.stderr.write(`Kropla cannot start: PORT: port ${config.port} is already in use\n`);
    else if (/ECONNREFUSED|ENOTFOUND|password authentication|does not exist|SQLITE_CANTOPEN|unable to open/i.test(String(err.message)))
      process.stderr.write(`Kropla cannot start: DATABASE_URL: cannot open the database (${err.message.split('\n')[0]})\n`);
    else process.stderr.write(`Kropla cannot start: ${err.message}\n`);
    if (app) await app.stop().catch(() => undefined);
    process.exit(1);
  }
  if (config.adminApiTokenGenerated) process.stdout.write(`Admin API token for this start (set ADMIN_API_TOKEN to keep one): ${config.adminApiToken}\n`);
  log.info({ port: app.port, db: config.database.type, telegram: Boolean(app.telegram) }, `Kropla is listening on ${config.publicUrl}`);
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    app.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
