/**
 * A fake Telegram Bot API server over real HTTP on 127.0.0.1 for tests and benchmarks.
 *
 * It speaks the Bot API wire format (`/bot<token>/<method>` with JSON, form or multipart bodies,
 * `{ok, result}` / `{ok:false, error_code, description, parameters}`), long-polls `getUpdates`
 * with offset and timeout, pushes updates to a webhook with the secret header, stores uploads and
 * serves `getFile` downloads. Tests inject what users do (texts, button presses, photos,
 * documents) and await what the bot sent.
 *
 * @example
 * const fake = await FakeTelegram.start({ token: '123456:TEST' });
 * const user = fake.user({ language_code: 'pl' });
 * fake.sendText(user, '/start');
 * const reply = await fake.waitForBotMessage(user.id);
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTelegramHtml } from './html';
import { parseMultipart } from './multipart';

export interface FakeUser {
  id: number;
  is_bot: false;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** A file the bot uploaded (sendPhoto/sendDocument with a multipart body). */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
}

export interface ReplyMarkup {
  inline_keyboard?: InlineButton[][];
  [k: string]: unknown;
}

/** One Bot API call the bot made, successful or not. */
export interface BotCall {
  seq: number;
  method: string;
  params: Record<string, unknown>;
  files: UploadedFile[];
  /** HTTP status answered. */
  status: number;
  error?: string;
  at: number;
}

/** A message the bot sent (sendMessage, sendPhoto, sendDocument). */
export interface SentMessage {
  seq: number;
  message_id: number;
  chat_id: number;
  method: 'sendMessage' | 'sendPhoto' | 'sendDocument';
  /** Visible text (HTML parsed) of a text message. */
  text?: string;
  /** The text or caption as sent (HTML source when parse_mode is HTML). */
  raw?: string;
  parse_mode?: string;
  caption?: string;
  reply_markup?: ReplyMarkup;
  file?: UploadedFile;
  /** A file sent by URL or file_id instead of an upload. */
  fileRef?: string;
  at: number;
}

export interface FakeTelegramOptions {
  token?: string;
  botId?: number;
  botUsername?: string;
  /** Reject sends above this many per second with 429 (like Telegram's flood control). */
  rateLimitPerSecond?: number;
  /** Sends with `allow_paid_broadcast` count apart, against this limit (Telegram: 1,000 a second); unset: as the others. */
  paidRateLimitPerSecond?: number;
}

type Update = Record<string, unknown> & { update_id: number };
type Params = Record<string, unknown>;

class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }
}

interface Poll {
  offset: number;
  limit: number;
  resolve: (u: Update[]) => void;
  timer: NodeJS.Timeout;
}

interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  bytes: Buffer;
}

