/**
 * Executes {@link BotApiCall}s with a grammY `Api`, and maps Bot API errors to outbox delivery results.
 */
import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { DeliveryResult } from '../types';
import type { BotApiCall } from './mapping';

/** Runs one call; returns the message it sent (none for chat actions). */
export async function execute(api: Api, call: BotApiCall): Promise<Message | null> {
  switch (call.method) {
    case 'sendMessage': {
      const { chat_id, text, ...other } = call.payload;
      return api.sendMessage(chat_id, text, other);
    }
    case 'sendChatAction':
      await api.sendChatAction(call.payload.chat_id, call.payload.action);
      return null;
    case 'sendPhoto':
    case 'sendDocument': {
      const { chat_id, ...other } = call.payload;
      const file = 'url' in call.file ? call.file.url : new InputFile(call.file.data, call.file.filename);
      return call.method === 'sendPhoto' ? api.sendPhoto(chat_id, file, other) : api.sendDocument(chat_id, file, other);
    }
  }
}

const BLOCKED_400 = /chat not found|user not found|PEER_ID_INVALID|have no rights to send/i;

/**
 * How the outbox should treat a failed send: 429 → retry after `retry_after`; 403 (blocked by the
 * user, user deactivated, kicked) and 400 "chat not found" → blocked; 5xx and network → retry;
 * other 400 → permanent.
 */
export function deliveryResultOf(err: unknown): DeliveryResult {
  if (err instanceof GrammyError) {
    const error = `${err.error_code} ${err.description}`.slice(0, 300);
    if (err.error_code === 429) {
      const after = err.parameters?.retry_after;
      return { ok: false, kind: 'retry', error, ...(after !== undefined ? { retryAfterMs: after * 1000 } : {}) };
    }
    if (err.error_code === 403) return { ok: false, kind: 'blocked', error };
    if (err.error_code === 400 && BLOCKED_400.test(err.description)) return { ok: false, kind: 'blocked', error };
    if (err.error_code >= 500 || err.error_code === 401 || err.error_code === 404 || err.error_code === 409) return { ok: false, kind: 'retry', error };
    return { ok: false, kind: 'permanent', error };
  }
  if (err instanceof HttpError) return { ok: false, kind: 'retry', error: `network: ${err.message}`.slice(0, 300) };
  return { ok: false, kind: 'permanent', error: (err instanceof Error ? err.message : String(err)).slice(0, 300) };
}
