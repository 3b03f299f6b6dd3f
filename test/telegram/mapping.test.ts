/** The pure mappings of the Telegram channel: update → activity, activity → Bot API calls. */
import type { Update } from 'grammy/types';
import { GrammyError, HttpError } from 'grammy';
import {
  CallbackDataCodec, escapeHtml, fromActivity, localeHint, parseDataUrl, splitText, toActivity, toTelegramHtml, visibleLength,
  type TelegramChannelData,
} from '../../src/channels/telegram/mapping';
import { deliveryResultOf } from '../../src/channels/telegram/calls';
import { parseTelegramHtml } from '../support/fake-telegram';

const ROOT = 'https://api.telegram.org';
const from = { id: 777, is_bot: false as const, first_name: 'Ola', last_name: 'Nowak', language_code: 'uk' };
const chat = { id: 777, type: 'private' as const, first_name: 'Ola' };

describe('toActivity', () => {
  it('maps a text message with the activity conventions', () => {
    const update: Update = { update_id: 1, message: { message_id: 5, date: 1_700_000_000, chat, from, text: '/start K7PM4QX9' } };
    const a = toActivity(update, { serviceUrl: ROOT, bot: { id: '123456', name: 'Kropla' } });
    expect(a).toMatchObject({
      type: 'message', id: '5', channelId: 'telegram', serviceUrl: ROOT, text: '/start K7PM4QX9',
      conversation: { id: '777', isGroup: false }, from: { id: '777', name: 'Ola Nowak' }, recipient: { id: '123456' }, locale: 'uk',
    });
    expect((a?.channelData as TelegramChannelData).update).toEqual(update);
    expect(a?.timestamp).toEqual(new Date(1_700_000_000_000));
  });

  it('takes the caption as text and announces the largest photo and documents', () => {
    const update: Update = {
      update_id: 2,
      message: {
        message_id: 6, date: 1, chat, from, caption: 'licznik',
        photo: [
          { file_id: 'small', file_unique_id: 's', width: 90, height: 60, file_size: 1000 },
          { file_id: 'big', file_unique_id: 'b', width: 1280, height: 960, file_size: 200_000 },
        ],
      },
    };
    const a = toActivity(update, { serviceUrl: ROOT });
    expect(a?.text).toBe('licznik');
    expect((a?.channelData as TelegramChannelData).files).toEqual([{ fileId: 'big', kind: 'photo', name: 'photo-b.jpg', contentType: 'image/jpeg', size: 200_000 }]);

    const doc: Update = { update_id: 3, message: { message_id: 7, date: 1, chat, from, document: { file_id: 'd1', file_unique_id: 'u1', file_name: 'skan.pdf', mime_type: 'application/pdf', file_size: 42 } } };
    expect((toActivity(doc, { serviceUrl: ROOT })?.channelData as TelegramChannelData).files).toEqual([{ fileId: 'd1', kind: 'document', name: 'skan.pdf', contentType: 'application/pdf', size: 42 }]);
  });

  it('maps a button press to a message whose text is the value, resolving long values', () => {
    const codec = new CallbackDataCodec();
    const long = `/odczyt potwierdz ${'x'.repeat(80)}`;
    const data = codec.encode(long);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    const update: Update = {
      update_id: 4,
      callback_query: { id: 'q1', from, chat_instance: 'c', data, message: { message_id: 9, date: 2, chat, text: 'Czy zapisać?' } as never },
    };
    const a = toActivity(update, { serviceUrl: ROOT, decodeCallbackData: (d) => codec.decode(d) });
    expect(a).toMatchObject({ type: 'message', text: long, conversation: { id: '777' }, from: { id: '777' } });
    expect((a?.channelData as TelegramChannelData).callbackQuery?.id).toBe('q1');
    // an id this process no longer knows: no turn
    expect(toActivity({ ...update, callback_query: { ...update.callback_query!, data: 'k~AAAAAAAAAAAAAAAAAAAAAA' } }, { serviceUrl: ROOT, decodeCallbackData: (d) => codec.decode(d) })).toBeNull();
  });

  it('removes NUL and other control characters (not line breaks) from everything the user wrote (V6: PostgreSQL refuses NUL)', () => {
    const update: Update = { update_id: 3, message: { message_id: 7, date: 1, chat: { ...chat, first_name: 'O\u0000la' }, from: { ...from, first_name: 'O\u0000la', last_name: 'No\u001bwak' }, text: 'ile\u0000 mam\n do\u0007 zapłaty?\u007f' } };
    const a = toActivity(update, { serviceUrl: ROOT });
    expect(a).toMatchObject({ text: 'ile mam\n do zapłaty?', from: { name: 'Ola Nowak' } });
    expect(JSON.stringify(a?.channelData)).not.toMatch(/\\u00(00|07|1b|7f)/);
    expect(update.message?.text).toBe('ile\u0000 mam\n do\u0007 zapłaty?\u007f'); // the update itself is left as it came
  });

  it('ignores updates Kropla does not handle', () => {
    expect(toActivity({ update_id: 5, edited_message: { message_id: 1, date: 1, chat, from, text: 'x', edit_date: 2 } } as Update, { serviceUrl: ROOT })).toBeNull();
  });

  it('turns language codes into locale hints', () => {
    expect([localeHint('pl'), localeHint('en-GB'), localeHint('uk'), localeHint('de'), localeHint(undefined)]).toEqual(['pl', 'en', 'uk', 'pl', 'pl']);
  });
});

