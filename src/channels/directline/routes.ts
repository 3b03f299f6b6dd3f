/**
 * Direct Line 3.0 over HTTP (contracts §3): token issue and refresh, conversations, activities
 * (send and poll by watermark), uploads, stored files, and the WebSocket upgrade of `streamUrl`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request, Response, Server } from 'restify';
import type { App } from '../../app';
import { addressPseudonym, requestAddressKey } from '../../http/address';
import { jsonBody, sendError } from '../../http/server';
import { LOOSE_FILE_TTL_MS } from '../../services/AttachmentService';
import { AttemptLog } from '../../services/attempts';
import type { DirectLineChannel, UploadedFile } from './channel';
import { authorize, baseUrl, cors, originAllowed } from './http';
import { absolutize, ALLOWED_UPLOAD_TYPES, parseWatermark, safeFileName, sniffType } from './mapping';
import { boundaryOf, MultipartError, parseMultipart } from './multipart';
import { rateLimit, type RateResult } from './rateLimit';
import { sqlOf } from '../../db/sql';
import { StreamHub } from './streams';
import { newConversationId, newUserId } from './tokens';

type Handler = (req: Request, res: Response) => Promise<void>;

const query = (req: Request): Record<string, string | undefined> => (req.query ?? {}) as Record<string, string | undefined>;

function streamUrl(req: IncomingMessage, app: App, dl: DirectLineChannel, claims: { conv: string; user: string }, watermark: number): string {
  const ws = baseUrl(req, app).replace(/^http/, 'ws');
  const { token } = dl.tokens.issue(claims, 'stream');
  return `${ws}/v3/directline/conversations/${encodeURIComponent(claims.conv)}/stream?watermark=${watermark}&t=${token}`;
}

class PayloadTooLarge extends Error {}

/** What a prompt may wait for when a file is welcome with the answer (`channelData.kropla.expects`). */
const FILE_SLOTS: readonly string[] = ['attachments', 'description', 'meterValue'];
/** Files one conversation may send in a day, and one client address (IPv6 by /64) in an hour. */
export const UPLOADS_PER_CONVERSATION_PER_DAY = 10;
export const UPLOADS_PER_ADDRESS_PER_HOUR = 30;