const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendChatAction', 'editMessageReplyMarkup', 'editMessageText', 'answerCallbackQuery']);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FakeTelegram {
  readonly token: string;
  readonly botInfo: { id: number; is_bot: true; first_name: string; username: string; can_join_groups: boolean; can_read_all_group_messages: boolean; supports_inline_queries: boolean };
  /** Every call the bot made, in order. */
  readonly calls: BotCall[] = [];
  /** Every message the bot sent, in order. */
  readonly sent: SentMessage[] = [];
  /** `setMyCommands` per language code (`''` = default). */
  readonly commands = new Map<string, { command: string; description: string }[]>();
  /** Answers the bot's webhook gave (HTTP status per delivery attempt). */
  readonly webhookStatuses: number[] = [];
  webhook: { url: string; secret: string | null } | null = null;

  private server: Server | null = null;
  private updates: Update[] = [];
  private nextUpdateId = 100_000;
  private polls = new Set<Poll>();
  private readonly messageIds = new Map<number, number>();
  private readonly messages = new Map<string, SentMessage>();
  private readonly files = new Map<string, StoredFile>();
  private readonly users = new Map<number, FakeUser>();
  private readonly blocked = new Set<number>();
  private readonly gone = new Set<number>();
  private readonly failures: { method: string; code: number; description: string; parameters?: { retry_after?: number } }[] = [];
  private readonly openCallbacks = new Set<string>();
  private waiters = new Set<() => void>();
  private sendTimes: number[] = [];
  private webhookLoop: Promise<void> | null = null;
  private webhookWake: (() => void) | null = null;
  private deliveredUpTo = 0;
  private nextUserId = 5_000_001;
  private nextFile = 1;
  private seq = 0;
  rateLimitPerSecond: number | null;
  paidRateLimitPerSecond: number | null;
  private paidSendTimes: number[] = [];

  private constructor(opts: FakeTelegramOptions) {
    this.token = opts.token ?? '123456:TEST';
    this.botInfo = {
      id: opts.botId ?? Number(this.token.split(':')[0]),
      is_bot: true,
      first_name: 'Kropla',
      username: opts.botUsername ?? 'KroplaTestBot',
      can_join_groups: false,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
    this.rateLimitPerSecond = opts.rateLimitPerSecond ?? null;
    this.paidRateLimitPerSecond = opts.paidRateLimitPerSecond ?? null;
  }

  /** Starts the fake on 127.0.0.1 on a free port. */
  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const fake = new FakeTelegram(opts);
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) fake.reply(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(e)}` });
      });
    });
    fake.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => fake.server?.listen(0, '127.0.0.1', () => resolve()));
    return fake;
  }

  /** The API root to give the bot (`TELEGRAM_API_ROOT`). */
  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    return `http://127.0.0.1:${a?.port ?? 0}`;
  }

  async stop(): Promise<void> {
    for (const p of this.polls) {
      clearTimeout(p.timer);
      p.resolve([]);
    }
    this.polls.clear();
    this.webhook = null;
    this.webhookWake?.();
    await this.webhookLoop;
    const s = this.server;
    this.server = null;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  // ---------------------------------------------------------------- test API: users do things

  /** A new private-chat user (chat id = user id). */
  user(fields: Partial<Omit<FakeUser, 'is_bot'>> = {}): FakeUser {
    const u: FakeUser = { id: fields.id ?? this.nextUserId++, is_bot: false, first_name: fields.first_name ?? 'Anna', ...fields };
    this.users.set(u.id, u);
    return u;
  }

  private chatOf(user: FakeUser): Record<string, unknown> {
    return { id: user.id, type: 'private', first_name: user.first_name, ...(user.username ? { username: user.username } : {}) };
  }

  private baseMessage(user: FakeUser): Record<string, unknown> {
    return { message_id: this.nextMessageId(user.id), from: user, chat: this.chatOf(user), date: Math.floor(Date.now() / 1000) };
  }

  /** The user writes a text (commands get a `bot_command` entity, as Telegram adds). */
  sendText(user: FakeUser, text: string): Update {
    const msg: Record<string, unknown> = { ...this.baseMessage(user), text };
    const cmd = /^\/[a-z0-9_]+(@\w+)?/i.exec(text);
    if (cmd) msg.entities = [{ type: 'bot_command', offset: 0, length: cmd[0].length }];
    return this.pushUpdate({ message: msg });
  }

  /** The user sends a photo (Telegram offers it in several sizes; the largest is the bytes given). */
  sendPhoto(user: FakeUser, bytes: Buffer, caption?: string): Update {
    const big = this.storeFile(bytes, 'photos', 'jpg');
    const small = this.storeFile(bytes.subarray(0, Math.min(bytes.length, 64)), 'photos', 'jpg');
    const msg: Record<string, unknown> = {
      ...this.baseMessage(user),
      photo: [
        { file_id: small.file_id, file_unique_id: small.file_unique_id, width: 90, height: 60, file_size: small.bytes.length },
        { file_id: big.file_id, file_unique_id: big.file_unique_id, width: 1280, height: 960, file_size: bytes.length },
      ],
    };
    if (caption) msg.caption = caption;
    return this.pushUpdate({ message: msg });
  }

  /** The user sends a document (any file). `fileSize` overrides the announced size. */
  sendDocument(user: FakeUser, bytes: Buffer, doc: { fileName: string; mimeType: string; fileSize?: number }, caption?: string): Update {
    const f = this.storeFile(bytes, 'documents', doc.fileName.split('.').pop() ?? 'dat');
    const msg: Record<string, unknown> = {
      ...this.baseMessage(user),
      document: { file_id: f.file_id, file_unique_id: f.file_unique_id, file_name: doc.fileName, mime_type: doc.mimeType, file_size: doc.fileSize ?? bytes.length },
    };
    if (caption) msg.caption = caption;
    return this.pushUpdate({ message: msg });
  }

  /** The user presses an inline button (by its callback data) under a bot message. */
  pressButton(user: FakeUser, message: SentMessage, data: string): Update {
    const id = `cq${this.nextUpdateId}`;
    this.openCallbacks.add(id);
    return this.pushUpdate({
      callback_query: {
        id,
        from: user,
        chat_instance: `ci${user.id}`,
        data,
        message: { message_id: message.message_id, from: this.botInfo, chat: this.chatOf(user), date: Math.floor(message.at / 1000), text: message.text ?? '' },
      },
    });
  }

  /** The user presses the inline button with this title; throws when the message has none. */
  pressButtonTitled(user: FakeUser, message: SentMessage, title: string): Update {
    const current = this.messages.get(`${message.chat_id}:${message.message_id}`) ?? message;
    const button = current.reply_markup?.inline_keyboard?.flat().find((b) => b.text === title);
    if (!button?.callback_data) throw new Error(`no button "${title}" under message ${message.message_id}`);
    return this.pressButton(user, current, button.callback_data);
  }

  /** The user blocks the bot: sends to this chat answer 403. */
  blockBot(chatId: number): void {
    this.blocked.add(chatId);
  }

  unblockBot(chatId: number): void {
    this.blocked.delete(chatId);
  }

  /** The chat no longer exists: sends answer 400 "chat not found". */
  chatGone(chatId: number): void {
    this.gone.add(chatId);
  }

  /** The next call of `method` fails with this error (queued: call several times for several failures). */
  failNext(method: string, code: number, parameters?: { retry_after?: number }, description?: string): void {
    const d = description ?? (code === 429 ? `Too Many Requests: retry after ${parameters?.retry_after ?? 1}` : code >= 500 ? 'Internal Server Error' : 'Bad Request');
    this.failures.push({ method, code, description: d, parameters });
  }

  /** Pushes a raw update (for update kinds the helpers do not cover). */
  pushUpdate(body: Record<string, unknown>): Update {
    const u: Update = { update_id: this.nextUpdateId++, ...body };
    this.updates.push(u);
    this.flushPolls();
    this.webhookWake?.();
    return u;
  }

  // ---------------------------------------------------------------- test API: what the bot did

  /** A mark to pass as `after` to wait only for what comes next. */
  mark(): number {
    return this.seq;
  }

  messagesTo(chatId: number): SentMessage[] {
    return this.sent.filter((m) => m.chat_id === chatId);
  }

  callsOf(method: string): BotCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The current state of a sent message (its keyboard after edits). */
  message(chatId: number, messageId: number): SentMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  /** Waits until `check` returns a value (re-checked after every call the bot makes). */
  async waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const first = check();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const waiter = () => {
        const v = check();
        if (v) {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`fake Telegram: timed out waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The first message sent to `chatId` after `after` (a {@link mark}) that matches. */
  waitForBotMessage(chatId: number, opts: { after?: number; match?: (m: SentMessage) => boolean; timeoutMs?: number } = {}): Promise<SentMessage> {
    const after = opts.after ?? 0;
    return this.waitFor(() => this.sent.find((m) => m.chat_id === chatId && m.seq > after && (!opts.match || opts.match(m))), opts.timeoutMs, `a bot message to chat ${chatId}`);
  }

  /** The first call of `method` after `after` that matches. */
  waitForCall(method: string, opts: { after?: number; match?: (c: BotCall) => boolean; timeoutMs?: number } = {}): Promise<BotCall> {
    const after = opts.after ?? 0;
    return this.waitFor(() => this.calls.find((c) => c.method === method && c.seq > after && (!opts.match || opts.match(c))), opts.timeoutMs, `a ${method} call`);
  }

  // ---------------------------------------------------------------- HTTP

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const data = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
    res.end(data);
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(u.pathname);
    if (file && req.method === 'GET') {
      const f = [...this.files.values()].find((x) => x.file_path === decodeURIComponent(file[2]));
      if (file[1] !== this.token || !f) {
        this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.bytes.length });
      res.end(f.bytes);
      return;
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(u.pathname);
    if (!m) {
      this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    if (m[1] !== this.token) {
      this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const method = m[2];
    const params: Params = Object.fromEntries(u.searchParams.entries());
    const files: UploadedFile[] = [];
    const body = await this.readBody(req);
    const ct = req.headers['content-type'] ?? '';
    try {
      if (body.length) {
        if (ct.includes('application/json')) Object.assign(params, JSON.parse(body.toString('utf8')) as Params);
        else if (ct.includes('application/x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
        else if (ct.includes('multipart/form-data')) {
          const parts = parseMultipart(body, ct);
          const uploads = new Map(parts.filter((p) => p.filename !== undefined).map((p) => [p.name, p]));
          for (const p of parts) {
            if (p.filename !== undefined) continue;
            const v = p.data.toString('utf8');
            const attach = /^attach:\/\/(.+)$/.exec(v);
            const up = attach ? uploads.get(attach[1]) : uploads.get(p.name);
            if (up) files.push({ field: p.name, filename: up.filename ?? p.name, contentType: up.contentType ?? 'application/octet-stream', bytes: up.data });
            params[p.name] = v;
          }
          // a file sent directly under the field name (no attach://)
          for (const [name, up] of uploads) {
            if (!(name in params)) {
              files.push({ field: name, filename: up.filename ?? name, contentType: up.contentType ?? 'application/octet-stream', bytes: up.data });
              params[name] = `attach://${name}`;
            }
          }
        }
      }
      if (typeof params.reply_markup === 'string') params.reply_markup = JSON.parse(params.reply_markup) as unknown;
      if (typeof params.commands === 'string') params.commands = JSON.parse(params.commands) as unknown;
    } catch {
      this.record(method, params, files, 400, 'Bad Request: invalid request body');
      this.reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
      return;
    }
    if (method === 'getUpdates') {
      await this.getUpdates(params, res);
      return;
    }
    try {
      const result = this.call(method, params, files);
      this.record(method, params, files, 200);
      this.reply(res, 200, { ok: true, result });
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      this.record(method, params, files, e.code, e.description);
      this.reply(res, e.code, { ok: false, error_code: e.code, description: e.description, ...(e.parameters ? { parameters: e.parameters } : {}) });
    }
  }

  private record(method: string, params: Params, files: UploadedFile[], status: number, error?: string): number {
    const seq = ++this.seq;
    this.calls.push({ seq, method, params, files, status, error, at: Date.now() });
    // notify after the current call is complete
    setImmediate(() => {
      for (const w of [...this.waiters]) w();
    });
    return seq;
  }

  // ---------------------------------------------------------------- updates

  private pending(offset: number, limit: number): Update[] {
    return this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
  }

  private flushPolls(): void {
    for (const p of [...this.polls]) {
      const ups = this.pending(p.offset, p.limit);
      if (ups.length) {
        clearTimeout(p.timer);
        this.polls.delete(p);
        p.resolve(ups);
      }
    }
  }

  private async getUpdates(params: Params, res: ServerResponse): Promise<void> {
    if (this.webhook) {
      const d = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
      this.record('getUpdates', params, [], 409, d);
      this.reply(res, 409, { ok: false, error_code: 409, description: d });
      return;
    }
    this.record('getUpdates', params, [], 200);
    const offset = Number(params.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    const timeout = Math.max(0, Number(params.timeout ?? 0));
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset); // confirmed
    let ups = this.pending(offset, limit);
    if (!ups.length && timeout > 0) {
      ups = await new Promise<Update[]>((resolve) => {
        const poll: Poll = { offset, limit, resolve, timer: setTimeout(() => {
          this.polls.delete(poll);
          resolve([]);
        }, timeout * 1000) };
        this.polls.add(poll);
        res.once('close', () => {
          if (this.polls.delete(poll)) {
            clearTimeout(poll.timer);
            resolve([]);
          }
        });
      });
    }
    if (res.destroyed || res.writableEnded) return; // the client gave up (runner stopped): nothing delivered
    this.reply(res, 200, { ok: true, result: ups });
  }

  // ---------------------------------------------------------------- webhook

  private startWebhookLoop(): void {
    if (this.webhookLoop) return;
    this.webhookLoop = (async () => {
      while (this.webhook && this.server) {
        const next = this.updates.find((u) => u.update_id >= this.deliveredUpTo);
        if (!next) {
          await new Promise<void>((resolve) => {
            this.webhookWake = resolve;
          });
          this.webhookWake = null;
          continue;
        }
        const hook = this.webhook;
        let status = 0;
        try {
          const r = await fetch(hook.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(hook.secret ? { 'X-Telegram-Bot-Api-Secret-Token': hook.secret } : {}) },
            body: JSON.stringify(next),
          });
          status = r.status;
          await r.arrayBuffer();
        } catch {
          status = 0;
        }
        this.webhookStatuses.push(status);
        if (status >= 200 && status < 300) {
          this.deliveredUpTo = next.update_id + 1;
          this.updates = this.updates.filter((u) => u.update_id !== next.update_id);
        } else await sleep(200);
      }
      this.webhookLoop = null;
    })();
  }

  // ---------------------------------------------------------------- methods

  private nextMessageId(chatId: number): number {
    const n = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, n);
    return n;
  }

  private storeFile(bytes: Buffer, dir: string, ext: string): StoredFile {
    const n = this.nextFile++;
    const f: StoredFile = { file_id: `FILE${n}xyz`, file_unique_id: `U${n}`, file_path: `${dir}/file_${n}.${ext}`, bytes };
    this.files.set(f.file_id, f);
    return f;
  }

  private chatId(params: Params): number {
    const raw = params.chat_id;
    const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(id)) throw new ApiFailure(400, 'Bad Request: chat_id is empty');
    if (this.gone.has(id)) throw new ApiFailure(400, 'Bad Request: chat not found');
    if (this.blocked.has(id)) throw new ApiFailure(403, 'Forbidden: bot was blocked by the user');
    return id;
  }

  private checkMarkup(params: Params): ReplyMarkup | undefined {
    const rm = params.reply_markup as ReplyMarkup | undefined;
    if (!rm) return undefined;
    for (const row of rm.inline_keyboard ?? []) {
      for (const b of row) {
        if (typeof b.text !== 'string' || !b.text) throw new ApiFailure(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
        if (b.callback_data !== undefined && (Buffer.byteLength(b.callback_data) > 64 || Buffer.byteLength(b.callback_data) < 1)) throw new ApiFailure(400, 'Bad Request: BUTTON_DATA_INVALID');
      }
    }
    return rm;
  }

  private visible(text: string, parseMode: unknown): string {
    if (parseMode === 'HTML') {
      const r = parseTelegramHtml(text);
      if (!r.ok) throw new ApiFailure(400, r.error);
      return r.text;
    }
    return text;
  }

  private call(method: string, params: Params, files: UploadedFile[]): unknown {
    const fi = this.failures.findIndex((f) => f.method === method);
    if (fi >= 0) {
      const f = this.failures.splice(fi, 1)[0];
      throw new ApiFailure(f.code, f.description, f.parameters);
    }
    const paid = params.allow_paid_broadcast === true || params.allow_paid_broadcast === 'true';
    if (paid && this.paidRateLimitPerSecond && SEND_METHODS.has(method)) {
      const now = Date.now();
      this.paidSendTimes = this.paidSendTimes.filter((t) => t > now - 1000);
      if (this.paidSendTimes.length >= this.paidRateLimitPerSecond) throw new ApiFailure(429, 'Too Many Requests: retry after 1', { retry_after: 1 });
      this.paidSendTimes.push(now);
    } else if (this.rateLimitPerSecond && SEND_METHODS.has(method) && method !== 'sendChatAction' && method !== 'answerCallbackQuery') {
      const now = Date.now();
      this.sendTimes = this.sendTimes.filter((t) => t > now - 1000);
      if (this.sendTimes.length >= this.rateLimitPerSecond) throw new ApiFailure(429, 'Too Many Requests: retry after 1', { retry_after: 1 });
      this.sendTimes.push(now);
    }
    switch (method) {
      case 'getMe':
        return this.botInfo;
      case 'logOut':
      case 'close':
        return true;
      case 'setMyCommands': {
        const cmds = params.commands as { command: string; description: string }[] | undefined;
        if (!Array.isArray(cmds)) throw new ApiFailure(400, 'Bad Request: commands must be an array');
        for (const c of cmds) if (!/^[a-z0-9_]{1,32}$/.test(c.command) || !c.description || c.description.length > 256) throw new ApiFailure(400, 'Bad Request: BOT_COMMAND_INVALID');
        this.commands.set(String(params.language_code ?? ''), cmds);
        return true;
      }
      case 'getMyCommands':
        return this.commands.get(String(params.language_code ?? '')) ?? [];
      case 'setWebhook': {
        const url = String(params.url ?? '');
        if (!url) {
          this.webhook = null;
          return true;
        }
        if (!/^https?:\/\//.test(url)) throw new ApiFailure(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        const secret = params.secret_token === undefined ? null : String(params.secret_token);
        if (secret !== null && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new ApiFailure(400, 'Bad Request: secret token contains unallowed characters');
        this.webhook = { url, secret };
        if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') this.updates = [];
        this.startWebhookLoop();
        this.webhookWake?.();
        return true;
      }
      case 'deleteWebhook':
        this.webhook = null;
        this.webhookWake?.();
        if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') this.updates = [];
        return true;
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.updates.length };
      case 'sendChatAction':
        this.chatId(params);
        if (!['typing', 'upload_photo', 'upload_document'].includes(String(params.action))) throw new ApiFailure(400, 'Bad Request: wrong parameter action in request');
        return true;
      case 'sendMessage': {
        const chat = this.chatId(params);
        const raw = String(params.text ?? '');
        const text = this.visible(raw, params.parse_mode);
        if (!text.trim()) throw new ApiFailure(400, 'Bad Request: message text is empty');
        if (text.length > 4096) throw new ApiFailure(400, 'Bad Request: message is too long');
        const rm = this.checkMarkup(params);
        return this.store({ method: 'sendMessage', chat_id: chat, text, raw, parse_mode: params.parse_mode as string | undefined, reply_markup: rm });
      }
      case 'sendPhoto':
      case 'sendDocument': {
        const chat = this.chatId(params);
        const field = method === 'sendPhoto' ? 'photo' : 'document';
        const ref = params[field];
        if (ref === undefined) throw new ApiFailure(400, `Bad Request: there is no ${field} in the request`);
        const file = files.find((f) => f.field === field);
        if (typeof ref === 'string' && ref.startsWith('attach://') && !file) throw new ApiFailure(400, `Bad Request: wrong file identifier/HTTP URL specified`);
        const rawCaption = params.caption === undefined ? undefined : String(params.caption);
        const caption = rawCaption === undefined ? undefined : this.visible(rawCaption, params.parse_mode);
        if (caption && caption.length > 1024) throw new ApiFailure(400, 'Bad Request: message caption is too long');
        const rm = this.checkMarkup(params);
        return this.store({ method, chat_id: chat, caption, raw: rawCaption, parse_mode: params.parse_mode as string | undefined, reply_markup: rm, file, fileRef: file ? undefined : String(ref) });
      }
      case 'answerCallbackQuery': {
        const id = String(params.callback_query_id ?? '');
        if (!this.openCallbacks.delete(id)) throw new ApiFailure(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        return true;
      }
      case 'editMessageReplyMarkup':
      case 'editMessageText': {
        const chat = this.chatId(params);
        const msg = this.messages.get(`${chat}:${Number(params.message_id)}`);
        if (!msg) throw new ApiFailure(400, 'Bad Request: message to edit not found');
        const rm = this.checkMarkup(params);
        if (method === 'editMessageText') {
          const raw = String(params.text ?? '');
          msg.text = this.visible(raw, params.parse_mode);
          msg.raw = raw;
        } else if (JSON.stringify(rm ?? null) === JSON.stringify(msg.reply_markup ?? null) || (!rm && !msg.reply_markup)) {
          throw new ApiFailure(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        }
        msg.reply_markup = rm && (rm.inline_keyboard?.length ?? 0) > 0 ? rm : undefined;
        return { message_id: msg.message_id, chat: { id: chat, type: 'private' }, date: Math.floor(msg.at / 1000), text: msg.text };
      }
      case 'deleteMessage': {
        const chat = this.chatId(params);
        if (!this.messages.delete(`${chat}:${Number(params.message_id)}`)) throw new ApiFailure(400, 'Bad Request: message to delete not found');
        return true;
      }
      case 'getFile': {
        const f = this.files.get(String(params.file_id ?? ''));
        if (!f) throw new ApiFailure(400, 'Bad Request: invalid file_id');
        return { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.bytes.length, file_path: f.file_path };
      }
      default:
        throw new ApiFailure(404, 'Not Found');
    }
  }

  private store(m: Omit<SentMessage, 'seq' | 'message_id' | 'at'>): Record<string, unknown> {
    const msg: SentMessage = { ...m, seq: this.seq + 1, message_id: this.nextMessageId(m.chat_id), at: Date.now() };
    this.sent.push(msg);
    this.messages.set(`${msg.chat_id}:${msg.message_id}`, msg);
    const user = this.users.get(msg.chat_id);
    const result: Record<string, unknown> = { message_id: msg.message_id, from: this.botInfo, chat: user ? this.chatOf(user) : { id: msg.chat_id, type: 'private' }, date: Math.floor(msg.at / 1000) };
    if (msg.text !== undefined) result.text = msg.text;
    if (msg.caption !== undefined) result.caption = msg.caption;
    if (msg.method === 'sendPhoto') result.photo = [{ file_id: `SENT${msg.seq}`, file_unique_id: `S${msg.seq}`, width: 800, height: 600 }];
    if (msg.method === 'sendDocument') result.document = { file_id: `SENT${msg.seq}`, file_unique_id: `S${msg.seq}`, file_name: msg.file?.filename };
    if (msg.reply_markup) result.reply_markup = msg.reply_markup;
    return result;
  }
}