describe('text formatting', () => {
  it('escapes dynamic text and turns **x** into bold', () => {
    expect(toTelegramHtml('**Saldo:** 1 234,56 zł <b>&</b>')).toBe('<b>Saldo:</b> 1 234,56 zł &lt;b&gt;&amp;&lt;/b&gt;');
    expect(escapeHtml('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    const html = toTelegramHtml('**A & B**\nx > y **');
    const parsed = parseTelegramHtml(html);
    expect(parsed).toEqual({ ok: true, text: 'A & B\nx > y **' });
  });

  it('splits long texts at line breaks within 4096 visible characters', () => {
    const line = 'Odczyt z dnia 15.01.2026: 123,456 m³ — przyjęty.';
    const text = Array.from({ length: 300 }, (_, i) => `${i}. ${line}`).join('\n');
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(visibleLength(p)).toBeLessThanOrEqual(4096);
    expect(parts.join('\n')).toBe(text);
    for (const p of parts) expect(p.endsWith('przyjęty.')).toBe(true);
  });

  it('splits a single huge line and keeps bold balanced across parts', () => {
    const text = `**${'słowo '.repeat(1500)}**`;
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(visibleLength(p)).toBeLessThanOrEqual(4096);
      const r = parseTelegramHtml(toTelegramHtml(p));
      expect(r.ok).toBe(true);
      expect(toTelegramHtml(p).startsWith('<b>')).toBe(true);
    }
  });
});

describe('fromActivity', () => {
  const codec = new CallbackDataCodec();
  const opts = { chatId: '777', encodeCallbackData: (v: string) => codec.encode(v) };

  it('sends text as HTML with suggested actions as an inline keyboard', () => {
    const calls = fromActivity({
      type: 'message', text: 'Czy zapisać odczyt **123,456 m³**?',
      suggestedActions: { to: [], actions: [
        { type: 'imBack', title: 'Tak', value: 'tak' },
        { type: 'postBack', title: 'Nie', value: 'nie' },
        { type: 'messageBack', title: 'Podam inny stan licznika', value: `/odczyt inny ${'9'.repeat(70)}` },
      ] },
    }, opts);
    expect(calls).toHaveLength(1);
    const c = calls[0];
    expect(c.method).toBe('sendMessage');
    if (c.method !== 'sendMessage') throw new Error('unreachable');
    expect(c.payload).toMatchObject({ chat_id: '777', parse_mode: 'HTML', text: 'Czy zapisać odczyt <b>123,456 m³</b>?' });
    const rows = c.payload.reply_markup?.inline_keyboard ?? [];
    expect(rows.map((r) => r.map((b) => b.text))).toEqual([['Tak', 'Nie'], ['Podam inny stan licznika']]);
    const long = rows[1][0] as { callback_data: string };
    expect(Buffer.byteLength(long.callback_data)).toBeLessThanOrEqual(64);
    expect(codec.decode(long.callback_data)).toBe(`/odczyt inny ${'9'.repeat(70)}`);
    expect((rows[0][0] as { callback_data: string }).callback_data).toBe('tak');
  });

  it('sends data: images as photos and other files as documents, text as the caption', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const pdf = Buffer.from('%PDF-1.4 faktura');
    const calls = fromActivity({
      type: 'message', text: 'Zużycie wody w 2026 r.',
      attachments: [
        { contentType: 'image/png', name: 'zuzycie.png', contentUrl: `data:image/png;base64,${png.toString('base64')}` },
        { contentType: 'application/pdf', name: 'FV-2026-01.pdf', contentUrl: `data:application/pdf;base64,${pdf.toString('base64')}` },
      ],
      suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Pokaż faktury', value: 'faktury' }] },
    }, opts);
    expect(calls.map((c) => c.method)).toEqual(['sendPhoto', 'sendDocument']);
    const [photo, doc] = calls;
    if (photo.method !== 'sendPhoto' || doc.method !== 'sendDocument') throw new Error('unreachable');
    expect(photo.payload.caption).toBe('Zużycie wody w 2026 r.');
    expect(photo.file).toEqual({ data: png, filename: 'zuzycie.png', contentType: 'image/png' });
    expect(doc.file).toEqual({ data: pdf, filename: 'FV-2026-01.pdf', contentType: 'application/pdf' });
    expect(doc.payload.reply_markup?.inline_keyboard[0][0]).toEqual({ text: 'Pokaż faktury', callback_data: 'faktury' });
    expect(photo.payload.reply_markup).toBeUndefined();
  });

  it('sends a long text before the files and splits it', () => {
    const text = Array.from({ length: 200 }, (_, i) => `Wiersz ${i} ${'x'.repeat(40)}`).join('\n');
    const calls = fromActivity({ type: 'message', text, attachments: [{ contentType: 'image/png', contentUrl: 'data:image/png;base64,iVBO' }] }, opts);
    expect(calls.map((c) => c.method)).toEqual(['sendMessage', 'sendMessage', 'sendMessage', 'sendPhoto']);
  });

  it('maps typing and ignores other activity types', () => {
    expect(fromActivity({ type: 'typing' }, opts)).toEqual([{ method: 'sendChatAction', payload: { chat_id: '777', action: 'typing' } }]);
    expect(fromActivity({ type: 'event', name: 'x' }, opts)).toEqual([]);
  });

  it('puts buttons without text under a short prompt', () => {
    const calls = fromActivity({ type: 'message', locale: 'en', suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'OK', value: 'ok' }] } }, opts);
    expect(calls).toHaveLength(1);
    expect(calls[0].method === 'sendMessage' && calls[0].payload.text).toBe('Please choose:');
  });

  it('parses data URLs', () => {
    expect(parseDataUrl('data:text/plain;charset=utf-8,za%C5%BC%C3%B3%C5%82%C4%87')).toEqual({ contentType: 'text/plain', data: Buffer.from('zażółć') });
    expect(parseDataUrl('https://example.com/x.png')).toBeNull();
  });
});

describe('deliveryResultOf', () => {
  const err = (code: number, description: string, parameters = {}) => new GrammyError('x', { ok: false, error_code: code, description, parameters }, 'sendMessage', {});
  it('maps Telegram errors to outbox results', () => {
    expect(deliveryResultOf(err(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))).toMatchObject({ kind: 'retry', retryAfterMs: 7000 });
    expect(deliveryResultOf(err(403, 'Forbidden: bot was blocked by the user'))).toMatchObject({ kind: 'blocked' });
    expect(deliveryResultOf(err(403, 'Forbidden: user is deactivated'))).toMatchObject({ kind: 'blocked' });
    expect(deliveryResultOf(err(400, 'Bad Request: chat not found'))).toMatchObject({ kind: 'blocked' });
    expect(deliveryResultOf(err(400, "Bad Request: can't parse entities"))).toMatchObject({ kind: 'permanent' });
    expect(deliveryResultOf(err(502, 'Bad Gateway'))).toMatchObject({ kind: 'retry' });
    expect(deliveryResultOf(new HttpError('Network request failed', new Error('ECONNRESET')))).toMatchObject({ kind: 'retry' });
  });
});
