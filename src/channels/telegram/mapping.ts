/**
 * The two pure mappings of the Telegram channel: a Bot API update → a botbuilder activity
 * ({@link toActivity}), and a bot activity → the Bot API calls that show it ({@link fromActivity}).
 * No network here: the adapter executes the calls, downloads the files.
 *
 * @example
 * const activity = toActivity(update, { serviceUrl: 'https://api.telegram.org' });
 * const calls = fromActivity({ type: 'message', text: '**Saldo:** 12,00 zł' }, { chatId: '42' });
 * // → [{ method: 'sendMessage', payload: { chat_id: '42', text: '<b>Saldo:</b> 12,00 zł', parse_mode: 'HTML' } }]
 */
import { parseDataUrl } from '../dataUrl';
import { escapeHtml, toTelegramHtml } from '../markup';
import { createHash } from 'node:crypto';
import type { Activity, CardAction } from 'botbuilder';
import { t } from '../../i18n/i18n';
import type { CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User } from 'grammy/types';

/** Telegram's limit of a message text (visible characters). */
export const TEXT_LIMIT = 4096;
/** Telegram's limit of a photo/document caption. */
export const CAPTION_LIMIT = 1024;
/** Telegram's limit of an inline button's callback data, bytes. */
export const CALLBACK_DATA_LIMIT = 64;
/** Largest customer file Kropla takes from Telegram. */
export const MAX_INBOUND_FILE_BYTES = 10 * 1024 * 1024;

/** A file the customer sent, still on Telegram's servers (the adapter downloads it). */
export interface InboundFile {
  fileId: string;
  kind: 'photo' | 'document';
  name: string;
  contentType: string;
  size?: number;
}

/** What Kropla keeps of the raw update in `activity.channelData`. */
export interface TelegramChannelData {
  update: Update;
  callbackQuery?: CallbackQuery;
  /** Files announced in the message (photo: the largest size). */
  files?: InboundFile[];
  /** Files over {@link MAX_INBOUND_FILE_BYTES} (or that failed to download): not attached. */
  rejectedFiles?: { name: string; size?: number; reason: 'too_large' | 'download_failed' }[];
}

export interface ToActivityOptions {
  /** The Bot API root (becomes `activity.serviceUrl`). */
  serviceUrl: string;
  bot?: { id: string; name: string };
  /** Turns callback data back into the button's value (long values travel as short ids). */
  decodeCallbackData?: (data: string) => string | undefined;
}

function fullName(u: User): string {
  return [u.first_name, u.last_name].filter(Boolean).join(' ');
}

/** The locale hint from Telegram's `language_code`: `pl`, `en` or `uk` (Polish when unknown). */
export function localeHint(languageCode: string | undefined): 'pl' | 'en' | 'uk' {
  const c = (languageCode ?? '').toLowerCase();
  if (c.startsWith('uk')) return 'uk';
  if (c.startsWith('en')) return 'en';
  return 'pl';
}

const EXT_BY_TYPE: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'application/pdf': 'pdf',
  'text/plain': 'txt', 'text/csv': 'csv', 'application/zip': 'zip',
};

/** The files of a message: the largest photo size and/or the document. */
export function inboundFiles(message: Message): InboundFile[] {
  const out: InboundFile[] = [];
  if (message.photo?.length) {
    const best = [...message.photo].sort((a, b) => (b.file_size ?? b.width * b.height) - (a.file_size ?? a.width * a.height))[0];
    out.push({ fileId: best.file_id, kind: 'photo', name: `photo-${best.file_unique_id}.jpg`, contentType: 'image/jpeg', size: best.file_size });
  }
  if (message.document) {
    const d = message.document;
    const contentType = d.mime_type || 'application/octet-stream';
    out.push({ fileId: d.file_id, kind: 'document', name: d.file_name || `document-${d.file_unique_id}.${EXT_BY_TYPE[contentType] ?? 'bin'}`, contentType, size: d.file_size });
  }
  return out;
}

