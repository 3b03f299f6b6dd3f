/**
 * Direct Line 3.0 over real HTTP and WebSocket against a started app on SQLite: conversations,
 * echo with clientActivityID, watermarks, streaming, uploads, files, proactive delivery, and every
 * refusal answering 4xx while the server stays healthy. Independent of the dialogs' wording.
 */
import type { TurnContext } from 'botbuilder';
import { ChatConversation } from '../../models';
import { directLineOf } from '../../src/channels/directline';
import { DirectLineTokens } from '../../src/channels/directline/tokens';
import { admin, startTestApp, type TestApp } from '../support/browser';
import { call, getActivities, multipart, openConversation, PDF, PNG, postMessage, StreamClient, upload, waitForActivities, type Conversation } from './helpers';

jest.setTimeout(60_000);

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await startTestApp({ WEBCHAT_MAX_UPLOAD_BYTES: String(64 * 1024) });
  url = t.url;
});
afterAll(async () => {
  await t?.stop();
});

async function healthy(): Promise<void> {
  const r = await fetch(`${url}/healthz`);
  expect(r.status).toBe(200);
}

const botReplies = <T extends { from?: { role?: string } }>(acts: T[]): T[] => acts.filter((a) => a.from?.role === 'bot');

describe('conversations and tokens', () => {
  it('issues a token that opens exactly one conversation', async () => {
    const tok = await call(url, 'POST', '/api/webchat/token');
    expect(tok.status).toBe(200);
    expect(typeof tok.body.token).toBe('string');
    expect(tok.body.expires_in).toBe(3600);
    expect(tok.headers.get('cache-control')).toBe('no-store');
    const first = await call(url, 'POST', '/v3/directline/conversations', { token: tok.body.token as string });
    expect(first.status).toBe(201);
    expect(first.body.conversationId).toBe(tok.body.conversationId);
    expect(String(first.body.streamUrl)).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${t.app.port}/v3/directline/conversations/${first.body.conversationId}/stream\\?`));
    const again = await call(url, 'POST', '/v3/directline/conversations', { token: tok.body.token as string });
    expect(again.status).toBe(200);
    expect(again.body.conversationId).toBe(first.body.conversationId);
    // The user id is in the token (Web Chat reads the `user` claim of the JWT).
    const claims = JSON.parse(Buffer.from(String(tok.body.token).split('.')[1], 'base64url').toString()) as { user: string };
    expect(claims.user).toBe(tok.body.userId);
  });

  it('refreshes a token for the same conversation', async () => {
    const conv = await openConversation(url);
    const r = await call(url, 'POST', '/v3/directline/tokens/refresh', { token: conv.token });
    expect(r.status).toBe(200);
    expect(r.body.conversationId).toBe(conv.conversationId);
    const list = await call(url, 'GET', `/v3/directline/conversations/${conv.conversationId}/activities`, { token: r.body.token as string });
    expect(list.status).toBe(200);
  });

  it('reconnect (GET conversation) returns a fresh token and a streamUrl carrying the watermark', async () => {
    const conv = await openConversation(url);
    const r = await call(url, 'GET', `/v3/directline/conversations/${conv.conversationId}?watermark=3`, { token: conv.token });
    expect(r.status).toBe(200);
    expect(r.body.conversationId).toBe(conv.conversationId);
    expect(String(r.body.streamUrl)).toContain('watermark=3');
    expect(typeof r.body.token).toBe('string');
  });
});

describe('activities', () => {
  let conv: Conversation;
  beforeAll(async () => {
    conv = await openConversation(url);
  });

  it('echoes the message with an id and the same clientActivityID, from the token user, and the bot replies', async () => {
    const id = await postMessage(url, conv, 'dzień dobry', 'client-1');
    expect(id).toMatch(new RegExp(`^${conv.conversationId}\\|\\d{7}$`));
    const acts = await waitForActivities(url, conv, (a) => botReplies(a).length >= 1);
    const echo = acts.find((a) => a.id === id);
    expect(echo).toBeDefined();
    expect((echo?.channelData as { clientActivityID?: string }).clientActivityID).toBe('client-1');
    expect(echo?.from).toEqual({ id: conv.userId, name: '', role: 'user' });
    expect(echo?.text).toBe('dzień dobry');
    const reply = botReplies(acts)[0];
    expect(reply.replyToId).toBe(id);
    expect(reply.from?.id).toBe('kropla');
    expect(reply.conversation?.id).toBe(conv.conversationId);
    expect(acts.map((a) => a.id)).toEqual([...acts.map((a) => a.id)].sort());
  });

  it('resumes from a watermark, and a reload with the same token sees the whole history', async () => {
    const all = await getActivities(url, conv);
    const w = all.watermark;
    expect(Number(w)).toBeGreaterThanOrEqual(2);
    const none = await getActivities(url, conv, w);
    expect(none.activities).toEqual([]);
    expect(none.watermark).toBe(w);
    await postMessage(url, conv, 'drugie pytanie');
    await directLineOf(t.app)?.idle();
    const after = await getActivities(url, conv, w);
    expect(after.activities[0].text).toBe('drugie pytanie');
    expect(Number(after.watermark)).toBeGreaterThan(Number(w));
    expect(after.activities.every((a) => Number(a.id.split('|')[1]) > Number(w))).toBe(true);
    // "Reload": refresh the token and read from the start.
    const refreshed = await call(url, 'POST', '/v3/directline/tokens/refresh', { token: conv.token });
    const history = await getActivities(url, { ...conv, token: refreshed.body.token as string });
    expect(history.activities.map((a) => a.text)).toEqual(expect.arrayContaining(['dzień dobry', 'drugie pytanie']));
    expect(history.activities.length).toBe(all.activities.length + after.activities.length);
  });

  it('ignores typing from the user (not stored) and accepts events', async () => {
    const before = (await getActivities(url, conv)).activities.length;
    const typing = await call(url, 'POST', `/v3/directline/conversations/${conv.conversationId}/activities`, { token: conv.token, body: { type: 'typing' } });
    expect(typing.status).toBe(200);
    const ev = await call(url, 'POST', `/v3/directline/conversations/${conv.conversationId}/activities`, { token: conv.token, body: { type: 'event', name: 'webchat/join', value: { locale: 'pl-PL' } } });
    expect(ev.status).toBe(200);
    await directLineOf(t.app)?.idle();
    const acts = (await getActivities(url, conv)).activities;
    expect(acts.some((a) => a.type === 'typing')).toBe(false);
    expect(acts.filter((a) => a.type === 'event' && a.name === 'webchat/join')).toHaveLength(1);
    expect(acts.length).toBeGreaterThan(before);
  });
});

describe('WebSocket streaming', () => {
  it('sends the backlog after the watermark, then echoes and bot replies as they happen', async () => {
    const conv = await openConversation(url);
    await postMessage(url, conv, 'pierwsza');
    await directLineOf(t.app)?.idle();
    const stream = await StreamClient.open(conv.streamUrl);
    try {
      await stream.waitFor((a) => a.some((x) => x.text === 'pierwsza') && botReplies(a).length >= 1);
      const id = await postMessage(url, conv, 'przez strumień', 'ws-1');
      const acts = await stream.waitFor((a) => a.some((x) => x.replyToId === id));
      const echo = acts.find((a) => a.id === id);
      expect((echo?.channelData as { clientActivityID?: string }).clientActivityID).toBe('ws-1');
      const marks = stream.frames.filter((f) => f.activities.some((a) => a.type !== 'typing')).map((f) => Number(f.watermark));
      expect(marks).toEqual([...marks].sort((a, b) => a - b));
      const ids = acts.filter((a) => a.type !== 'typing').map((a) => a.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      stream.close();
    }
  });

  it('resumes a stream from the watermark of a reconnect', async () => {
    const conv = await openConversation(url);
    await postMessage(url, conv, 'raz');
    await directLineOf(t.app)?.idle();
    const { watermark } = await getActivities(url, conv);
    await postMessage(url, conv, 'dwa');
    await directLineOf(t.app)?.idle();
    const re = await call(url, 'GET', `/v3/directline/conversations/${conv.conversationId}?watermark=${watermark}`, { token: conv.token });
    const stream = await StreamClient.open(re.body.streamUrl as string);
    try {
      const acts = await stream.waitFor((a) => a.some((x) => x.text === 'dwa'));
      expect(acts.some((a) => a.text === 'raz')).toBe(false);
    } finally {
      stream.close();
    }
  });

  it('streams typing indicators the bot sends', async () => {
    const conv = await openConversation(url);
    const stream = await StreamClient.open(conv.streamUrl);
    const spy = jest.spyOn(t.app.bot, 'run').mockImplementationOnce(async (ctx: TurnContext) => {
      await ctx.sendActivity({ type: 'typing' });
      await ctx.sendActivity('gotowe');
    });
    try {
      await postMessage(url, conv, 'pokaż wykres');
      const acts = await stream.waitFor((a) => a.some((x) => x.text === 'gotowe'));
      expect(acts.some((a) => a.type === 'typing' && a.from?.role === 'bot')).toBe(true);
      expect((await getActivities(url, conv)).activities.some((a) => a.type === 'typing')).toBe(false);
    } finally {
      spy.mockRestore();
      stream.close();
    }
  });

  it('refuses a stream with a bad token, another conversation, or a REST token', async () => {
    const a = await openConversation(url);
    const b = await openConversation(url);
    const tokenOfA = new URL(a.streamUrl).searchParams.get('t') as string;
    const wsBase = url.replace('http', 'ws');
    await expect(StreamClient.open(`${wsBase}/v3/directline/conversations/${b.conversationId}/stream?t=${tokenOfA}`)).rejects.toThrow('403');
    await expect(StreamClient.open(`${wsBase}/v3/directline/conversations/${a.conversationId}/stream?t=${a.token}`)).rejects.toThrow('403');
    await expect(StreamClient.open(`${wsBase}/v3/directline/conversations/${a.conversationId}/stream?t=${tokenOfA}x`)).rejects.toThrow('403');
    await expect(StreamClient.open(`${wsBase}/v3/directline/conversations/${a.conversationId}/stream`)).rejects.toThrow('403');
    await expect(StreamClient.open(`${wsBase}/v3/directline/nothing`)).rejects.toThrow('404');
    await healthy();
  });
});

describe('uploads and files', () => {
  it('stores an uploaded photo, echoes it with a link, and gives the bot a data: URL', async () => {
    const conv = await openConversation(url);
    // Files are taken when a prompt asks for one (issue 15, V3): the bot's last message waits for attachments.
    await directLineOf(t.app)!.append(conv.conversationId, conv.userId, { type: 'message', text: 'Proszę dołączyć zdjęcie.', channelData: { kropla: { expects: 'attachments' } } });
    const seen: Array<{ contentType?: string; contentUrl?: string; name?: string }> = [];
    const spy = jest.spyOn(t.app.bot, 'run').mockImplementationOnce(async (ctx: TurnContext) => {
      seen.push(...(ctx.activity.attachments ?? []));
      await ctx.sendActivity('mam zdjęcie');
    });
    try {
      const activity = { type: 'message', text: 'licznik', channelData: { clientActivityID: 'up-1' }, attachments: [{ contentType: 'image/png', name: 'licznik.png' }] };
      const mp = multipart([
        { name: 'activity', contentType: 'application/vnd.microsoft.activity', data: Buffer.from(JSON.stringify(activity)) },
        { name: 'file', fileName: 'licznik.png', contentType: 'image/png', data: PNG },
      ]);
      const r = await upload(url, conv, mp.body, mp.contentType);
      expect(r.status).toBe(200);
      const acts = await waitForActivities(url, conv, (a) => a.some((x) => x.text === 'mam zdjęcie'));
      const echo = acts.find((a) => a.id === r.body.id);
      expect((echo?.channelData as { clientActivityID?: string }).clientActivityID).toBe('up-1');
      const att = echo?.attachments?.[0];
      expect(att?.contentType).toBe('image/png');
      expect(att?.name).toBe('licznik.png');
      expect(att?.contentUrl).toMatch(new RegExp(`^${url}/v3/directline/attachments/[A-Za-z0-9_-]{32}$`));
      const file = await fetch(att?.contentUrl as string);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
      expect(seen).toEqual([{ contentType: 'image/png', name: 'licznik.png', contentUrl: `data:image/png;base64,${PNG.toString('base64')}` }]);
      const chat = await t.app.ds.getRepository(ChatConversation).findOneByOrFail({ channel: 'webchat', conversationId: conv.conversationId });
      const key = (att?.contentUrl as string).split('/').pop();
      const row = await directLineOf(t.app)?.store.file(key as string);
      expect(row?.chatId).toBe(chat.id);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses an oversized file (413), a wrong type (415), a non-multipart body (415) and an upload without a file (400)', async () => {
    const conv = await openConversation(url);
    const big = Buffer.concat([PNG, Buffer.alloc(70 * 1024)]);
    const mpBig = multipart([{ name: 'file', fileName: 'duze.png', contentType: 'image/png', data: big }]);
    expect((await upload(url, conv, mpBig.body, mpBig.contentType)).status).toBe(413);
    await healthy();
    const huge = multipart([{ name: 'file', fileName: 'ogromne.png', contentType: 'image/png', data: Buffer.concat([PNG, Buffer.alloc(300 * 1024)]) }]);
    expect((await upload(url, conv, huge.body, huge.contentType)).status).toBe(413);
    await healthy();
    const exe = multipart([{ name: 'file', fileName: 'zdjecie.png', contentType: 'image/png', data: Buffer.from('MZ\x90\x00 not really a png', 'latin1') }]);
    expect((await upload(url, conv, exe.body, exe.contentType)).status).toBe(415);
    const txt = multipart([{ name: 'file', fileName: 'a.txt', contentType: 'text/plain', data: PNG }]);
    expect((await upload(url, conv, txt.body, txt.contentType)).status).toBe(415);
    expect((await upload(url, conv, PNG, 'image/png')).status).toBe(415);
    const noFile = multipart([{ name: 'activity', contentType: 'application/vnd.microsoft.activity', data: Buffer.from('{"type":"message"}') }]);
    expect((await upload(url, conv, noFile.body, noFile.contentType)).status).toBe(400);
    const badJson = multipart([{ name: 'activity', contentType: 'application/vnd.microsoft.activity', data: Buffer.from('{nope') }, { name: 'file', fileName: 'a.png', contentType: 'image/png', data: PNG }]);
    expect((await upload(url, conv, badJson.body, badJson.contentType)).status).toBe(400);
    const broken = (await upload(url, conv, Buffer.from('--x\r\nno headers'), 'multipart/form-data; boundary=x')).status;
    expect(broken).toBe(400);
    expect((await getActivities(url, conv)).activities).toEqual([]);
    await healthy();
  });

  it('serves a PDF the bot sent as a data: URL as a download with its name', async () => {
    const conv = await openConversation(url);
    await postMessage(url, conv, 'faktura');
    await directLineOf(t.app)?.idle();
    const sender = t.app.sender('webchat');
    const r = await sender?.send({ conversation: { id: conv.conversationId, isGroup: false, conversationType: '', name: '' } }, {
      type: 'message', text: 'Faktura w załączniku',
      attachments: [{ contentType: 'application/pdf', name: 'FV_2026_01_000123.pdf', contentUrl: `data:application/pdf;base64,${PDF.toString('base64')}` }],
    });
    expect(r).toEqual({ ok: true });
    const acts = (await getActivities(url, conv)).activities;
    const msg = acts.find((a) => a.text === 'Faktura w załączniku');
    const link = msg?.attachments?.[0].contentUrl as string;
    expect(link.startsWith(`${url}/v3/directline/attachments/`)).toBe(true);
    const file = await fetch(link);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain('attachment; filename="FV_2026_01_000123.pdf"');
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
    expect((await fetch(`${url}/v3/directline/attachments/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    expect((await fetch(`${url}/v3/directline/attachments/..%2F..%2Fetc`)).status).toBe(404);
  });
});

