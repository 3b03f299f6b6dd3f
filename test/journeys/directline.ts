/**
 * A Direct Line 3.0 client over real HTTP for the journeys: token, conversation, messages and
 * photo uploads, and "the bot's reply to my message" (the turn ends at a prompt or after a pause).
 */
import type { Activity } from 'botbuilder';
import type { KroplaMarks } from '../../dialogs/context';

export type BotActivity = Partial<Activity> & { id: string; channelData?: { kropla?: KroplaMarks } };

export interface Conversation {
  conversationId: string;
  token: string;
  userId: string;
}

/** A 1×1 PNG: what a customer's meter photo stands for. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function call(url: string, method: string, path: string, token?: string, body?: unknown, address?: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  if (address) headers['X-Forwarded-For'] = address;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Journeys opened so far: each customer writes from an address of their own (the server trusts one proxy hop). */
let opened = 0;

export class DirectLineClient {
  private watermark = '';
  /** Every activity of the conversation so far (customer's and bot's), in order. */
  readonly activities: BotActivity[] = [];

  private constructor(private readonly url: string, readonly conv: Conversation, private readonly locale: string, private readonly address: string) {}

  /**
   * A new customer's chat. Real customers write from addresses of their own, so each journey gets one
   * (`X-Forwarded-For`, 10.77.x.y): the per-address limits (e-mailed link codes: 10 an hour) then count one
   * customer, not the whole suite, and a journey's result does not depend on how many ran before it.
   */
  static async open(url: string, locale: string): Promise<DirectLineClient> {
    const n = ++opened;
    const address = `10.77.${(n >> 8) & 255}.${n & 255}`;
    const t = await call(url, 'POST', '/api/webchat/token', undefined, undefined, address);
    const c = await call(url, 'POST', '/v3/directline/conversations', t.token as string, { user: { id: 'journey' } }, address);
    return new DirectLineClient(url, { conversationId: c.conversationId as string, token: c.token as string, userId: t.userId as string }, locale, address);
  }

  /** Sends a message (text, optionally with a photo) and returns the bot's replies to it. */
  async send(text: string | undefined, photo = false, opts: { quietMs?: number; maxMs?: number } = {}): Promise<BotActivity[]> {
    const activity = { type: 'message', text: text ?? '', locale: this.locale, from: { id: this.conv.userId, role: 'user' } };
    let id: string;
    if (photo) {
      const boundary = `----journey${Math.random().toString(16).slice(2)}`;
      const parts = [
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="activity"\r\nContent-Type: application/vnd.microsoft.activity\r\n\r\n${JSON.stringify(activity)}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="licznik.png"\r\nContent-Type: image/png\r\n\r\n`), PNG, Buffer.from(`\r\n--${boundary}--\r\n`),
      ];
      const r = await fetch(`${this.url}/v3/directline/conversations/${this.conv.conversationId}/upload?userId=${this.conv.userId}`, {
        method: 'POST', headers: { Authorization: `Bearer ${this.conv.token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'X-Forwarded-For': this.address }, body: new Uint8Array(Buffer.concat(parts)),
      });
      const body = (await r.json()) as { id?: string };
      if (!r.ok || !body.id) throw new Error(`upload: ${r.status}`);
      id = body.id;
    } else {
      id = (await call(this.url, 'POST', `/v3/directline/conversations/${this.conv.conversationId}/activities`, this.conv.token, activity, this.address)).id as string;
    }
    return this.repliesTo(id, opts.quietMs ?? 700, opts.maxMs ?? 15_000);
  }

  /**
   * Polls until the bot's turn for `id` is over: its last reply is a prompt (the bot waits), or
   * nothing new arrived for `quietMs` after a reply, or `maxMs` passed.
   */
  private async repliesTo(id: string, quietMs: number, maxMs: number): Promise<BotActivity[]> {
    const start = Date.now();
    let lastNew = Date.now();
    const mine: BotActivity[] = [];
    for (;;) {
      const r = await call(this.url, 'GET', `/v3/directline/conversations/${this.conv.conversationId}/activities?watermark=${this.watermark}`, this.conv.token);
      const acts = (r.activities as BotActivity[]) ?? [];
      this.watermark = String(r.watermark ?? this.watermark);
      if (acts.length) lastNew = Date.now();
      for (const a of acts) {
        this.activities.push(a);
        if (a.from?.role === 'bot' && a.type === 'message') mine.push(a);
      }
      const last = mine[mine.length - 1];
      if (last?.channelData?.kropla?.expects) return mine;
      const now = Date.now();
      if (mine.length && now - lastNew >= quietMs) return mine;
      if (!mine.length && now - start >= Math.min(maxMs, 6000) && now - lastNew >= quietMs) return mine;
      if (now - start >= maxMs) return mine;
      await new Promise((res) => setTimeout(res, 40));
    }
    void id;
  }
}