/** C0 control characters but tab, line feed and carriage return, and DEL: NUL is refused by PostgreSQL text and JSON. */
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * A copy of an update (any JSON value) with {@link CONTROLS} removed from every string, keys too: the text,
 * caption and names of a user reach the database (transcript, chat reference, bot state), and a NUL there
 * fails the turn on PostgreSQL (V6).
 */
export function withoutControls<T>(value: T): T {
  if (typeof value === 'string') return value.replace(CONTROLS, '') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutControls(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k.replace(CONTROLS, '')] = withoutControls(v);
  return out as T;
}

/**
 * A Telegram update as a botbuilder activity for the one bot, or null for updates Kropla ignores.
 * Text messages (commands too, as written: `/start K7PM4QX9`), captions, photos and documents
 * become `message` activities; a button press becomes a `message` whose text is the button's value.
 */
export function toActivity(raw: Update, opts: ToActivityOptions): Partial<Activity> | null {
  const update = withoutControls(raw);
  const bot = opts.bot ?? { id: 'bot', name: 'Kropla' };
  const base = (from: User, chat: { id: number; type: string }, date: number) => ({
    channelId: 'telegram',
    serviceUrl: opts.serviceUrl,
    timestamp: new Date(date * 1000),
    from: { id: String(from.id), name: fullName(from), role: 'user' },
    recipient: { id: bot.id, name: bot.name, role: 'bot' },
    conversation: { id: String(chat.id), isGroup: chat.type !== 'private', conversationType: chat.type, name: '' },
    locale: localeHint(from.language_code),
  });
  const message = update.message;
  if (message?.from) {
    const files = inboundFiles(message);
    const text = message.text ?? message.caption;
    const channelData: TelegramChannelData = { update, ...(files.length ? { files } : {}) };
    return {
      type: 'message',
      id: String(message.message_id),
      ...base(message.from, message.chat, message.date),
      text: text ?? '',
      textFormat: 'plain',
      attachments: [],
      channelData,
    };
  }
  const cq = update.callback_query;
  if (cq?.data !== undefined) {
    const value = opts.decodeCallbackData ? opts.decodeCallbackData(cq.data) : cq.data;
    if (value === undefined) return null;
    const chat = cq.message?.chat ?? { id: cq.from.id, type: 'private' };
    const channelData: TelegramChannelData = { update, callbackQuery: cq };
    return {
      type: 'message',
      id: `cq:${cq.id}`,
      ...base(cq.from, chat, cq.message?.date ?? Math.floor(Date.now() / 1000)),
      text: value,
      textFormat: 'plain',
      attachments: [],
      channelData,
    };
  }
  return null;
}

// ------------------------------------------------------------------------------------ outbound

export interface OutboundFile {
  data: Buffer;
  filename: string;
  contentType: string;
}

/** One Bot API call that shows (part of) a bot activity. */
export type BotApiCall =
  | {
      method: 'sendMessage';
      payload: { chat_id: string; text: string; parse_mode: 'HTML'; reply_markup?: InlineKeyboardMarkup; link_preview_options?: { is_disabled: boolean } };
    }
  | {
      method: 'sendPhoto' | 'sendDocument';
      payload: { chat_id: string; caption?: string; parse_mode?: 'HTML'; reply_markup?: InlineKeyboardMarkup };
      /** An upload, or a URL Telegram fetches itself. */
      file: OutboundFile | { url: string };
    }
  | { method: 'sendChatAction'; payload: { chat_id: string; action: 'typing' } };

export interface FromActivityOptions {
  chatId: string;
  /** Turns a button value into callback data of at most 64 bytes (see {@link CallbackDataCodec}). */
  encodeCallbackData?: (value: string) => string;
}

const BOLD = /\*\*([\s\S]+?)\*\*/g;