describe('proactive messages', () => {
  it('delivers an outage alert to a subscribed web chat, over polling and the stream', async () => {
    const conv = await openConversation(url);
    await postMessage(url, conv, 'cześć');
    await directLineOf(t.app)?.idle();
    const chat = await t.app.ds.getRepository(ChatConversation).findOneByOrFail({ channel: 'webchat', conversationId: conv.conversationId });
    await t.app.services.outages.subscribeAddress(chat.id, 'Mikołowska', '12');
    const stream = await StreamClient.open(conv.streamUrl);
    try {
      const start = new Date(Date.now() + 3600_000).toISOString();
      const r = await admin(url, 'POST', '/api/admin/outages', { kind: 'planned', title: 'Wymiana zasuwy', message: 'Prace na sieci.', startsAt: start, streets: [{ street: 'Mikołowska', city: 'Katowice', from: '1', to: '40' }] });
      expect(r.status).toBe(201);
      expect((r.body as { recipients: number }).recipients).toBeGreaterThanOrEqual(1);
      const isAlert = (a: { channelData?: unknown }) => (a.channelData as { kropla?: { kind?: string } } | undefined)?.kropla?.kind === 'outage';
      const polled = await waitForActivities(url, conv, (a) => a.some(isAlert));
      const alert = polled.find(isAlert);
      expect(alert?.from?.role).toBe('bot');
      expect(alert?.recipient?.id).toBe(conv.userId);
      expect(alert?.text).toContain('Wymiana zasuwy');
      await stream.waitFor((a) => a.some(isAlert));
    } finally {
      stream.close();
    }
  });

  it('reports a missing conversation as blocked (so the outbox stops trying)', async () => {
    const r = await t.app.sender('webchat')?.send({ conversation: { id: 'kw-gone', isGroup: false, conversationType: '', name: '' } }, { type: 'message', text: 'x' });
    expect(r).toMatchObject({ ok: false, kind: 'blocked' });
  });
});