/** Reads a request body into memory, refusing more than `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new PayloadTooLarge();
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function registerDirectLineRoutes(server: Server, app: App, dl: DirectLineChannel): void {
  const cfg = app.config.webchat;
  // Shared by the instances on PostgreSQL (contracts §11), in memory on SQLite's one instance.
  const tokenLimiter = rateLimit(sqlOf(app.ds), app.cluster.shared, 'dl-token', cfg.tokenRatePerMinute, 60_000);
  const messageLimiter = rateLimit(sqlOf(app.ds), app.cluster.shared, 'dl-msg', cfg.messageRatePerMinute, 60_000);
  const log = dl.log;
  const uploads = new AttemptLog(app.ds);

  /**
   * Whether this conversation may store files now: when the bot's last prompt asks for a file (a complaint's
   * files or description, a meter value), or when the chat is linked to an account (a meter photo sent with a
   * reading); anonymous chats cannot store files at will.
   */
  const filesWelcome = async (claims: { conv: string; user: string }): Promise<boolean> => {
    const last = await dl.store.lastBotMessage(claims.conv);
    const expects = (last?.channelData as { kropla?: { expects?: string } } | undefined)?.kropla?.expects;
    if (expects && FILE_SLOTS.includes(expects)) return true;
    return (await app.services.links.linkedCustomerId('webchat', claims.user)) !== null;
  };

  /** The per-conversation and per-address upload quotas (counted in the database, shared by instances); null when within them. */
  const overQuota = async (conv: string, address: string, files: number): Promise<number | null> => {
    const now = Date.now();
    const [byConv, byAddr] = await Promise.all([uploads.since(`upload-conv:${conv}`, 24 * 3600_000), uploads.since(`upload-addr:${addressPseudonym(address)}`, 3600_000)]);
    if (byConv.length + files > UPLOADS_PER_CONVERSATION_PER_DAY) return Math.ceil(((byConv[0]?.getTime() ?? now) + 24 * 3600_000 - now) / 1000);
    if (byAddr.length + files > UPLOADS_PER_ADDRESS_PER_HOUR) return Math.ceil(((byAddr[0]?.getTime() ?? now) + 3600_000 - now) / 1000);
    return null;
  };

  /** Wraps a handler: CORS first, unexpected errors → 500 without details. */
  const route = (handler: Handler): Handler => async (req, res) => {
    if (!cors(req, res, app)) return;
    try {
      await handler(req, res);
    } catch (e) {
      log.error({ err: e, route: req.getRoute()?.path }, 'direct line call failed');
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
    }
  };

  const limited = (res: Response, r: RateResult): boolean => {
    if (r.ok) return false;
    res.setHeader('Retry-After', String(r.retryAfterSeconds));
    sendError(res, 429, 'too_many_requests', `too many requests; try again in ${r.retryAfterSeconds} s`);
    return true;
  };

  const preflight: Handler = async (req, res) => {
    if (!cors(req, res, app)) return;
    res.status(204);
    res.end();
  };
  for (const p of ['/api/webchat/token', '/v3/directline/tokens/refresh', '/v3/directline/conversations', '/v3/directline/conversations/:id', '/v3/directline/conversations/:id/activities', '/v3/directline/conversations/:id/upload']) {
    server.opts(p, preflight);
  }

  server.post('/api/webchat/token', route(async (req, res) => {
    if (limited(res, await tokenLimiter.hit(addressPseudonym(requestAddressKey(req, app.config.trustProxy))))) return;
    const scope = { conv: newConversationId(), user: newUserId() };
    const { token, expires_in } = dl.tokens.issue(scope);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ token, expires_in, conversationId: scope.conv, userId: scope.user });
  }));

  server.post('/v3/directline/tokens/refresh', route(async (req, res) => {
    const claims = authorize(req, res, dl.tokens);
    if (!claims) return;
    const { token, expires_in } = dl.tokens.issue(claims);
    res.json({ conversationId: claims.conv, token, expires_in });
  }));

  server.post('/v3/directline/conversations', jsonBody(8 * 1024), route(async (req, res) => {
    const claims = authorize(req, res, dl.tokens);
    if (!claims) return;
    const { created } = await dl.store.openConversation(claims.conv, claims.user);
    const { token, expires_in } = dl.tokens.issue(claims);
    res.status(created ? 201 : 200);
    res.json({ conversationId: claims.conv, token, expires_in, streamUrl: streamUrl(req, app, dl, claims, 0), referenceGrammarId: '' });
  }));

  server.get('/v3/directline/conversations/:id', route(async (req, res) => {
    const claims = authorize(req, res, dl.tokens, req.params.id);
    if (!claims) return;
    const watermark = parseWatermark(query(req).watermark);
    if (watermark === null) return sendError(res, 400, 'invalid', 'watermark must be a number', 'watermark');
    await dl.store.openConversation(claims.conv, claims.user); // a reload before the first POST still works
    const { token, expires_in } = dl.tokens.issue(claims);
    res.json({ conversationId: claims.conv, token, expires_in, streamUrl: streamUrl(req, app, dl, claims, watermark), referenceGrammarId: '' });
  }));

  server.post('/v3/directline/conversations/:id/activities', jsonBody(64 * 1024, { nul: 'strip' }), route(async (req, res) => {
    const claims = authorize(req, res, dl.tokens, req.params.id);
    if (!claims) return;
    // Overload (the loop late tick after tick while customers keep writing, see TurnQueue.shed): no turn, nothing
    // stored, no database work at all, so the process catches up; the customer sees the echo and the busy reply.
    if (app.turns.shed()) {
      const shed = dl.shed(claims.conv, claims.user, req.body);
      if (!shed.ok) return sendError(res, 400, 'invalid', shed.message, shed.field);
      res.setHeader('Retry-After', '5');
      return void res.json({ id: shed.value.id });
    }
    if (!(await dl.store.exists(claims.conv))) return sendError(res, 404, 'not_found', 'no such conversation; start it first');
    const body = req.body as { type?: unknown } | undefined;
    if (body?.type !== 'typing' && limited(res, await messageLimiter.hit(claims.conv))) return;
    const r = await dl.receive(claims.conv, claims.user, body, [], { address: requestAddressKey(req, app.config.trustProxy) });
    if (!r.ok) return sendError(res, 400, 'invalid', r.message, r.field);
    if (r.value.retryAfterSeconds) res.setHeader('Retry-After', String(r.value.retryAfterSeconds)); // saturated: answered with the busy reply
    res.json({ id: r.value.id });
  }));

  server.get('/v3/directline/conversations/:id/activities', route(async (req, res) => {
    const claims = authorize(req, res, dl.tokens, req.params.id);
    if (!claims) return;
    const watermark = parseWatermark(query(req).watermark);
    if (watermark === null) return sendError(res, 400, 'invalid', 'watermark must be a number', 'watermark');
    if (!(await dl.store.exists(claims.conv))) return sendError(res, 404, 'not_found', 'no such conversation');
    const rows = await dl.store.after(claims.conv, watermark, 100);
    const base = baseUrl(req, app);
    res.json({ activities: rows.map((r) => absolutize(r.activity, base)), watermark: String(rows.length ? rows[rows.length - 1].seq : watermark) });
  }));

  server.post('/v3/directline/conversations/:id/upload', route(async (req, res) => {
    const claims = authorize(req, res, dl.tokens, req.params.id);
    if (!claims) return;
    const refuse = (status: number, error: string, message: string) => {
      res.setHeader('Connection', 'close');
      sendError(res, status, error, message);
      req.resume(); // discard what the client still sends
    };
    if (!(await dl.store.conversation(claims.conv))) return refuse(404, 'not_found', 'no such conversation');
    if (limited(res, await messageLimiter.hit(claims.conv))) return void req.resume();
    const boundary = boundaryOf(req.headers['content-type']);
    if (!boundary) return refuse(415, 'unsupported_media_type', 'expected multipart/form-data');
    const limit = cfg.maxUploadBytes + 64 * 1024;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return refuse(413, 'payload_too_large', `files may be at most ${cfg.maxUploadBytes} bytes`);
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (e) {
      if (e instanceof PayloadTooLarge) return refuse(413, 'payload_too_large', `files may be at most ${cfg.maxUploadBytes} bytes`);
      throw e;
    }
    let parts;
    try {
      parts = parseMultipart(body, boundary);
    } catch (e) {
      if (e instanceof MultipartError) return sendError(res, 400, 'invalid', e.message, '(body)');
      throw e;
    }
    let activity: unknown = { type: 'message' };
    const files: UploadedFile[] = [];
    for (const p of parts) {
      if (p.name === 'activity') {
        try {
          activity = JSON.parse(p.data.toString('utf8'));
        } catch {
          return sendError(res, 400, 'invalid', 'the activity part is not JSON', 'activity');
        }
      } else if (p.fileName !== null || p.name === 'file') {
        if (p.data.length > cfg.maxUploadBytes) return refuse(413, 'payload_too_large', `files may be at most ${cfg.maxUploadBytes} bytes`);
        const real = sniffType(p.data);
        const declaredType = p.contentType ?? '';
        const declaredOk = declaredType === '' || declaredType === 'application/octet-stream' || (ALLOWED_UPLOAD_TYPES as readonly string[]).includes(declaredType);
        if (!real || !declaredOk) return sendError(res, 415, 'unsupported_media_type', 'only photos (JPEG, PNG, GIF, WebP) and PDF files may be sent');
        files.push({ fileName: safeFileName(p.fileName ?? undefined, real), contentType: real, data: p.data });
      }
    }
    if (files.length === 0) return sendError(res, 400, 'invalid', 'no file in the upload', 'file');
    if (!(await filesWelcome(claims))) return sendError(res, 403, 'files_not_expected', 'a file can be sent when Kropla asks for one (a complaint, a meter photo) or in a chat linked to an account');
    const address = requestAddressKey(req, app.config.trustProxy);
    const wait = await overQuota(claims.conv, address, files.length);
    if (wait !== null) {
      res.setHeader('Retry-After', String(Math.max(1, wait)));
      return sendError(res, 429, 'upload_quota', `too many files from this chat or address; try again in ${Math.max(1, wait)} s`);
    }
    for (let i = 0; i < files.length; i++) {
      await uploads.record(`upload-conv:${claims.conv}`);
      await uploads.record(`upload-addr:${addressPseudonym(address)}`);
    }
    const r = await dl.receive(claims.conv, claims.user, activity, files, { address });
    if (!r.ok) return sendError(res, 400, 'invalid', r.message, r.field);
    log.info({ conversationId: claims.conv, files: files.length }, 'files uploaded');
    if (r.value.retryAfterSeconds) res.setHeader('Retry-After', String(r.value.retryAfterSeconds));
    res.json({ id: r.value.id });
  }));

  server.get('/v3/directline/attachments/:key', async (req: Request, res: Response) => {
    try {
      const file = await dl.store.file(String(req.params.key));
      // A link to a file no case holds expires with the retention period (invoice and QR links included).
      if (!file || (file.caseId === null && Date.now() - file.createdAt.getTime() > LOOSE_FILE_TTL_MS)) return sendError(res, 404, 'not_found', 'no such file (or the link has expired)');
      const data = Buffer.from(file.dataBase64, 'base64');
      const disposition = file.contentType === 'application/pdf' || !file.contentType.startsWith('image/') ? 'attachment' : 'inline';
      const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('Content-Length', String(data.length));
      res.setHeader('Content-Disposition', `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
      res.setHeader('Cache-Control', 'private, max-age=86400');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.writeHead(200);
      res.end(data);
    } catch (e) {
      log.error({ err: e }, 'attachment read failed');
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
    }
  });

  // WebSocket streaming: the upgrade of a streamUrl (stream token in `t`).
  server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const m = /^\/v3\/directline\/conversations\/([^/]+)\/stream\/?$/.exec(url.pathname);
    if (!m) {
      if (url.pathname.startsWith('/v3/directline')) StreamHub.refuse(socket, 404, 'Not Found');
      return;
    }
    if (!originAllowed(req, app)) return StreamHub.refuse(socket, 403, 'Forbidden');
    let conv: string;
    try {
      conv = dl.tokens.verify(url.searchParams.get('t'), 'stream').conv;
    } catch {
      return StreamHub.refuse(socket, 403, 'Forbidden');
    }
    if (conv !== decodeURIComponent(m[1])) return StreamHub.refuse(socket, 403, 'Forbidden');
    const watermark = parseWatermark(url.searchParams.get('watermark') ?? undefined);
    if (watermark === null) return StreamHub.refuse(socket, 400, 'Bad Request');
    dl.store.conversation(conv).then(
      (c) => (c ? dl.hub.accept(req, socket, head, { conversationId: conv, watermark, baseUrl: baseUrl(req, app) }) : StreamHub.refuse(socket, 404, 'Not Found')),
      (e: unknown) => {
        log.error({ err: e }, 'stream upgrade failed');
        StreamHub.refuse(socket, 500, 'Internal Server Error');
      },
    );
  });
}
