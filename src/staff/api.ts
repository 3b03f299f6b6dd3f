/**
 * Staff API (contracts §7): session cookie on every call, `X-CSRF-Token` on every state change,
 * object-level rules (reopening, someone else's live chat, staff management for admins only),
 * zod-validated bodies (400 naming the field, nothing changed).
 */
import type { Request, Response, Server } from 'restify';
import { In } from 'typeorm';
import { z } from 'zod';
import type { App } from '../app';
import { Attachment, CaseRecord, CaseStatusChange, ChatConversation, Customer, StaffUser } from '../../models';
import { CASE_STATUSES, type CaseStatus } from '../../models/CaseRecord';
import type { StaffRole } from '../../models/StaffUser';
import type { StaffSession } from '../../models/StaffSession';
import { requestAddressKey } from '../http/address';
import { jsonBody, sendError } from '../http/server';
import { t } from '../i18n/i18n';
import { ValidationError, parseOrThrow } from '../services/validation';
import type { AssigneesResponse, CaseDetailResponse, CaseListResponse, CasePatchResponse, CaseSummaryDto, HandoffAcceptResponse, HandoffReleaseResponse, NoteResponse, ReplyResponse, SessionResponse } from './dto';
import type { EventHub } from './EventHub';
import { HandoffStateError, type HandoffService } from './HandoffService';
import { MIN_PASSWORD_LENGTH } from './passwords';
import { DEVICE_TTL_MS, STAFF_ROLES, type StaffAuth } from './StaffAuth';
import { COOKIE, COOKIE_SECURE, cookies, HttpError, failWith, staffRoute, type GuardDeps } from './guard';

export interface StaffApiDeps {
  app: App;
  auth: StaffAuth;
  handoff: HandoffService;
  hub: EventHub;
}

interface Ctx {
  staff: StaffUser;
  session: StaffSession;
}

const CLOSED: readonly CaseStatus[] = ['resolved', 'rejected'];
const CASE_NUMBER = /^KW-\d{4}-\d{6}$/;

const isSupervisor = (s: StaffUser) => s.role === 'supervisor' || s.role === 'admin';

const text = (max: number) => z.string({ error: 'expected text' }).trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const loginSchema = z.object({ email: z.string({ error: 'expected an e-mail address' }).trim().min(3).max(200), password: z.string({ error: 'expected the password' }).min(1).max(500), embedded: z.boolean().optional() });
const statusSchema = z.enum(CASE_STATUSES as [CaseStatus, ...CaseStatus[]], { error: `one of ${CASE_STATUSES.join(', ')}` });
const patchSchema = z.object({ status: statusSchema.optional(), assignee: z.union([z.number().int().positive(), z.null()], { error: 'a staff id (number) or null' }).optional() });
const replySchema = z.object({ text: text(4000), status: statusSchema.optional() });
const noteSchema = z.object({ text: text(4000) });
const userSchema = z.object({
  email: z.email({ error: 'expected an e-mail address' }).max(200),
  name: text(200),
  role: z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]], { error: `one of ${STAFF_ROLES.join(', ')}` }),
  password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(500).optional(),
  active: z.boolean().optional(),
});
const listQuery = z.object({
  status: z.union([z.literal('open'), z.literal('all'), statusSchema], { error: `open, all or one of ${CASE_STATUSES.join(', ')}` }).optional(),
  category: z.string().max(30).regex(/^[a-z_]+$/, 'a category name').optional(),
  channel: z.string().max(20).regex(/^[a-z_]+$/, 'a channel name').optional(),
  assignee: z.union([z.literal('me'), z.literal('none')], { error: 'me or none' }).optional(),
});

