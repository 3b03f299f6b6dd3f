/**
 * Service analytics for supervisors and admins (issue 18, contracts §10): how the chat is doing in a
 * period, from what Kropla records (transcripts, cases, handoffs, task and fallback events, CSAT
 * answers), and the labelling of misunderstood messages for the corpus.
 *
 * - `GET /api/staff/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD` → {@link AnalyticsReport}
 * - `GET /api/staff/intents` → `{"intents": [...]}` (what a message may be labelled with)
 * - `POST /api/staff/analytics/labels {"text","intent"}` → 201 `{"text","intent"}`
 */
import type { Server } from 'restify';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { App } from '../app';
import { sqlOf, toDate } from '../db/sql';
import { jsonBody } from '../http/server';
import { INTENTS } from '../nlu/types';
import { isoDate, parseOrThrow, ValidationError } from '../services/validation';
import { warsawInstant } from '../domain/warsawTime';
import { addDays, daysBetween } from '../domain/format';
import type { AnalyticsReportDto } from './dto';
import { staffRoute, type GuardDeps } from './guard';

/** The answer of `GET /api/staff/analytics` (contracts §10): one type with the desk's, in dto.ts. */
export type AnalyticsReport = AnalyticsReportDto;
export type MisunderstoodMessage = AnalyticsReportDto['misunderstood'][number];

/** What a message may be labelled with: the NLU's intents (contracts §6) and those added since. */
export const LABEL_INTENTS: readonly string[] = [...new Set<string>([...INTENTS, 'reminders.manage'])];

/** At most this many misunderstood messages are listed. */
const MISUNDERSTOOD_LIMIT = 50;
/** The longest period one report covers. */
const MAX_DAYS = 366;

