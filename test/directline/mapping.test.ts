/** The pure parts of the Direct Line channel, without a network: mappings, parsers, tokens, limits, the adapter. */
import { TurnContext, type Activity } from 'botbuilder';
import { DirectLineAdapter, type OutboundSink } from '../../src/channels/directline/adapter';
import { absolutize, activityId, fromBotActivity, parseDataUrl, parseWatermark, safeFileName, sniffType, toActivity, toDataUrl } from '../../src/channels/directline/mapping';
import { boundaryOf, MultipartError, parseMultipart } from '../../src/channels/directline/multipart';
import { RateLimiter } from '../../src/channels/directline/rateLimit';
import { DirectLineTokens, TokenError, bearer } from '../../src/channels/directline/tokens';
import { multipart, PDF, PNG } from './helpers';

const scope = { conversationId: 'kw-1', userId: 'dl_user', timestamp: '2026-01-15T10:00:00.000Z' };

describe('toActivity', () => {
  it('keeps what the bot needs and replaces who speaks', () => {
    const r = toActivity({ type: 'message', text: 'ile mam do zapłaty', locale: 'pl-PL', id: 'spoofed', from: { id: 'admin', role: 'bot' }, conversation: { id: 'kw-other' }, channelData: { clientActivityID: 'abc', clientTimestamp: '2026-01-15T09:59:59Z', evil: 'x' }, value: { a: 1 } }, scope);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ type: 'message', text: 'ile mam do zapłaty', locale: 'pl-PL', channelId: 'webchat', from: { id: 'dl_user', role: 'user' }, recipient: { id: 'kropla', role: 'bot' }, conversation: { id: 'kw-1' }, value: { a: 1 } });
    expect(r.value.id).toBeUndefined();
    expect(r.value.channelData).toEqual({ clientActivityID: 'abc', clientTimestamp: '2026-01-15T09:59:59Z' });
  });

  it.each([
    [null, '(body)'], [[1], '(body)'], [{}, 'type'], [{ type: 'invoke' }, 'type'], [{ type: 'message', text: 5 }, 'text'],
    [{ type: 'message', text: 'x'.repeat(4001) }, 'text'], [{ type: 'message' }, 'text'], [{ type: 'message', text: 'x', locale: 'pl PL' }, 'locale'],
    [{ type: 'message', text: 'x', channelData: [] }, 'channelData'], [{ type: 'message', text: 'x', channelData: { clientActivityID: 7 } }, 'channelData.clientActivityID'],
    [{ type: 'message', text: 'x', attachments: [{ contentType: 'image/png', contentUrl: 'https://x/y.png' }] }, 'attachments'],
    [{ type: 'event' }, 'name'], [{ type: 'message', text: 'x', entities: 'no' }, 'entities'], [{ type: 'message', text: 'x', textFormat: 'html' }, 'textFormat'],
  ])('refuses %j naming %s', (body, field) => {
    const r = toActivity(body, scope);
    expect(r).toMatchObject({ ok: false, field });
  });

  it('accepts a message that is only a file when files were uploaded', () => {
    expect(toActivity({ type: 'message' }, scope, { allowAttachments: [{ contentType: 'image/png' }] }).ok).toBe(true);
    expect(toActivity({ type: 'message', attachments: [] }, scope)).toMatchObject({ ok: false, field: 'text' });
  });
});

describe('fromBotActivity and ids', () => {
  it('addresses the bot activity to the conversation user with the wire id', () => {
    const out = fromBotActivity({ text: 'Saldo: 12,00 zł', from: { id: 'x', name: 'Kropla' } } as Partial<Activity>, { conversationId: 'kw-1', userId: 'dl_user', id: activityId('kw-1', 12), timestamp: scope.timestamp, replyToId: 'kw-1|0000011' });
    expect(out).toMatchObject({ type: 'message', id: 'kw-1|0000012', text: 'Saldo: 12,00 zł', from: { id: 'kropla', role: 'bot' }, recipient: { id: 'dl_user', role: 'user' }, conversation: { id: 'kw-1' }, replyToId: 'kw-1|0000011' });
  });

  it('parses watermarks', () => {
    expect([parseWatermark(undefined), parseWatermark(''), parseWatermark('-'), parseWatermark('42')]).toEqual([0, 0, 0, 42]);
    expect([parseWatermark('-1'), parseWatermark('1e3'), parseWatermark('abc'), parseWatermark(['1'])]).toEqual([null, null, null, null]);
  });
});

