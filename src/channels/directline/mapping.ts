/**
 * Pure mappings between Direct Line 3.0 wire activities and the bot's activities, and the small
 * parsers the routes need (watermarks, data: URLs, file types). No I/O: tested without a network.
 */
import type { Activity, Attachment as BfAttachment, ChannelAccount, ConversationAccount } from 'botbuilder';
import { stripBidi } from '../../domain/fileName';
import { ADAPTIVE_CARD, mapCardStrings } from '../cards';
import { toMarkdown } from '../markup';

/** Channel id of the self-hosted web chat (as `activity.channelId`). */
export const CHANNEL_ID = 'webchat';
/** Marks conversation references that belong to this server's Direct Line (not Azure's). */
export const SERVICE_URL = 'urn:kropla:directline';
export const BOT_ACCOUNT: ChannelAccount = { id: 'kropla', name: 'Kropla', role: 'bot' };
/** Path prefix of stored files; made absolute for each client on delivery. */
export const ATTACHMENT_PATH = '/v3/directline/attachments/';

/** Types a customer may upload (meter photos, scanned letters) and that the bot may send as files. */
export const ALLOWED_UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;
const INBOUND_TYPES = ['message', 'typing', 'event'] as const;
const MAX_TEXT = 4000;

/** A wire activity id: `<conversationId>|<seq, 7 digits>` as Direct Line writes it. */
export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

