/** Telegram channel with grammY (issue 6). Placeholder until the channel lands. */
import type { Server } from 'restify';
import type { App } from '../../app';

export interface TelegramChannel {
  /** The bot's @username (from getMe), for deep links. */
  readonly username: string | null;
  /** Registers the webhook route (webhook mode) before the server listens. */
  init(server: Server): Promise<void>;
  /** Starts long polling or sets the webhook. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The Telegram channel when `TELEGRAM_BOT_TOKEN` is set, else null. */
export function createTelegramChannel(app: App): TelegramChannel | null {
  if (!app.config.telegram.token) return null;
  return null;
}