/** Images the desk shows inline; anything else is downloaded. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function registerStaffApi(server: Server, deps: StaffApiDeps): void {
  const { app, auth, handoff, hub } = deps;
  const secure = app.config.publicUrl.startsWith('https:');
  const cookieName = secure ? COOKIE_SECURE : COOKIE;
  const log = app.log.child({ area: 'staff' });
  const small = jsonBody(64 * 1024);

  /**
   * The session cookie. Standalone: SameSite=Strict. In the Teams tab the desk is a third-party iframe,
   * where a Strict/Lax cookie is never sent: then (https only) SameSite=None; Secure; Partitioned —
   * the cookie is kept apart per top-level site (CHIPS), and the X-CSRF-Token header still guards every change.
   */
  function setCookie(res: Response, name: string, value: string, embedded: boolean, extra: string[] = []): void {
    const attrs = ['Path=/', 'HttpOnly', ...extra];
    if (secure && embedded) attrs.push('SameSite=None', 'Secure', 'Partitioned');
    else attrs.push('SameSite=Strict', ...(secure ? ['Secure'] : []));
    res.header('Set-Cookie', `${name}=${value}; ${attrs.join('; ')}`);
  }

  /** The device cookie (see StaffAuth.login): outlives the session, so a known browser gets through a login flood. */
  const deviceCookie = secure ? '__Host-kropla_staff_device' : 'kropla_staff_device';

  function clearSessionCookie(res: Response): void {
    res.header('Set-Cookie', `${cookieName}=; Path=/; HttpOnly; Max-Age=0; SameSite=Strict${secure ? '; Secure' : ''}`);
  }

  type Handler = (req: Request, res: Response, ctx: Ctx) => Promise<void>;

  const guard: GuardDeps = {
    auth, log, cookieName,
    mapError: (res, e) => {
      if (!(e instanceof HandoffStateError)) return false;
      sendError(res, 409, e.code, e.message);
      return true;
    },
  };

  /** Session (401), CSRF on changes (403), role (403), errors → JSON (see guard.ts). */
  function route(opts: { write?: boolean; roles?: StaffRole[] }, handler: Handler) {
    return staffRoute(guard, opts, handler);
  }

  function fail(req: Request, res: Response, e: unknown): void {
    failWith(guard, req, res, e);
  }

  async function findCase(req: Request): Promise<CaseRecord> {
    const n = String(req.params.caseNumber ?? '');
    const c = CASE_NUMBER.test(n) ? await app.services.cases.byNumber(n) : null;
    if (!c) throw new HttpError(404, 'not_found', 'no such case', 'caseNumber');
    return c;
  }

  async function staffNames(ids: (number | null)[]): Promise<Map<number, string>> {
    const unique = [...new Set(ids.filter((x): x is number => x !== null))];
    if (!unique.length) return new Map();
    const rows = await app.ds.getRepository(StaffUser).find({ where: { id: In(unique) }, select: { id: true, name: true } });
    return new Map(rows.map((s) => [s.id, s.name]));
  }

  async function customersOf(ids: (number | null)[]): Promise<Map<number, { number: string; name: string }>> {
    const unique = [...new Set(ids.filter((x): x is number => x !== null))];
    if (!unique.length) return new Map();
    const rows = await app.ds.getRepository(Customer).find({ where: { id: In(unique) }, select: { id: true, customerNumber: true, name: true } });
    return new Map(rows.map((c) => [c.id, { number: c.customerNumber, name: c.name }]));
  }

  function summary(c: CaseRecord, customers: Map<number, { number: string; name: string }>, names: Map<number, string>, chats: Map<number, ChatConversation>, now: number): CaseSummaryDto {
    const customer = c.customerId !== null ? (customers.get(c.customerId) ?? null) : null;
    const chat = c.chatId !== null ? chats.get(c.chatId) : undefined;
    return {
      caseNumber: c.caseNumber, kind: c.kind, category: c.category, channel: c.channel, status: c.status, urgent: c.urgent,
      customerNumber: customer?.number ?? null, customerName: customer?.name ?? null,
      createdAt: c.createdAt.toISOString(), dueAt: c.dueAt.toISOString(),
      overdue: !CLOSED.includes(c.status) && c.dueAt.getTime() < now,
      assignee: c.assigneeId !== null ? { id: c.assigneeId, name: names.get(c.assigneeId) ?? null } : null,
      handoffState: c.kind === 'handoff' && chat ? chat.handoffState : null,
      snippet: c.text.length > 140 ? `${c.text.slice(0, 139)}…` : c.text,
    };
  }

  async function chatsOf(ids: (number | null)[]): Promise<Map<number, ChatConversation>> {
    const unique = [...new Set(ids.filter((x): x is number => x !== null))];
    if (!unique.length) return new Map();
    const rows = await app.ds.getRepository(ChatConversation).find({ where: { id: In(unique) } });
    return new Map(rows.map((c) => [c.id, c]));
  }

  /** Status rule: a closed case is reopened only by a supervisor or admin. */
  function checkStatusChange(c: CaseRecord, to: CaseStatus, staff: StaffUser): void {
    if (CLOSED.includes(c.status) && !CLOSED.includes(to) && !isSupervisor(staff)) {
      throw new HttpError(403, 'reopen_forbidden', 'only a supervisor or an administrator can reopen a closed case', 'status');
    }
  }

  // --- session -------------------------------------------------------------------------------------------

  server.post('/api/staff/login', small, async (req: Request, res: Response): Promise<void> => {
    res.header('Cache-Control', 'no-store');
    try {
      if (!req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send JSON');
      const body = parseOrThrow(loginSchema, req.body ?? {});
      const r = await auth.login(body.email, body.password, { address: requestAddressKey(req, app.config.trustProxy), device: cookies(req).get(deviceCookie) });
      if (!r.ok && r.reason === 'throttled') {
        log.info({ reason: r.reason }, 'staff login refused');
        res.header('Retry-After', String(r.retryAfterSeconds));
        sendError(res, 429, 'too_many_requests', `sign-in from this address is locked for a while (too many attempts); try again in ${r.retryAfterSeconds} s`);
        return;
      }
      if (!r.ok) {
        log.info({ reason: r.reason }, 'staff login refused');
        // Locked or wrong, known or unknown e-mail: the same answer (the lock is only said in the message).
        sendError(res, 401, 'invalid_credentials', r.reason === 'locked' ? 'too many failed attempts: the sign-in is locked for a while' : 'wrong e-mail or password');
        return;
      }
      log.info({ staffId: r.staff.id }, 'staff signed in');
      setCookie(res, cookieName, r.token, body.embedded === true);
      setCookie(res, deviceCookie, r.device, body.embedded === true, [`Max-Age=${Math.floor(DEVICE_TTL_MS / 1000)}`]);
      res.json({ staff: { id: r.staff.id, email: r.staff.email, name: r.staff.name, role: r.staff.role }, csrfToken: r.csrfToken } satisfies SessionResponse);
    } catch (e) {
      fail(req, res, e);
    }
  });

  server.post('/api/staff/logout', route({ write: true }, async (_req, res, ctx) => {
    await auth.logout(ctx.session);
    clearSessionCookie(res);
    res.status(204);
    res.end();
  }));

  server.get('/api/staff/me', route({}, async (_req, res, { staff, session }) => {
    res.json({ staff: { id: staff.id, email: staff.email, name: staff.name, role: staff.role }, csrfToken: session.csrfToken } satisfies SessionResponse);
  }));

  server.get('/api/staff/assignees', route({}, async (_req, res) => {
    const all = await auth.list();
    res.json({ staff: all.filter((s) => s.active).map((s) => ({ id: s.id, name: s.name, role: s.role })) } satisfies AssigneesResponse);
  }));

  // --- staff management (admins) -------------------------------------------------------------------------

  server.get('/api/staff/users', route({ roles: ['admin'] }, async (_req, res) => {
    const all = await auth.list();
    res.json({ users: all.map((s) => ({ id: s.id, email: s.email, name: s.name, role: s.role, active: s.active, lockedUntil: s.lockedUntil?.toISOString() ?? null })) });
  }));

  server.post('/api/staff/users', small, route({ write: true, roles: ['admin'] }, async (req, res, { staff }) => {
    const body = parseOrThrow(userSchema, req.body ?? {});
    const existing = (await auth.list()).find((s) => s.email === body.email.toLowerCase());
    if (!existing && !body.password) throw new ValidationError('password', `a new account needs a password of at least ${MIN_PASSWORD_LENGTH} characters`);
    if (existing && existing.id === staff.id && (body.role !== 'admin' || body.active === false)) throw new HttpError(409, 'self_demotion', 'you cannot remove your own administrator rights', 'role');
    const r = await auth.upsert(body);
    log.info({ staffId: r.staff.id, by: staff.id, created: r.created }, 'staff account saved');
    res.status(r.created ? 201 : 200);
    res.json({ user: { id: r.staff.id, email: r.staff.email, name: r.staff.name, role: r.staff.role, active: r.staff.active } });
  }));

  // --- cases ---------------------------------------------------------------------------------------------

  server.get('/api/staff/cases', route({}, async (req, res, { staff }) => {
    const q = parseOrThrow(listQuery, req.query ?? {});
    let cases = await app.services.cases.list({ status: q.status === 'all' ? undefined : q.status, category: q.category, channel: q.channel });
    if (q.assignee === 'me') cases = cases.filter((c) => c.assigneeId === staff.id);
    else if (q.assignee === 'none') cases = cases.filter((c) => c.assigneeId === null);
    const [customers, names, chats] = await Promise.all([customersOf(cases.map((c) => c.customerId)), staffNames(cases.map((c) => c.assigneeId)), chatsOf(cases.filter((c) => c.kind === 'handoff').map((c) => c.chatId))]);
    const now = Date.now();
    res.json({ cases: cases.map((c) => summary(c, customers, names, chats, now)) } satisfies CaseListResponse);
  }));

  server.get('/api/staff/cases/:caseNumber', route({}, async (req, res) => {
    const c = await findCase(req);
    const [messages, attachments, history, chat, customer] = await Promise.all([
      app.services.cases.messages(c.id),
      app.ds.getRepository(Attachment).find({ where: { caseId: c.id }, select: { id: true, fileName: true, contentType: true, size: true, createdAt: true }, order: { id: 'ASC' } }),
      app.ds.getRepository(CaseStatusChange).find({ where: { caseId: c.id }, order: { createdAt: 'ASC', id: 'ASC' } }),
      c.chatId !== null ? app.services.chats.byId(c.chatId) : Promise.resolve(null),
      c.customerId !== null ? app.services.customers.byId(c.customerId) : Promise.resolve(null),
    ]);
    const transcript = chat ? await app.services.chats.transcript(chat.id) : [];
    const names = await staffNames([c.assigneeId, chat?.handoffStaffId ?? null, ...messages.map((m) => m.staffId), ...history.map((h) => (/^staff:(\d+)$/.exec(h.changedBy) ? Number(h.changedBy.slice(6)) : null))]);
    const customers = new Map(customer ? [[customer.id, { number: customer.customerNumber, name: customer.name }]] : []);
    const chats = new Map(chat ? [[chat.id, chat]] : []);
    res.json({
      case: { ...summary(c, customers, names, chats, Date.now()), text: c.text, contactPreference: c.contactPreference, contact: c.contact, location: c.location },
      customer: customer ? { number: customer.customerNumber, name: customer.name } : null,
      chat: chat ? { channel: chat.channel, locale: chat.locale, handoffState: chat.handoffState, handoffStaff: chat.handoffStaffId !== null ? { id: chat.handoffStaffId, name: names.get(chat.handoffStaffId) ?? null } : null, blocked: chat.blockedAt !== null } : null,
      messages: messages.map((m) => ({ id: m.id, author: m.author, staffName: m.staffId !== null ? (names.get(m.staffId) ?? null) : null, text: m.text, createdAt: m.createdAt.toISOString() })),
      attachments: attachments.map((a) => ({ id: a.id, fileName: a.fileName, contentType: a.contentType, size: a.size, inline: INLINE_TYPES.has(a.contentType), url: `/api/staff/attachments/${a.id}` })),
      history: history.map((h) => {
        const m = /^staff:(\d+)$/.exec(h.changedBy);
        return { fromStatus: h.fromStatus, toStatus: h.toStatus, changedBy: m ? 'staff' : h.changedBy, staffName: m ? (names.get(Number(m[1])) ?? null) : null, createdAt: h.createdAt.toISOString() };
      }),
      transcript: transcript.map((e) => ({ author: e.author, text: e.text, createdAt: e.createdAt.toISOString() })),
    } satisfies CaseDetailResponse);
  }));

  server.patch('/api/staff/cases/:caseNumber', small, route({ write: true }, async (req, res, { staff }) => {
    const c = await findCase(req);
    const body = parseOrThrow(patchSchema, req.body ?? {});
    if (body.status === undefined && body.assignee === undefined) throw new ValidationError('status', 'give status and/or assignee');
    if (body.status !== undefined) checkStatusChange(c, body.status, staff);
    // The owner rule of the message and release routes: someone else's live chat is not closed from here either.
    const chat = c.kind === 'handoff' && c.chatId !== null ? await app.services.chats.byId(c.chatId) : null;
    const handedOff = chat !== null && chat.handoffState !== 'bot';
    if (chat?.handoffState === 'live' && chat.handoffStaffId !== staff.id && !isSupervisor(staff) && (body.status !== undefined || body.assignee !== undefined)) {
      throw new HttpError(403, 'not_your_chat', 'another staff member is talking with this customer');
    }
    if (body.assignee !== undefined && body.assignee !== null) {
      const who = await auth.byId(body.assignee);
      if (!who || !who.active) throw new ValidationError('assignee', 'no active staff member with this id');
    }
    if (body.assignee !== undefined) await app.ds.getRepository(CaseRecord).update({ id: c.id }, { assigneeId: body.assignee });
    // Closing a case whose chat waits for or talks with a person gives the chat back to Kropla and tells the customer.
    if (body.status !== undefined && handedOff && CLOSED.includes(body.status)) await handoff.release(c, staff);
    if (body.status !== undefined) await app.services.cases.setStatus(c.id, body.status, `staff:${staff.id}`);
    if (body.status === 'resolved') await app.services.csat.ask(c);
    hub.publish({ type: 'case.updated', caseNumber: c.caseNumber });
    const fresh = (await app.services.cases.byNumber(c.caseNumber)) as CaseRecord;
    res.json({ caseNumber: fresh.caseNumber, status: fresh.status, assigneeId: fresh.assigneeId } satisfies CasePatchResponse);
  }));

  server.post('/api/staff/cases/:caseNumber/messages', small, route({ write: true }, async (req, res, { staff }) => {
    const c = await findCase(req);
    const body = parseOrThrow(replySchema, req.body ?? {});
    if (body.status !== undefined) checkStatusChange(c, body.status, staff);
    const chat = c.chatId !== null ? await app.services.chats.byId(c.chatId) : null;
    const live = chat?.handoffState === 'live';
    if (live && chat.handoffStaffId !== staff.id && !isSupervisor(staff)) throw new HttpError(403, 'not_your_chat', 'another staff member is talking with this customer');
    const msg = await app.services.cases.addMessage(c.id, 'staff', body.text, staff.id);
    let delivery: 'queued' | 'no_chat' | 'blocked' = 'no_chat';
    if (chat && chat.blockedAt) delivery = 'blocked';
    else if (chat) {
      const out = live ? body.text : t(chat.locale, 'desk.replyToCustomer', { caseNumber: c.caseNumber, text: body.text });
      await app.services.outbox.enqueue([{ idempotencyKey: `case:${c.caseNumber}:msg:${msg.id}`, channel: chat.channel, chatId: chat.id, activity: { type: 'message', text: out }, caseId: c.id }]);
      await app.services.chats.record(chat.id, 'staff', out);
      app.pokeWorkers();
      delivery = 'queued';
    }
    const target = body.status ?? (live || CLOSED.includes(c.status) ? undefined : 'waiting_for_customer');
    if (target && target !== c.status) await app.services.cases.setStatus(c.id, target, `staff:${staff.id}`);
    if (target === 'resolved') await app.services.csat.ask(c);
    if (c.assigneeId === null) await app.ds.getRepository(CaseRecord).update({ id: c.id }, { assigneeId: staff.id });
    log.info({ caseId: c.id, staffId: staff.id, delivery }, 'staff reply');
    hub.publish({ type: 'case.updated', caseNumber: c.caseNumber });
    res.status(201);
    res.json({ message: { id: msg.id, author: 'staff', text: msg.text, createdAt: msg.createdAt.toISOString() }, delivery, status: target ?? c.status } satisfies ReplyResponse);
  }));

  server.post('/api/staff/cases/:caseNumber/notes', small, route({ write: true }, async (req, res, { staff }) => {
    const c = await findCase(req);
    const body = parseOrThrow(noteSchema, req.body ?? {});
    const msg = await app.services.cases.addMessage(c.id, 'note', body.text, staff.id);
    hub.publish({ type: 'case.updated', caseNumber: c.caseNumber });
    res.status(201);
    res.json({ message: { id: msg.id, author: 'note', text: msg.text, createdAt: msg.createdAt.toISOString() } } satisfies NoteResponse);
  }));

  server.get('/api/staff/attachments/:id', route({}, async (req, res) => {
    const id = Number(req.params.id);
    const a = Number.isInteger(id) && id > 0 ? await app.ds.getRepository(Attachment).findOne({ where: { id } }) : null;
    if (!a || a.caseId === null) throw new HttpError(404, 'not_found', 'no such attachment', 'id');
    const inline = INLINE_TYPES.has(a.contentType);
    const safeName = a.fileName.replace(/[^\w.\- ]+/g, '_').slice(0, 100) || 'plik';
    res.writeHead(200, {
      'Content-Type': inline ? a.contentType : 'application/octet-stream',
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${safeName}"; filename*=UTF-8''${encodeURIComponent(a.fileName)}`,
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    });
    res.end(Buffer.from(a.dataBase64, 'base64'));
  }));

  // --- live handoff --------------------------------------------------------------------------------------

  server.post('/api/staff/handoffs/:caseNumber/accept', route({ write: true }, async (req, res, { staff }) => {
    const c = await findCase(req);
    const chat = await handoff.accept(c, staff);
    log.info({ caseId: c.id, staffId: staff.id }, 'handoff accepted');
    hub.publish({ type: 'case.updated', caseNumber: c.caseNumber });
    res.json({ caseNumber: c.caseNumber, handoffState: chat.handoffState, handoffStaffId: chat.handoffStaffId } satisfies HandoffAcceptResponse);
  }));

  server.post('/api/staff/handoffs/:caseNumber/release', route({ write: true }, async (req, res, { staff }) => {
    const c = await findCase(req);
    const chat = c.chatId !== null ? await app.services.chats.byId(c.chatId) : null;
    if (chat?.handoffState === 'live' && chat.handoffStaffId !== staff.id && !isSupervisor(staff)) throw new HttpError(403, 'not_your_chat', 'another staff member is talking with this customer');
    const after = await handoff.release(c, staff);
    await app.services.csat.ask(c);
    log.info({ caseId: c.id, staffId: staff.id }, 'handoff released');
    hub.publish({ type: 'case.updated', caseNumber: c.caseNumber });
    res.json({ caseNumber: c.caseNumber, handoffState: after.handoffState, status: 'resolved' } satisfies HandoffReleaseResponse);
  }));

  // --- live updates --------------------------------------------------------------------------------------

  server.get('/api/staff/events', route({}, async (_req, res) => {
    await hub.open(res);
  }));
}