/** Parses a watermark (`''`, `-`, absent → 0; digits → number); null when invalid. */
export function parseWatermark(raw: unknown): number | null {
  if (raw === undefined || raw === null || raw === '' || raw === '-') return 0;
  if (typeof raw !== 'string' || !/^\d{1,12}$/.test(raw)) return null;
  return Number(raw);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const fail = <T>(field: string, message: string): Parsed<T> => ({ ok: false, field, message });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where an inbound activity goes: its conversation and the user the token is bound to. */
export interface InboundScope {
  conversationId: string;
  userId: string;
  /** Server time (ISO) stamped on the activity. */
  timestamp: string;
}

/**
 * Validates a client's activity and builds the one the bot sees. Whatever the client said about
 * `from`, `conversation`, `recipient`, `id` or `channelId` is replaced (the token decides who
 * speaks); `channelData` keeps only `clientActivityID` and `clientTimestamp`.
 */
export function toActivity(body: unknown, scope: InboundScope, opts: { allowAttachments?: BfAttachment[] } = {}): Parsed<Partial<Activity>> {
  if (!isObject(body)) return fail('(body)', 'expected an activity object');
  const type = body.type;
  if (typeof type !== 'string' || !(INBOUND_TYPES as readonly string[]).includes(type)) return fail('type', `one of ${INBOUND_TYPES.join(', ')}`);
  const out: Partial<Activity> = {
    type,
    channelId: CHANNEL_ID,
    serviceUrl: SERVICE_URL,
    timestamp: new Date(scope.timestamp),
    from: { id: scope.userId, name: '', role: 'user' },
    recipient: { ...BOT_ACCOUNT },
    conversation: { id: scope.conversationId } as ConversationAccount,
  };
  if (body.text !== undefined && body.text !== null) {
    if (typeof body.text !== 'string') return fail('text', 'expected a string');
    if (body.text.length > MAX_TEXT) return fail('text', `at most ${MAX_TEXT} characters`);
    out.text = body.text;
  }
  if (body.locale !== undefined) {
    if (typeof body.locale !== 'string' || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/.test(body.locale)) return fail('locale', 'expected a language tag like pl-PL');
    out.locale = body.locale;
  }
  if (body.textFormat !== undefined) {
    if (body.textFormat !== 'plain' && body.textFormat !== 'markdown' && body.textFormat !== 'xml') return fail('textFormat', 'plain, markdown or xml');
    out.textFormat = body.textFormat;
  }
  if (body.name !== undefined) {
    if (typeof body.name !== 'string' || body.name.length > 100) return fail('name', 'expected a short string');
    out.name = body.name;
  }
  if (body.value !== undefined) out.value = body.value;
  if (body.entities !== undefined) {
    if (!Array.isArray(body.entities) || body.entities.length > 10 || !body.entities.every(isObject)) return fail('entities', 'expected a short array of objects');
    out.entities = body.entities as Activity['entities'];
  }
  if (body.channelData !== undefined && !isObject(body.channelData)) return fail('channelData', 'expected an object');
  const cd = isObject(body.channelData) ? body.channelData : {};
  const channelData: Record<string, string> = {};
  if (cd.clientActivityID !== undefined) {
    if (typeof cd.clientActivityID !== 'string' || cd.clientActivityID.length > 100) return fail('channelData.clientActivityID', 'expected a short string');
    channelData.clientActivityID = cd.clientActivityID;
  }
  if (typeof cd.clientTimestamp === 'string' && cd.clientTimestamp.length <= 40) channelData.clientTimestamp = cd.clientTimestamp;
  if (Object.keys(channelData).length) out.channelData = channelData;
  if (body.attachments !== undefined && !(Array.isArray(body.attachments) && body.attachments.length === 0)) {
    if (!opts.allowAttachments) return fail('attachments', 'files are sent to /upload (multipart), not inline');
  }
  if (opts.allowAttachments?.length) out.attachments = opts.allowAttachments;
  if (type === 'message' && out.text === undefined && out.value === undefined && !out.attachments?.length) return fail('text', 'a message needs text, value or attachments');
  if (type === 'event' && !out.name) return fail('name', 'an event needs a name');
  return { ok: true, value: out };
}

/** Builds the wire form of a bot activity (reply or proactive message). */
export function fromBotActivity(activity: Partial<Activity>, scope: { conversationId: string; userId: string; id: string; timestamp: string; replyToId?: string }): Partial<Activity> {
  const out: Partial<Activity> = {
    ...activity,
    id: scope.id,
    channelId: CHANNEL_ID,
    serviceUrl: SERVICE_URL,
    timestamp: new Date(scope.timestamp),
    from: { ...BOT_ACCOUNT, ...(activity.from?.name ? { name: activity.from.name } : {}) },
    recipient: { id: scope.userId, name: '', role: 'user' },
    conversation: { id: scope.conversationId } as ConversationAccount,
  };
  if (!out.type) out.type = 'message';
  if (scope.replyToId) out.replyToId = scope.replyToId;
  // Kropla's markup as Web Chat's Markdown (where a single newline is no line break)
  if (out.type === 'message' && out.text && (out.textFormat === undefined || out.textFormat === 'markdown')) {
    out.text = toMarkdown(out.text);
    out.textFormat = 'markdown';
  }
  return out;
}

export { parseDataUrl, toDataUrl } from '../dataUrl';

/** The real type of a file from its first bytes (only the types we accept), or null. */
export function sniffType(data: Buffer): (typeof ALLOWED_UPLOAD_TYPES)[number] | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 6 && (data.subarray(0, 6).toString('latin1') === 'GIF87a' || data.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (data.length >= 5 && data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

/** A file name safe to store and to put in Content-Disposition (no paths, no control characters). */
export function safeFileName(name: string | undefined, contentType: string): string {
  const ext = contentType === 'application/pdf' ? 'pdf' : contentType.split('/')[1] || 'bin';
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = stripBidi(base).replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 150);
  return clean || `plik.${ext}`;
}

/** Rewrites stored relative attachment URLs (`/v3/directline/attachments/…`, in cards too) to absolute ones for one client. */
export function absolutize(activity: Partial<Activity>, baseUrl: string): Partial<Activity> {
  const card = (a: BfAttachment) => a.contentType === ADAPTIVE_CARD && JSON.stringify(a.content ?? null).includes(ATTACHMENT_PATH);
  if (!activity.attachments?.some((a) => a.contentUrl?.startsWith(ATTACHMENT_PATH) || a.thumbnailUrl?.startsWith(ATTACHMENT_PATH) || card(a))) return activity;
  return {
    ...activity,
    attachments: activity.attachments.map((a) => ({
      ...a,
      ...(card(a) ? { content: mapCardStrings(a.content, (s) => (s.startsWith(ATTACHMENT_PATH) ? baseUrl + s : s)) } : {}),
      ...(a.contentUrl?.startsWith(ATTACHMENT_PATH) ? { contentUrl: baseUrl + a.contentUrl } : {}),
      ...(a.thumbnailUrl?.startsWith(ATTACHMENT_PATH) ? { thumbnailUrl: baseUrl + a.thumbnailUrl } : {}),
    })),
  };
}
