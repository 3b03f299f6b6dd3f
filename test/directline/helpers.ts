/** A minimal Direct Line 3.0 client over real HTTP and WebSocket, for the protocol tests. */
import WebSocket from 'ws';
import type { Activity } from 'botbuilder';

export interface Conversation {
  conversationId: string;
  token: string;
  streamUrl: string;
  userId: string;
}

export interface ActivitySet {
  activities: Array<Partial<Activity> & { id: string }>;
  watermark: string;
}

export async function call(url: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
  }
  const r = await fetch(url + path, { method, headers, body });
  const text = await r.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { raw: text };
  }
  return { status: r.status, body: parsed, headers: r.headers };
}

/** Issues a token and opens its conversation. */
export async function openConversation(url: string): Promise<Conversation> {
  const t = await call(url, 'POST', '/api/webchat/token');
  if (t.status !== 200) throw new Error(`token: ${t.status}`);
  const c = await call(url, 'POST', '/v3/directline/conversations', { token: t.body.token as string, body: { user: { id: 'ignored' } } });
  if (c.status !== 201) throw new Error(`conversation: ${c.status}`);
  return { conversationId: c.body.conversationId as string, token: c.body.token as string, streamUrl: c.body.streamUrl as string, userId: t.body.userId as string };
}

export async function postMessage(url: string, conv: Conversation, text: string, clientActivityID = `c-${Math.random().toString(36).slice(2)}`): Promise<string> {
  const r = await call(url, 'POST', `/v3/directline/conversations/${conv.conversationId}/activities`, {
    token: conv.token,
    body: { type: 'message', text, locale: 'pl-PL', from: { id: 'someone-else', role: 'bot' }, channelData: { clientActivityID } },
  });
  if (r.status !== 200) throw new Error(`post: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

export async function getActivities(url: string, conv: Conversation, watermark = ''): Promise<ActivitySet> {
  const r = await call(url, 'GET', `/v3/directline/conversations/${conv.conversationId}/activities?watermark=${watermark}`, { token: conv.token });
  if (r.status !== 200) throw new Error(`get: ${r.status}`);
  return r.body as unknown as ActivitySet;
}

/** Polls until `pred` holds for the conversation's activities (at most `ms`). */
export async function waitForActivities(url: string, conv: Conversation, pred: (a: ActivitySet['activities']) => boolean, ms = 10_000): Promise<ActivitySet['activities']> {
  const until = Date.now() + ms;
  for (;;) {
    const { activities } = await getActivities(url, conv);
    if (pred(activities)) return activities;
    if (Date.now() > until) throw new Error(`condition not met; activities: ${JSON.stringify(activities.map((a) => [a.from?.role, a.text]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An open stream that collects every frame. */
export class StreamClient {
  readonly frames: ActivitySet[] = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const s = data.toString();
      if (!s) return;
      this.frames.push(JSON.parse(s) as ActivitySet);
      for (const w of this.waiters) w();
    });
  }

  static open(streamUrl: string, headers: Record<string, string> = {}): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(streamUrl, { headers });
      const client = new StreamClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  get activities(): ActivitySet['activities'] {
    return this.frames.flatMap((f) => f.activities);
  }

  async waitFor(pred: (a: ActivitySet['activities']) => boolean, ms = 10_000): Promise<ActivitySet['activities']> {
    const until = Date.now() + ms;
    while (!pred(this.activities)) {
      if (Date.now() > until) throw new Error(`stream condition not met; got ${JSON.stringify(this.activities.map((a) => [a.type, a.from?.role, a.text]))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
      this.waiters = [];
    }
    return this.activities;
  }

  close(): void {
    this.ws.close();
  }
}

/** A multipart body as DirectLineJS builds it: an `activity` part and `file` parts. */
export function multipart(parts: Array<{ name: string; fileName?: string; contentType: string; data: Buffer }>): { body: Buffer; contentType: string } {
  const boundary = `----kropla${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.fileName !== undefined ? `; filename="${p.fileName}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\nContent-Type: ${p.contentType}\r\n\r\n`, 'utf8'), p.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(url: string, conv: Conversation, body: Buffer, contentType: string, token = conv.token, conversationId = conv.conversationId): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${url}/v3/directline/conversations/${conversationId}/upload?userId=${conv.userId}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType }, body: new Uint8Array(body) });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A tiny valid PNG (1×1). */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
/** A tiny PDF. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