describe('refusals answer 4xx and leave the server healthy', () => {
  let a: Conversation;
  let b: Conversation;
  beforeAll(async () => {
    a = await openConversation(url);
    b = await openConversation(url);
  });

  const endpoints = (id: string) => [
    ['GET', `/v3/directline/conversations/${id}`],
    ['GET', `/v3/directline/conversations/${id}/activities`],
    ['POST', `/v3/directline/conversations/${id}/activities`],
  ] as const;

  it('401 without a token, 403 for a bad or tampered token', async () => {
    for (const [method, path] of endpoints(a.conversationId)) {
      const body = method === 'POST' ? { type: 'message', text: 'x' } : undefined;
      expect((await call(url, method, path, { body })).status).toBe(401);
      expect((await call(url, method, path, { body, token: 'not-a-token' })).status).toBe(403);
      const [h, p, s] = a.token.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), conv: b.conversationId })).toString('base64url')}.${s}`;
      expect((await call(url, method, path.replace(a.conversationId, b.conversationId), { body, token: forged })).status).toBe(403);
    }
    expect((await call(url, 'POST', '/v3/directline/conversations', { token: 'x.y.z' })).status).toBe(403);
    expect((await call(url, 'POST', '/v3/directline/tokens/refresh', {})).status).toBe(401);
    await healthy();
  });

  it('403 for an expired token', async () => {
    const past = new DirectLineTokens(t.app.config.webchat.tokenSecret, 60, 120, () => Date.now() - 2 * 3600_000);
    const expired = past.issue({ conv: a.conversationId, user: a.userId }).token;
    for (const [method, path] of endpoints(a.conversationId)) {
      const r = await call(url, method, path, { token: expired, body: method === 'POST' ? { type: 'message', text: 'x' } : undefined });
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('token_expired');
    }
    expect((await call(url, 'POST', '/v3/directline/tokens/refresh', { token: expired })).status).toBe(403);
    const other = new DirectLineTokens('another-secret-another-secret-xx', 3600).issue({ conv: a.conversationId, user: a.userId }).token;
    expect((await call(url, 'GET', `/v3/directline/conversations/${a.conversationId}/activities`, { token: other })).status).toBe(403);
    await healthy();
  });

  it("403 for another conversation's id, on every endpoint", async () => {
    for (const [method, path] of endpoints(b.conversationId)) {
      const r = await call(url, method, path, { token: a.token, body: method === 'POST' ? { type: 'message', text: 'x' } : undefined });
      expect(r.status).toBe(403);
    }
    const mp = multipart([{ name: 'file', fileName: 'a.png', contentType: 'image/png', data: PNG }]);
    expect((await upload(url, a, mp.body, mp.contentType, a.token, b.conversationId)).status).toBe(403);
    expect((await getActivities(url, b)).activities).toEqual([]);
    await healthy();
  });

  it('400 for malformed activities and watermarks', async () => {
    const path = `/v3/directline/conversations/${a.conversationId}/activities`;
    const bad: unknown[] = [
      '{"type": "message", "text": ',
      '[1,2,3]',
      { text: 'no type' },
      { type: 'conversationUpdate' },
      { type: 'message', text: 42 },
      { type: 'message', text: 'x'.repeat(4001) },
      { type: 'message' },
      { type: 'message', text: 'x', attachments: [{ contentType: 'image/png', contentUrl: 'https://evil.example/x.png' }] },
      { type: 'message', text: 'x', channelData: 'nope' },
      { type: 'message', text: 'x', locale: '<script>' },
      { type: 'event' },
    ];
    for (const body of bad) {
      const r = await call(url, 'POST', path, { token: a.token, body });
      expect([r.status, body]).toEqual([400, body]);
    }
    expect((await call(url, 'POST', path, { token: a.token, body: 'text=hi', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBeGreaterThanOrEqual(400);
    expect((await call(url, 'GET', `${path}?watermark=abc`, { token: a.token })).status).toBe(400);
    expect((await call(url, 'GET', `/v3/directline/conversations/${a.conversationId}?watermark=-5`, { token: a.token })).status).toBe(400);
    expect((await getActivities(url, a)).activities).toEqual([]);
    await healthy();
  });

  it('404 for a conversation the token names but nobody opened (activities)', async () => {
    const tok = await call(url, 'POST', '/api/webchat/token');
    const r = await call(url, 'POST', `/v3/directline/conversations/${tok.body.conversationId}/activities`, { token: tok.body.token as string, body: { type: 'message', text: 'x' } });
    expect(r.status).toBe(404);
    await healthy();
  });
});

describe('pages and CORS', () => {
  it('serves the demo page with a nonce CSP and the embed and the Web Chat bundle', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') as string;
    const html = await page.text();
    const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain(`'nonce-${nonce}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('blob:');
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(html).toContain('<html lang="pl">');
    expect(html).toContain('994');
    const again = await fetch(`${url}/`);
    expect(/nonce="([^"]+)"/.exec(await again.text())?.[1]).not.toBe(nonce);
    const en = await (await fetch(`${url}/?lang=en`)).text();
    expect(en).toContain('<html lang="en">');
    const embed = await fetch(`${url}/webchat.js`);
    expect(embed.headers.get('content-type')).toContain('javascript');
    const js = await embed.text();
    expect(js).toContain('Czat z Kroplą');
    expect(js).not.toContain('__KROPLA_TEXTS__');
    const vendor = await fetch(`${url}/vendor/webchat.js`);
    expect(vendor.status).toBe(200);
    expect(vendor.headers.get('cache-control')).toContain('max-age=31536000');
    expect((await vendor.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
  });

  it('refuses a foreign origin and answers preflights for the same origin', async () => {
    const foreign = await call(url, 'POST', '/api/webchat/token', { headers: { Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${url}/v3/directline/conversations`, { method: 'OPTIONS', headers: { Origin: url, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,x-ms-bot-agent' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(url);
    expect(pre.headers.get('access-control-allow-headers')).toContain('x-ms-bot-agent');
    await healthy();
  });

  it('answers /api/messages with 503 when Azure credentials are not configured', async () => {
    const r = await call(url, 'POST', '/api/messages', { body: { type: 'message' } });
    expect(r.status).toBe(503);
    expect(String(r.body.message)).toContain('MicrosoftAppId');
  });
});

describe('rate limits and allowed origins', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ WEBCHAT_TOKEN_RATE_PER_MIN: '3', WEBCHAT_MESSAGE_RATE_PER_MIN: '2', WEBCHAT_ALLOWED_ORIGINS: 'https://www.wodociagi.katowice.pl' });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('429 with Retry-After over the token rate per address', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const r = await call(limited.url, 'POST', '/api/webchat/token');
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${limited.url}/healthz`)).status).toBe(200);
  });

  it('429 with Retry-After over the message rate per conversation', async () => {
    const tok = await fetch(`${limited.url}/api/webchat/token`, { method: 'POST' });
    expect(tok.status === 200 || tok.status === 429).toBe(true);
    // Tokens are limited above; mint one with the app's own secret for this conversation.
    const tokens = new DirectLineTokens(limited.app.config.webchat.tokenSecret, 3600);
    const token = tokens.issue({ conv: 'kw-ratelimit-test', user: 'dl_rate' }).token;
    expect((await call(limited.url, 'POST', '/v3/directline/conversations', { token })).status).toBe(201);
    const path = '/v3/directline/conversations/kw-ratelimit-test/activities';
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const r = await call(limited.url, 'POST', path, { token, body: { type: 'message', text: `m${i}` } });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('allows a configured origin with CORS headers', async () => {
    const tokens = new DirectLineTokens(limited.app.config.webchat.tokenSecret, 3600);
    const token = tokens.issue({ conv: 'kw-cors-test', user: 'dl_cors' }).token;
    const r = await call(limited.url, 'POST', '/v3/directline/conversations', { token, headers: { Origin: 'https://www.wodociagi.katowice.pl' } });
    expect(r.status).toBe(201);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://www.wodociagi.katowice.pl');
    const refused = await call(limited.url, 'POST', '/v3/directline/tokens/refresh', { token, headers: { Origin: 'https://wodociagi.example.com' } });
    expect(refused.status).toBe(403);
  });
});
