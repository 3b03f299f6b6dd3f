/**
 * Admin API (contracts §4) for the iBOK portal's backend and the utility's operators.
 * Bearer token on every call; 400 names the failing field and writes nothing.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Next, Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { App } from '../app';
import { CASE_STATUSES } from '../../models/CaseRecord';
import { ValidationError, isoDate, parseOrThrow } from '../services/validation';
import { isoDateInWarsaw } from '../domain/format';
import { jsonBody, sendError } from './server';

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

type Handler = (req: Request, res: Response) => Promise<void>;

function tokenOk(app: App, req: Request): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(req.header('authorization') ?? '');
  return m !== null && sameSecret(m[1].trim(), app.config.adminApiToken);
}

/**
 * The bearer check as the first handler of a route, before any body is read: a request without the
 * token gets 401 at once and its body is dropped as it arrives (never buffered nor parsed).
 */
export function adminToken(app: App) {
  return (req: Request, res: Response, next: Next) => {
    if (tokenOk(app, req)) return next();
    sendError(res, 401, 'unauthorized', 'missing or wrong bearer token');
    req.resume(); // the rest of the body is read and dropped, never kept
    return next(false);
  };
}

/** Wraps an admin handler: token check, then validation errors → 400 naming the field. */
export function adminRoute(app: App, handler: Handler) {
  return async (req: Request, res: Response) => {
    if (!tokenOk(app, req)) {
      sendError(res, 401, 'unauthorized', 'missing or wrong bearer token');
      return;
    }
    try {
      await handler(req, res);
    } catch (e) {
      if (e instanceof ValidationError) sendError(res, 400, 'invalid', e.detail, e.field);
      else {
        app.log.error({ err: e, route: req.getRoute()?.path }, 'admin call failed');
        sendError(res, 500, 'internal', 'internal error');
      }
    }
  };
}

const remindersRunSchema = z.object({ today: z.string({ error: 'expected a date YYYY-MM-DD' }).pipe(isoDate).optional() });
const linkCodeSchema = z.object({ customerNumber: z.string().regex(/^\d{4,20}$/, 'expected the customer number (digits)') });

export function registerAdminRoutes(server: Server, app: App): void {
  const token = adminToken(app);
  const big = [token, ...jsonBody(app.config.adminImportMaxBytes)];
  const small = [token, ...jsonBody(1024 * 1024)];

  server.post('/api/admin/import', big, adminRoute(app, async (req, res) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object') throw new ValidationError('(body)', 'expected a JSON object {"customers": [...]}');
    let logged = 0;
    const result = await app.services.imports.importBody(req.body, ({ done, total }) => {
      // progress in the log every 2,000 customers (and at the end)
      if (done - logged >= 2000 || done === total) {
        logged = done;
        app.log.info({ done, total }, 'import progress');
      }
    });
    app.log.info({ customers: result.customers, invoices: result.invoices, readings: result.readings }, 'import done');
    res.json(result);
  }));

  server.post('/api/admin/link-codes', small, adminRoute(app, async (req, res) => {
    const { customerNumber } = parseOrThrow(linkCodeSchema, req.body ?? {});
    const customer = await app.services.customers.byNumber(customerNumber);
    if (!customer) {
      sendError(res, 404, 'not_found', 'no customer with this number', 'customerNumber');
      return;
    }
    const { code, expiresAt } = await app.services.links.issueCode(customer.id, 'ibok');
    const bot = app.telegramUsername();
    res.status(201);
    res.json({ code, expiresAt: expiresAt.toISOString(), telegramDeepLink: bot ? `https://t.me/${bot}?start=${code.replace('-', '')}` : null });
  }));

  // Reminders (contracts §9): the daily run now; `today` (tests, demos) only with ALLOW_CLOCK_OVERRIDE=1.
  server.post('/api/admin/reminders/run', small, adminRoute(app, async (req, res) => {
    const body = parseOrThrow(remindersRunSchema, req.body ?? {});
    if (body.today !== undefined && !app.config.reminders.allowClockOverride) throw new ValidationError('today', 'a run for another day needs ALLOW_CLOCK_OVERRIDE=1 on the server');
    const now = new Date();
    const today = body.today ?? isoDateInWarsaw(now);
    const queued = await app.services.reminders.run(today, body.today !== undefined ? app.services.reminders.runInstant(today) : now);
    if (queued) app.pokeWorkers();
    app.log.info({ day: today, queued }, 'reminders run');
    res.json({ queued });
  }));

  server.post('/api/admin/outages', small, adminRoute(app, async (req, res) => {
    const { notice, recipients } = await app.alerts.publish(req.body ?? {});
    res.status(201);
    res.json({ id: notice.id, recipients });
  }));

  server.get('/api/admin/outages/:id', adminRoute(app, async (req, res) => {
    const id = Number(req.params.id);
    const notice = Number.isInteger(id) ? await app.services.outages.byId(id) : null;
    if (!notice) {
      sendError(res, 404, 'not_found', 'no such outage notice', 'id');
      return;
    }
    res.json({ id: notice.id, kind: notice.kind, title: notice.title, startsAt: notice.startsAt, expectedEndAt: notice.expectedEndAt, endedAt: notice.endedAt, delivery: await app.services.outbox.stats(notice.id) });
  }));

  server.patch('/api/admin/outages/:id', small, adminRoute(app, async (req, res) => {
    const id = Number(req.params.id);
    const r = Number.isInteger(id) ? await app.alerts.update(id, req.body ?? {}) : null;
    if (!r) {
      sendError(res, 404, 'not_found', 'no such outage notice', 'id');
      return;
    }
    res.json({ id, recipients: r.recipients });
  }));

  server.get('/api/admin/cases', adminRoute(app, async (req, res) => {
    const status = (req.query as Record<string, string | undefined>)?.status;
    if (status && status !== 'open' && !(CASE_STATUSES as readonly string[]).includes(status)) throw new ValidationError('status', `one of open, ${CASE_STATUSES.join(', ')}`);
    const cases = await app.services.cases.list({ status: status as 'open' | undefined });
    const numbers = await app.services.customers.numbersById(cases.map((c) => c.customerId).filter((x): x is number => x !== null));
    res.json({
      cases: cases.map((c) => ({
        caseNumber: c.caseNumber, customerNumber: c.customerId !== null ? (numbers.get(c.customerId) ?? null) : null, kind: c.kind, category: c.category,
        text: c.text, channel: c.channel, status: c.status, createdAt: c.createdAt.toISOString(), dueAt: c.dueAt.toISOString(),
      })),
    });
  }));

  server.get('/api/admin/events', adminRoute(app, async (req, res) => {
    const { after, limit } = parseOrThrow(eventsQuerySchema, req.query ?? {});
    res.json(await app.services.events.page(after, limit));
  }));
}

/** `?after=CURSOR&limit=N` of the billing feed (contracts §8); the cursor itself is checked by the feed. */
const eventsQuerySchema = z.object({
  after: z.string({ error: 'a cursor ("next" of the previous page)' }).optional(),
  limit: z.string().regex(/^\d{1,4}$/, 'a whole number 1–1000').transform(Number).refine((n) => n >= 1 && n <= 1000, 'a whole number 1–1000').default(100),
});