describe('files', () => {
  it('reads data: URLs both ways', () => {
    const url = toDataUrl('image/png', PNG);
    expect(parseDataUrl(url)).toEqual({ contentType: 'image/png', data: PNG });
    expect(parseDataUrl('data:text/plain,za%C5%BC%C3%B3%C5%82%C4%87')?.data.toString()).toBe('zażółć');
    expect(parseDataUrl('https://example.com/a.png')).toBeNull();
    expect(parseDataUrl('data:image/png;base64')).toBeNull();
  });

  it('sniffs only the accepted types', () => {
    expect(sniffType(PNG)).toBe('image/png');
    expect(sniffType(PDF)).toBe('application/pdf');
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffType(Buffer.from('GIF89a....'))).toBe('image/gif');
    expect(sniffType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffType(Buffer.from('MZ\x90\x00'))).toBeNull();
    expect(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });

  it('makes file names safe', () => {
    expect(safeFileName('../../etc/passwd', 'image/png')).toBe('passwd');
    expect(safeFileName('C:\\Users\\jan\\licznik "1".jpg', 'image/jpeg')).toBe('licznik 1.jpg');
    expect(safeFileName('', 'application/pdf')).toBe('plik.pdf');
    expect(safeFileName(undefined, 'image/png')).toBe('plik.png');
  });

  it('makes stored links absolute for one client only', () => {
    const a = { type: 'message', attachments: [{ contentType: 'image/png', contentUrl: '/v3/directline/attachments/k', thumbnailUrl: '/v3/directline/attachments/k' }, { contentType: 'x', contentUrl: 'https://a/b' }] } as Partial<Activity>;
    const out = absolutize(a, 'https://czat.example');
    expect(out.attachments?.map((x) => [x.contentUrl, x.thumbnailUrl])).toEqual([['https://czat.example/v3/directline/attachments/k', 'https://czat.example/v3/directline/attachments/k'], ['https://a/b', undefined]]);
    expect(a.attachments?.[0].contentUrl).toBe('/v3/directline/attachments/k');
  });
});