const day = z.string({ error: 'expected a date YYYY-MM-DD' }).pipe(isoDate);
const rangeSchema = z.object({ from: day, to: day });
const labelSchema = z.object({
  text: z.string({ error: 'expected text' }).trim().min(1, 'must not be empty').max(300, 'at most 300 characters'),
  intent: z.string({ error: 'expected an intent name' }).refine((s) => LABEL_INTENTS.includes(s), 'not a known intent (see GET /api/staff/intents)'),
});

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** The report of the Katowice days `from`..`to` (both included). */
export async function analyticsReport(ds: DataSource, from: string, to: string, now = new Date()): Promise<AnalyticsReport> {
  const sql = sqlOf(ds);
  const start = warsawInstant(from);
  const end = warsawInstant(addDays(to, 1));
  const range = [start, end];

  const messages = await sql.rows<{ chatId: number | string; n: number | string }>(
    'SELECT "chatId", COUNT(*) AS "n" FROM transcript_entry WHERE "author" = \'customer\' AND "createdAt" >= $1 AND "createdAt" < $2 GROUP BY "chatId"', range);
  const tasks = await sql.rows<{ chatId: number | string | null; intent: string }>(
    'SELECT "chatId", "intent" FROM analytics_event WHERE "kind" = \'task\' AND "occurredAt" >= $1 AND "occurredAt" < $2', range);
  const handoffRows = await sql.rows<{ chatId: number | string | null }>(
    'SELECT "chatId" FROM case_record WHERE "kind" = \'handoff\' AND "createdAt" >= $1 AND "createdAt" < $2', range);
  const fallbackRow = await sql.one<{ n: number | string }>(
    'SELECT COUNT(*) AS "n" FROM analytics_event WHERE "kind" = \'fallback\' AND "occurredAt" >= $1 AND "occurredAt" < $2', range);
  const missed = await sql.rows<{ text: string; locale: string | null; n: number | string }>(
    'SELECT "text", MAX("locale") AS "locale", COUNT(*) AS "n" FROM analytics_event WHERE "kind" = \'fallback\' AND "text" IS NOT NULL AND "occurredAt" >= $1 AND "occurredAt" < $2 GROUP BY "text" ORDER BY COUNT(*) DESC, "text" ASC LIMIT ' + MISUNDERSTOOD_LIMIT, range);
  const labels = missed.length ? await sql.rows<{ text: string; locale: string; intent: string }>('SELECT "text", "locale", "intent" FROM intent_label', []) : [];
  const csat = await sql.one<{ n: number | string; avg: number | string | null }>(
    'SELECT COUNT(*) AS "n", AVG("rating") AS "avg" FROM case_feedback WHERE "rating" IS NOT NULL AND "answeredAt" >= $1 AND "answeredAt" < $2', range);
  const cases = await sql.rows<{ dueAt: unknown; answered: unknown; closed: unknown }>(
    `SELECT c."dueAt" AS "dueAt",
       (SELECT MIN(m."createdAt") FROM case_message m WHERE m."caseId" = c."id" AND m."author" = 'staff') AS "answered",
       (SELECT MIN(s."createdAt") FROM case_status_change s WHERE s."caseId" = c."id" AND s."toStatus" IN ('resolved', 'rejected')) AS "closed"
     FROM case_record c WHERE c."kind" <> 'handoff' AND c."createdAt" >= $1 AND c."createdAt" < $2`, range);

  const talked = new Set(messages.map((r) => Number(r.chatId)));
  const customerMessages = messages.reduce((s, r) => s + Number(r.n), 0);
  const tasksCompleted: Record<string, number> = {};
  const withTask = new Set<number>();
  for (const t of tasks) {
    tasksCompleted[t.intent] = (tasksCompleted[t.intent] ?? 0) + 1;
    if (t.chatId !== null) withTask.add(Number(t.chatId));
  }
  const handedOver = new Set(handoffRows.filter((r) => r.chatId !== null).map((r) => Number(r.chatId)));
  let contained = 0;
  for (const chat of talked) if (withTask.has(chat) && !handedOver.has(chat)) contained += 1;

  const labelOf = new Map(labels.map((l) => [`${l.locale}\u0000${l.text}`, l.intent]));
  let answeredInTime = 0;
  let overdue = 0;
  for (const c of cases) {
    const due = toDate(c.dueAt) as Date;
    const times = [toDate(c.answered), toDate(c.closed)].filter((d): d is Date => d !== null).map((d) => d.getTime());
    const first = times.length ? Math.min(...times) : null;
    if (first !== null && first <= due.getTime()) answeredInTime += 1;
    else if (due.getTime() < now.getTime()) overdue += 1;
  }
  const responses = Number(csat?.n ?? 0);
  return {
    from, to,
    conversations: talked.size,
    customerMessages,
    tasksCompleted,
    containment: talked.size ? round(contained / talked.size, 4) : 0,
    fallbacks: Number(fallbackRow?.n ?? 0),
    handoffs: handoffRows.length,
    misunderstood: missed.map((m) => ({ text: m.text, count: Number(m.n), label: labelOf.get(`${m.locale ?? 'pl'}\u0000${m.text}`) ?? null })),
    csat: { responses, average: responses ? round(Number(csat?.avg), 2) : null },
    cases: { filed: cases.length, answeredInTime, overdue },
  };
}

/** The analytics routes (registered with the other staff routes; supervisors and admins only). */
export function registerAnalyticsRoutes(server: Server, app: App, guard: GuardDeps): void {
  const roles = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };
  const log = app.log.child({ area: 'analytics' });

  server.get('/api/staff/analytics', staffRoute(guard, roles, async (req, res) => {
    const q = parseOrThrow(rangeSchema, { from: req.query?.from, to: req.query?.to });
    if (q.to < q.from) throw new ValidationError('to', 'must not be before from');
    if (daysBetween(q.from, q.to) >= MAX_DAYS) throw new ValidationError('to', `at most ${MAX_DAYS} days from from`);
    res.json(await analyticsReport(app.ds, q.from, q.to));
  }));

  server.get('/api/staff/intents', staffRoute(guard, roles, async (_req, res) => {
    res.json({ intents: LABEL_INTENTS });
  }));

  server.post('/api/staff/analytics/labels', jsonBody(16 * 1024), staffRoute(guard, { ...roles, write: true }, async (req, res, { staff }) => {
    const body = parseOrThrow(labelSchema, req.body ?? {});
    const label = await app.services.analytics.label(body.text, body.intent, staff.id);
    log.info({ staffId: staff.id, intent: label.intent }, 'message labelled');
    res.status(201);
    res.json({ text: label.text, intent: label.intent });
  }));
}
