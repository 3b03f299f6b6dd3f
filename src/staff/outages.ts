/**
 * Outage notices from the staff desk (issue 8): preview the audience, publish, follow delivery, update, end.
 * Same rules as the rest of the Staff API: session cookie on every call, `X-CSRF-Token` on every POST/PATCH,
 * supervisors and admins change notices, agents may only look. 400 names the field and changes nothing.
 */
import type { Request, Response, Server } from 'restify';
import { IsNull, MoreThanOrEqual } from 'typeorm';
import { OutageNotice } from '../../models';
import type { StaffRole } from '../../models/StaffUser';
import type { App } from '../app';
import { jsonBody } from '../http/server';
import { outageUpdateSchema } from '../services/OutageService';
import { ValidationError, parseOrThrow } from '../services/validation';
import type { OutageListResponse, OutageNoticeDto, OutagePreviewResponse, OutagePublishResponse, OutageUpdateResponse } from './dto';
import type { SessionInfo, StaffAuth } from './StaffAuth';
import { HttpError, sessionCookieName, staffRoute } from './guard';

export interface StaffOutagesDeps {
  app: App;
  auth: StaffAuth;
}

/** Ended notices stay on the list this long. */
export const RECENT_ENDED_MS = 7 * 86_400_000;
const PUBLISHERS: StaffRole[] = ['supervisor', 'admin'];
const LIST_LIMIT = 200;

function noticeId(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isInteger(id) || id <= 0) throw new HttpError(404, 'not_found', 'no such outage notice', 'id');
  return id;
}

export function registerStaffOutages(server: Server, deps: StaffOutagesDeps): void {
  const { app, auth } = deps;
  // The same cookie the Staff API sets at sign-in (see api.ts).
  const cookieName = sessionCookieName(app.config.publicUrl);
  const log = app.log.child({ area: 'staff-outages' });
  const small = jsonBody(64 * 1024);

  type Handler = (req: Request, res: Response, ctx: SessionInfo) => Promise<void>;

  /** Session (401), CSRF on changes (403), role (403), errors → JSON (see guard.ts). */
  function route(opts: { write?: boolean; roles?: StaffRole[] }, handler: Handler) {
    return staffRoute({ auth, log, cookieName }, opts, handler);
  }

  async function view(n: OutageNotice): Promise<OutageNoticeDto> {
    return {
      id: n.id, kind: n.kind, title: n.title, message: n.message,
      startsAt: n.startsAt.toISOString(), expectedEndAt: n.expectedEndAt?.toISOString() ?? null,
      tankerLocation: n.tankerLocation, endedAt: n.endedAt?.toISOString() ?? null,
      createdAt: n.createdAt.toISOString(), updatedAt: n.updatedAt.toISOString(),
      streets: [...(n.streets ?? [])].sort((a, b) => a.id - b.id).map((s) => ({ street: s.street, streetKey: s.streetKey, from: s.fromBuilding, to: s.toBuilding, parity: s.parity })),
      delivery: await app.services.outbox.stats(n.id),
    };
  }

  server.post('/api/staff/outages/preview', small, route({ write: true, roles: PUBLISHERS }, async (req, res) => {
    res.json((await app.services.outages.previewAudience(req.body ?? {})) satisfies OutagePreviewResponse);
  }));

  server.post('/api/staff/outages', small, route({ write: true, roles: PUBLISHERS }, async (req, res, { staff }) => {
    const { notice, recipients } = await app.alerts.publish(req.body ?? {});
    log.info({ noticeId: notice.id, staffId: staff.id, recipients }, 'outage notice published from the desk');
    res.status(201);
    res.json({ id: notice.id, recipients } satisfies OutagePublishResponse);
  }));

  server.get('/api/staff/outages', route({}, async (_req, res) => {
    const repo = app.ds.getRepository(OutageNotice);
    const since = new Date(Date.now() - RECENT_ENDED_MS);
    const [open, ended] = await Promise.all([
      repo.find({ where: { endedAt: IsNull() }, relations: { streets: true }, order: { startsAt: 'DESC', id: 'DESC' }, take: LIST_LIMIT }),
      repo.find({ where: { endedAt: MoreThanOrEqual(since) }, relations: { streets: true }, order: { endedAt: 'DESC', id: 'DESC' }, take: LIST_LIMIT }),
    ]);
    const notices = [];
    for (const n of [...open, ...ended]) notices.push(await view(n));
    res.json({ notices } satisfies OutageListResponse);
  }));

  server.patch('/api/staff/outages/:id', small, route({ write: true, roles: PUBLISHERS }, async (req, res, { staff }) => {
    const id = noticeId(req);
    const body = parseOrThrow(outageUpdateSchema, req.body ?? {});
    if (body.message === undefined && body.expectedEndAt === undefined && body.tankerLocation === undefined && body.ended !== true) {
      throw new ValidationError('(body)', 'give message, expectedEndAt, tankerLocation and/or ended: true');
    }
    const current = await app.services.outages.byId(id);
    if (!current) throw new HttpError(404, 'not_found', 'no such outage notice', 'id');
    if (current.endedAt) throw new HttpError(409, 'ended', 'this outage notice has already ended');
    if (body.expectedEndAt && Date.parse(body.expectedEndAt) < current.startsAt.getTime()) throw new ValidationError('expectedEndAt', 'must not be before startsAt');
    const r = await app.alerts.update(id, req.body ?? {});
    if (!r) throw new HttpError(404, 'not_found', 'no such outage notice', 'id');
    log.info({ noticeId: id, staffId: staff.id, ended: r.notice.endedAt !== null, recipients: r.recipients }, 'outage notice updated from the desk');
    res.json({ id, recipients: r.recipients, notice: await view(r.notice) } satisfies OutageUpdateResponse);
  }));
}
