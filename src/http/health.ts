/** `GET /healthz` → `{"status":"ok","db":"ok"}`, 503 when the database does not answer. */
import type { Request, Response, Server } from 'restify';
import type { App } from '../app';

export function registerHealthRoute(server: Server, app: App): void {
  server.get('/healthz', async (_req: Request, res: Response) => {
    try {
      await app.ds.query('SELECT 1');
      res.json({ status: 'ok', db: 'ok' });
    } catch {
      res.status(503);
      res.json({ status: 'unavailable', db: 'unreachable' });
    }
  });
}