describe('multipart', () => {
  it('splits an activity part and a file part as DirectLineJS sends them', () => {
    const mp = multipart([
      { name: 'activity', contentType: 'application/vnd.microsoft.activity', data: Buffer.from('{"type":"message"}') },
      { name: 'file', fileName: 'odczyt wodomierza – styczeń.png', contentType: 'image/png', data: PNG },
    ]);
    const boundary = boundaryOf(mp.contentType);
    expect(boundary).toBeTruthy();
    const parts = parseMultipart(mp.body, boundary as string);
    expect(parts.map((p) => [p.name, p.fileName, p.contentType])).toEqual([['activity', null, 'application/vnd.microsoft.activity'], ['file', 'odczyt wodomierza – styczeń.png', 'image/png']]);
    expect(parts[1].data.equals(PNG)).toBe(true);
  });

  it('refuses malformed bodies', () => {
    expect(boundaryOf('application/json')).toBeNull();
    expect(boundaryOf('multipart/form-data; boundary="abc"')).toBe('abc');
    expect(() => parseMultipart(Buffer.from('nothing'), 'x')).toThrow(MultipartError);
    expect(() => parseMultipart(Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated'), 'x')).toThrow(MultipartError);
    expect(() => parseMultipart(Buffer.from('--x\r\nContent-Type: text/plain\r\n\r\nv\r\n--x--'), 'x')).toThrow(MultipartError);
    const many = multipart(Array.from({ length: 25 }, () => ({ name: 'file', fileName: 'a.png', contentType: 'image/png', data: PNG })));
    expect(() => parseMultipart(many.body, boundaryOf(many.contentType) as string)).toThrow('more than 20 parts');
  });
});

describe('tokens', () => {
  const secret = 'x'.repeat(32);
  it('are JWTs scoped to one conversation and user, with a kind and an expiry', () => {
    let now = Date.parse('2026-01-15T10:00:00Z');
    const tokens = new DirectLineTokens(secret, 3600, 120, () => now);
    const { token, expires_in } = tokens.issue({ conv: 'kw-1', user: 'dl_u' });
    expect(expires_in).toBe(3600);
    expect(token.split('.')).toHaveLength(3);
    expect(tokens.verify(token, 'dl')).toMatchObject({ conv: 'kw-1', user: 'dl_u', kind: 'dl' });
    expect(() => tokens.verify(token, 'stream')).toThrow(TokenError);
    const stream = tokens.issue({ conv: 'kw-1', user: 'dl_u' }, 'stream').token;
    now += 121_000;
    expect(() => tokens.verify(stream, 'stream')).toThrow('token expired');
    expect(tokens.verify(token, 'dl').conv).toBe('kw-1');
    now += 3600_000;
    expect(() => tokens.verify(token, 'dl')).toThrow('token expired');
  });

  it('refuse tampering, other secrets and garbage', () => {
    const tokens = new DirectLineTokens(secret, 3600);
    const { token } = tokens.issue({ conv: 'kw-1', user: 'dl_u' });
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ conv: 'kw-2', user: 'dl_u', kind: 'dl', iat: 1, exp: 9e9 })).toString('base64url')}.${s}`;
    expect(() => tokens.verify(forged, 'dl')).toThrow('token signature');
    expect(() => new DirectLineTokens('y'.repeat(32), 3600).verify(token, 'dl')).toThrow('token signature');
    expect(() => tokens.verify('a.b', 'dl')).toThrow('token malformed');
    expect(() => tokens.verify(null, 'dl')).toThrow('token missing');
    expect(() => new DirectLineTokens('short', 60)).toThrow();
    expect(bearer('Bearer abc.def')).toBe('abc.def');
    expect(bearer('Basic abc')).toBeNull();
  });
});

describe('RateLimiter', () => {
  it('allows the limit in a window, then says when to retry', () => {
    let now = 0;
    const rl = new RateLimiter(3, 60_000, () => now);
    expect([rl.hit('a'), rl.hit('a'), rl.hit('a')].every((r) => r.ok)).toBe(true);
    const refused = rl.hit('a');
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(rl.hit('b').ok).toBe(true);
    now = 60_000 + 59_000; // next window, almost over: the previous window barely counts
    expect(rl.hit('a').ok).toBe(true);
    now = 10 * 60_000;
    expect([rl.hit('a'), rl.hit('a'), rl.hit('a')].every((r) => r.ok)).toBe(true);
  });
});

describe('DirectLineAdapter', () => {
  class Sink implements OutboundSink {
    appended: Array<{ conversationId: string; userId: string; activity: Partial<Activity>; replyToId?: string }> = [];
    typing: string[] = [];
    async reply(conversationId: string, userId: string, activity: Partial<Activity>, replyToId?: string): Promise<string> {
      this.appended.push({ conversationId, userId, activity, replyToId });
      return `${conversationId}|${String(this.appended.length).padStart(7, '0')}`;
    }
    ephemeral(conversationId: string): void {
      this.typing.push(conversationId);
    }
  }

  it('runs the bot and appends its replies addressed to the user; typing is ephemeral; trace is dropped', async () => {
    const sink = new Sink();
    const adapter = new DirectLineAdapter(sink);
    const inbound = toActivity({ type: 'message', text: 'hej' }, scope);
    if (!inbound.ok) throw new Error('bad fixture');
    const ids: string[] = [];
    await adapter.processActivity({ ...inbound.value, id: 'kw-1|0000001' }, async (ctx: TurnContext) => {
      await ctx.sendActivity({ type: 'typing' });
      await ctx.sendActivity({ type: 'trace', name: 'debug' });
      const r = await ctx.sendActivity('Dzień dobry');
      ids.push(r?.id ?? '');
    });
    expect(sink.typing).toEqual(['kw-1']);
    expect(sink.appended).toHaveLength(1);
    expect(sink.appended[0]).toMatchObject({ conversationId: 'kw-1', userId: 'dl_user', replyToId: 'kw-1|0000001', activity: { text: 'Dzień dobry' } });
    expect(ids).toEqual(['kw-1|0000001']);
  });

  it('continues a conversation proactively from a reference', async () => {
    const sink = new Sink();
    const adapter = new DirectLineAdapter(sink);
    await adapter.continueConversation({ conversation: { id: 'kw-9', isGroup: false, conversationType: '', name: '' }, user: { id: 'dl_9', name: '' }, bot: { id: 'kropla', name: 'Kropla' }, channelId: 'webchat', serviceUrl: 'urn:kropla:directline' }, async (ctx) => {
      await ctx.sendActivity('Awaria na Mikołowskiej');
    });
    expect(sink.appended[0]).toMatchObject({ conversationId: 'kw-9', userId: 'dl_9', activity: { text: 'Awaria na Mikołowskiej' } });
  });

  it('refuses updates and deletes clearly', async () => {
    const adapter = new DirectLineAdapter(new Sink());
    const ctx = new TurnContext(adapter, { type: 'message', conversation: { id: 'kw-1', isGroup: false, conversationType: '', name: '' } } as Partial<Activity>);
    await expect(adapter.updateActivity(ctx, {})).rejects.toThrow('not supported');
    await expect(adapter.deleteActivity(ctx, {})).rejects.toThrow('not supported');
  });
});
