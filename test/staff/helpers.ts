/** Shared setup of the staff tests: a real app on a free port with a temp SQLite file, and a cookie-keeping client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Recognizer } from '../../src/nlu';
import { StaffAuth } from '../../src/staff/StaffAuth';
import type { StaffRole } from '../../models/StaffUser';
import type { ChatConversation } from '../../models';

export const PASSWORD = 'Sekretne-Haslo-2026';

const noNlu: Recognizer = {
  recognize: (text) => ({ text, language: 'pl', intent: 'None', score: 1, intents: [], entities: [] }),
};

export interface TestEnv {
  app: App;
  dir: string;
  url: string;
  stop(): Promise<void>;
}

export async function startApp(extraEnv: Record<string, string> = {}): Promise<TestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-staff-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dir}/k.sqlite`, DEMO_DATA: '1', ADMIN_API_TOKEN: 'test-admin-token-123456', LOG_LEVEL: 'silent', ...extraEnv });
  const app = await createApp(config, { recognizer: noNlu, workers: false });
  await app.start();
  return {
    app,
    dir,
    url: app.url,
    async stop() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function addStaff(app: App, email: string, role: StaffRole, name = 'Anna Nowak'): Promise<number> {
  const r = await new StaffAuth(app.ds).upsert({ email, name, role, password: PASSWORD });
  return r.staff.id;
}

let chatSeq = 0;

/** A chat on a channel and a case filed from it. */
export async function chatAndCase(app: App, opts: { channel?: string; kind?: 'complaint' | 'message' | 'outage_report' | 'handoff'; text?: string; customerNumber?: string | null; locale?: string } = {}) {
  const channel = opts.channel ?? 'telegram';
  const chat: ChatConversation = await app.services.chats.touch({ channel, conversationId: `conv-${++chatSeq}-${Date.now()}`, userId: `user-${chatSeq}`, reference: { channelId: channel }, locale: opts.locale ?? 'pl' });
  const customer = opts.customerNumber === null ? null : await app.services.customers.byNumber(opts.customerNumber ?? (await firstCustomerNumber(app)));
  await app.services.chats.record(chat.id, 'customer', 'Faktura jest za wysoka');
  await app.services.chats.record(chat.id, 'bot', 'Czy złożyć reklamację?');
  const kind = opts.kind ?? 'complaint';
  const c = await app.services.cases.create({ kind, category: kind === 'handoff' ? 'handoff' : 'invoice', text: opts.text ?? 'Faktura za styczeń jest za wysoka.', customerId: customer?.id ?? null, channel, chatId: chat.id });
  return { chat, caseRecord: c, customer };
}

async function firstCustomerNumber(app: App): Promise<string> {
  const rows = await app.ds.query('SELECT "customerNumber" FROM "customer" ORDER BY "id" LIMIT 1') as { customerNumber: string }[];
  return rows[0].customerNumber;
}

export interface Reply {
  status: number;
  body: Record<string, unknown> & { error?: string; field?: string };
  headers: Headers;
}

/** A staff member's browser: keeps the session cookie and sends the CSRF token on changes. */
export class StaffClient {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async login(email: string, password = PASSWORD, extra: Record<string, unknown> = {}): Promise<Reply> {
    const r = await this.call('POST', '/api/staff/login', { email, password, ...extra });
    if (r.status === 200) this.csrf = String(r.body.csrfToken);
    return r;
  }

  async call(method: string, path: string, body?: unknown, opts: { csrf?: string | null; cookie?: string | null } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const cookie = opts.cookie === undefined ? this.cookie : opts.cookie;
    if (cookie) headers.cookie = cookie;
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
}