/** Kropla's markup as Telegram HTML (escaped; bold, lists, account numbers in `<code>`): see `../markup`. */
export { escapeHtml, toTelegramHtml };

/** Length as Telegram counts it after formatting (`**` markers are not shown). */
export function visibleLength(text: string): number {
  return text.replace(BOLD, '$1').length;
}

function cutAt(s: string, limit: number): number {
  const space = s.lastIndexOf(' ', limit);
  let at = space > limit / 2 ? space : limit;
  const code = s.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at -= 1; // never split a surrogate pair
  return at;
}

/**
 * Splits a text into parts of at most `limit` visible characters, at line breaks where possible
 * (then at spaces, then anywhere); a `**bold**` run cut by a split is closed and reopened.
 */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  if (visibleLength(text) <= limit) return [text];
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > limit) {
      const at = cutAt(rest, limit);
      lines.push(rest.slice(0, at));
      rest = rest.slice(at).replace(/^ /, '');
    }
    lines.push(rest);
  }
  const parts: string[] = [];
  let current: string | null = null;
  for (const line of lines) {
    const candidate: string = current === null ? line : `${current}\n${line}`;
    if (current !== null && visibleLength(candidate) > limit) {
      parts.push(current);
      current = line;
    } else current = candidate;
  }
  if (current !== null) parts.push(current);
  const trimmed = parts.map((p) => p.replace(/^\n+|\n+$/g, '')).filter((p) => p.trim().length > 0);
  // keep bold runs balanced in every part
  let open = false;
  return trimmed.map((p) => {
    let s = open ? `**${p}` : p;
    const markers = (s.match(/\*\*/g) ?? []).length;
    open = markers % 2 === 1;
    if (open) s += '**';
    return s;
  });
}

export { parseDataUrl } from '../dataUrl';

const PHOTO_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/webp']);
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

function buttonValue(a: CardAction): string | null {
  if (typeof a.value === 'string' && a.value) return a.value;
  if (typeof a.text === 'string' && a.text) return a.text;
  return a.title || null;
}

/** Suggested actions as an inline keyboard: short titles two to a row, long ones alone. */
export function inlineKeyboard(actions: CardAction[], encode: (value: string) => string): InlineKeyboardMarkup | undefined {
  const buttons: InlineKeyboardButton[] = [];
  for (const a of actions) {
    const title = a.title || (typeof a.value === 'string' ? a.value : '');
    if (!title) continue;
    if (a.type === 'openUrl' && typeof a.value === 'string' && /^https?:\/\//.test(a.value)) {
      buttons.push({ text: title, url: a.value });
      continue;
    }
    const value = buttonValue(a);
    if (!value) continue;
    buttons.push({ text: title, callback_data: encode(value) });
  }
  if (!buttons.length) return undefined;
  const rows: InlineKeyboardButton[][] = [];
  for (const b of buttons) {
    const last = rows[rows.length - 1];
    if (last && last.length === 1 && last[0].text.length <= 16 && b.text.length <= 16) last.push(b);
    else rows.push([b]);
  }
  return { inline_keyboard: rows };
}

/** Byte-safe default: values up to 64 bytes go as they are; longer ones need a codec. */
function defaultEncode(value: string): string {
  if (Buffer.byteLength(value) <= CALLBACK_DATA_LIMIT) return value;
  throw new Error('callback data over 64 bytes needs encodeCallbackData');
}

/**
 * A bot activity as Bot API calls: its text (split at 4096 characters, HTML-escaped, `**bold**`
 * in `<b>`), its `data:` attachments as photos (PNG/JPEG/WebP) or documents, and its suggested
 * actions as an inline keyboard under the last call. Text that fits a caption rides on the first file.
 * A `typing` activity is `sendChatAction`; other activity types need no call.
 */
export function fromActivity(activity: Partial<Activity>, opts: FromActivityOptions): BotApiCall[] {
  const chat_id = opts.chatId;
  if (activity.type === 'typing') return [{ method: 'sendChatAction', payload: { chat_id, action: 'typing' } }];
  if (activity.type && activity.type !== 'message') return [];
  const calls: BotApiCall[] = [];
  const files: { method: 'sendPhoto' | 'sendDocument'; file: OutboundFile | { url: string } }[] = [];
  for (const att of activity.attachments ?? []) {
    const url = att.contentUrl;
    if (!url) continue; // cards are not used by Kropla
    const parsed = parseDataUrl(url);
    if (parsed) {
      const contentType = att.contentType && !att.contentType.startsWith('application/vnd.microsoft') ? att.contentType.toLowerCase() : parsed.contentType;
      const ext = EXT_BY_TYPE[contentType] ?? 'bin';
      const filename = (att.name || `kropla.${ext}`).replace(/[\r\n"]/g, '_');
      const photo = PHOTO_TYPES.has(contentType) && parsed.data.length <= PHOTO_MAX_BYTES;
      files.push({ method: photo ? 'sendPhoto' : 'sendDocument', file: { data: parsed.data, filename, contentType } });
    } else if (/^https?:\/\//.test(url)) {
      files.push({ method: att.contentType && PHOTO_TYPES.has(att.contentType.toLowerCase()) ? 'sendPhoto' : 'sendDocument', file: { url } });
    }
  }
  const text = (activity.text ?? '').replace(/\r\n/g, '\n').trim();
  const useCaption = files.length > 0 && text.length > 0 && visibleLength(text) <= CAPTION_LIMIT;
  if (text && !useCaption) {
    for (const part of splitText(text)) {
      calls.push({ method: 'sendMessage', payload: { chat_id, text: toTelegramHtml(part), parse_mode: 'HTML', link_preview_options: { is_disabled: true } } });
    }
  }
  files.forEach((f, i) => {
    const payload: { chat_id: string; caption?: string; parse_mode?: 'HTML' } = { chat_id };
    if (useCaption && i === 0) {
      payload.caption = toTelegramHtml(text);
      payload.parse_mode = 'HTML';
    }
    calls.push({ method: f.method, payload, file: f.file });
  });
  const actions = activity.suggestedActions?.actions ?? [];
  const keyboard = actions.length ? inlineKeyboard(actions, opts.encodeCallbackData ?? defaultEncode) : undefined;
  if (keyboard) {
    const last = calls[calls.length - 1];
    if (last && last.method !== 'sendChatAction') last.payload.reply_markup = keyboard;
    else if (!last) {
      // buttons without any text: Telegram needs a message to hang them on
      calls.push({ method: 'sendMessage', payload: { chat_id, text: escapeHtml(t(activity.locale ?? 'pl', 'telegram.chooseOption')), parse_mode: 'HTML', reply_markup: keyboard } });
    }
  }
  return calls;
}

/**
 * Callback data of at most 64 bytes for any button value: short values go as they are, longer
 * ones as `k~<hash>` remembered here (the most recent `capacity` of them).
 */
export class CallbackDataCodec {
  private readonly long = new Map<string, string>();
  constructor(private readonly capacity = 20_000) {}

  encode(value: string): string {
    if (Buffer.byteLength(value) <= CALLBACK_DATA_LIMIT && !/^k~[A-Za-z0-9_-]{22}$/.test(value)) return value;
    const id = `k~${createHash('sha256').update(value).digest('base64url').slice(0, 22)}`;
    this.long.delete(id);
    this.long.set(id, value);
    if (this.long.size > this.capacity) this.long.delete(this.long.keys().next().value as string);
    return id;
  }

  /** The value behind callback data; undefined for an id this process no longer knows. */
  decode(data: string): string | undefined {
    if (!/^k~[A-Za-z0-9_-]{22}$/.test(data)) return data;
    return this.long.get(data);
  }
}
