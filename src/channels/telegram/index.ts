/**
 * Kropla in Telegram (grammY): long polling by default (`@grammyjs/runner`, one chat's updates in
 * order), webhook mode when `TELEGRAM_WEBHOOK_URL` is set (secret checked on every update), the
 * command menu in three languages, and the outbox sender for proactive messages.
 * The grammY bot stays in this folder; the rest of Kropla sees {@link TelegramChannel}.
 *
 * @example
 * const telegram = createTelegramChannel(app); // null without TELEGRAM_BOT_TOKEN
 * if (telegram) { await telegram.init(server); await telegram.start(); }
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Api, Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { autoRetry } from '@grammyjs/auto-retry';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import type { Request, Response, Server } from 'restify';
import { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { App } from '../../app';
import { ChatConversation } from '../../../models';
import { t, type Locale } from '../../i18n/i18n';
import { execute } from './calls';
import { CallbackDataCodec, fromActivity, localeHint } from './mapping';
import { TelegramAdapter } from './TelegramAdapter';
import { TelegramSender } from './TelegramSender';

export { TelegramAdapter, TelegramSendError } from './TelegramAdapter';
export { TelegramSender } from './TelegramSender';
export { deliveryResultOf } from './calls';
export { fromActivity, toActivity, CallbackDataCodec, splitText, toTelegramHtml, escapeHtml } from './mapping';
export type { BotApiCall, TelegramChannelData } from './mapping';

export interface TelegramChannel {
  /** The bot's @username (from getMe), for deep links. */
  readonly username: string | null;
  /** Registers the webhook route (webhook mode) before the server listens. */
  init(server: Server): Promise<void>;
  /** Starts long polling or sets the webhook. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Posts a notice to the staff chat (`TELEGRAM_STAFF_CHAT_ID`); does nothing when none is set. */
  sendStaffNotice(text: string): Promise<void>;
}

/** The commands of the menu, in menu order (descriptions in `locales/<lang>/telegram.json`). */
export const COMMANDS = ['saldo', 'faktury', 'odczyt', 'zuzycie', 'reklamacja', 'awarie', 'pomoc', 'wyloguj'] as const;

/** The update kinds Kropla asks Telegram for. */
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
const WEBHOOK_MAX_BYTES = 1024 * 1024;
/** Answer the webhook after this long even if the turn still runs (Telegram would resend). */
const WEBHOOK_ANSWER_MS = 8000;

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

async function readRaw(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

class GrammyTelegramChannel implements TelegramChannel {
  private readonly bot: Bot;
  private readonly adapter: TelegramAdapter;
  private readonly log: Logger;
  private readonly codec = new CallbackDataCodec();
  private readonly webhookSecret: string | null;
  private runner: RunnerHandle | null = null;
  private ready = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly app: App,
    private readonly token: string,
  ) {
    const cfg = app.config.telegram;
    this.log = app.log.child({ channel: 'telegram' });
    this.webhookSecret = cfg.webhookUrl ? (cfg.webhookSecret ?? randomBytes(24).toString('base64url')) : null;
    this.bot = new Bot(token, { client: { apiRoot: cfg.apiRoot } });
    // Interactive replies wait out 429 and 5xx a few times; a dropped connection fails at once (no retries left running at shutdown).
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true }));
    this.adapter = new TelegramAdapter({
      api: this.bot.api,
      token,
      apiRoot: cfg.apiRoot,
      log: this.log,
      codec: this.codec,
      bot: () => (this.ready ? { id: String(this.bot.botInfo.id), name: this.bot.botInfo.first_name } : { id: token.split(':')[0], name: 'Kropla' }),
      beforeTurn: (context) => this.recordChat(context),
    });
    // one chat's updates strictly in order; different chats in parallel
    this.bot.use(sequentialize((ctx: Context) => String(ctx.chat?.id ?? ctx.from?.id ?? '')));
    this.bot.on(['message', 'callback_query:data'], (ctx) => this.turn(ctx.update));
    this.bot.on('my_chat_member', (ctx) => this.memberChanged(ctx.update));
    this.bot.catch((err) => this.log.error({ err: err.error, updateId: err.ctx.update.update_id }, 'telegram update failed'));
    app.registerSender(new TelegramSender(new Api(token, { apiRoot: cfg.apiRoot }), cfg.ratePerSecond, this.codec, cfg.paidBroadcast.enabled ? cfg.paidBroadcast.ratePerSecond : undefined));
  }

  get username(): string | null {
    return this.ready ? this.bot.botInfo.username : null;
  }

  /** The botbuilder adapter (for proactive `continueConversation` and tests). */
  get botAdapter(): TelegramAdapter {
    return this.adapter;
  }

  /**
   * A customer's update behind the same bounded turn queue as web chat: run when admitted, else
   * answered at once with the polite busy reply (the customer is asked to write again shortly).
   */
  private async turn(update: Update): Promise<void> {
    const turns = this.app.turns;
    if (!turns.admit()) return this.busy(update);
    await turns.run(() => this.adapter.processUpdate(update, (turn) => this.app.bot.run(turn)));
  }

  private async busy(update: Update): Promise<void> {
    const from = update.message?.from ?? update.callback_query?.from;
    const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? from?.id;
    this.log.info({ updateId: update.update_id }, 'saturated: busy reply');
    if (update.callback_query) await this.bot.api.answerCallbackQuery(update.callback_query.id).catch(() => undefined);
    if (chatId !== undefined) await this.bot.api.sendMessage(chatId, t(localeHint(from?.language_code), 'webchat.busy'));
  }

  /** Records the chat for proactive messages; a new chat takes Telegram's language as its locale. */
  private async recordChat(context: TurnContext): Promise<void> {
    const a = context.activity;
    const conversationId = String(a.conversation?.id);
    const reference = TurnContext.getConversationReference(a);
    const chat = await this.app.services.chats.touch({ channel: 'telegram', conversationId, userId: String(a.from?.id), reference, initialLocale: a.locale });
    context.turnState.set('kropla.chatId', chat.id);
  }

  /** The user blocked the bot (or unblocked it): stop or resume deliveries. */
  private async memberChanged(update: Update): Promise<void> {
    const m = update.my_chat_member;
    if (!m) return;
    const chat = await this.app.ds.getRepository(ChatConversation).findOne({ where: { channel: 'telegram', conversationId: String(m.chat.id) } });
    if (!chat) return;
    if (m.new_chat_member.status === 'kicked' || m.new_chat_member.status === 'left') {
      await this.app.services.chats.markBlocked(chat.id);
      this.log.info({ chatId: chat.id }, 'user blocked the bot');
    } else if (m.new_chat_member.status === 'member' && chat.blockedAt) {
      await this.app.services.chats.touch({ channel: 'telegram', conversationId: chat.conversationId, userId: chat.userId, reference: JSON.parse(chat.reference) as object });
      this.log.info({ chatId: chat.id }, 'user unblocked the bot');
    }
  }

  async init(server: Server): Promise<void> {
    const url = this.app.config.telegram.webhookUrl;
    if (!url) return;
    const path = new URL(url).pathname || '/';
    server.post(path, async (req: Request, res: Response) => this.onWebhook(req, res));
    this.log.info({ path }, 'telegram webhook route registered');
  }

  private async onWebhook(req: Request, res: Response): Promise<void> {
    const given = req.header('x-telegram-bot-api-secret-token') ?? '';
    if (!this.webhookSecret || !sameSecret(given, this.webhookSecret)) {
      req.resume();
      res.status(401);
      res.json({ error: 'unauthorized', message: 'wrong or missing secret token' });
      return;
    }
    const raw = await readRaw(req, WEBHOOK_MAX_BYTES);
    if (raw === null) {
      res.status(413);
      res.json({ error: 'too_large', message: 'update too large' });
      return;
    }
    let update: Update;
    try {
      update = JSON.parse(raw.toString('utf8')) as Update;
      if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number') throw new Error('no update_id');
    } catch {
      res.status(400);
      res.json({ error: 'invalid', field: '(body)', message: 'expected a Telegram Update' });
      return;
    }
    if (!this.ready) {
      res.status(503);
      res.json({ error: 'starting', message: 'not ready yet' });
      return;
    }
    const handled = this.bot.handleUpdate(update).catch((err: unknown) => this.log.error({ err, updateId: update.update_id }, 'telegram update failed'));
    this.inFlight.add(handled);
    void handled.finally(() => this.inFlight.delete(handled));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([handled, new Promise<void>((r) => (timer = setTimeout(r, WEBHOOK_ANSWER_MS)))]);
    clearTimeout(timer);
    res.status(200);
    res.json({ ok: true });
  }

  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.connect();
    } catch (e) {
      this.log.error({ err: e }, 'telegram start failed; retrying in the background');
      this.scheduleRetry(5000);
    }
  }

  private scheduleRetry(ms: number): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.connect().catch((e: unknown) => {
        this.log.warn({ err: e }, 'telegram still unreachable');
        this.scheduleRetry(Math.min(ms * 2, 300_000));
      });
    }, ms);
    this.retryTimer.unref();
  }

  /** getMe, the command menu, then the webhook or long polling. */
  private async connect(): Promise<void> {
    await this.bot.init();
    this.ready = true;
    await this.setCommands();
    const cfg = this.app.config.telegram;
    if (cfg.webhookUrl) {
      await this.bot.api.setWebhook(cfg.webhookUrl, { secret_token: this.webhookSecret ?? undefined, allowed_updates: [...ALLOWED_UPDATES] });
      this.log.info('telegram webhook set');
      return;
    }
    await this.bot.api.deleteWebhook();
    if (this.stopped) return;
    // Exactly one instance long-polls (contracts §11); another takes over when it dies.
    this.app.cluster.lead(
      'telegram-poller',
      () => {
        if (this.stopped || this.runner) return;
        this.runner = run(this.bot, {
          runner: { fetch: { timeout: 30, allowed_updates: [...ALLOWED_UPDATES] }, silent: true, retryInterval: 'exponential', maxRetryTime: 365 * 24 * 3600_000 },
        });
        this.log.info('telegram long polling started');
      },
      async () => {
        const runner = this.runner;
        this.runner = null;
        if (runner) await runner.stop().catch(() => undefined);
      },
    );
  }

  private async setCommands(): Promise<void> {
    const menu = (locale: Locale) => COMMANDS.map((command) => ({ command, description: t(locale, `telegram.commands.${command}`) }));
    await this.bot.api.setMyCommands(menu('pl'));
    for (const locale of ['pl', 'en', 'uk'] as const) await this.bot.api.setMyCommands(menu(locale), { language_code: locale });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const runner = this.runner;
    this.runner = null;
    if (runner) await runner.stop().catch(() => undefined);
    await Promise.all([...this.inFlight]);
  }

  async sendStaffNotice(text: string): Promise<void> {
    const chatId = this.app.config.telegram.staffChatId;
    if (!chatId) return;
    for (const call of fromActivity({ type: 'message', text }, { chatId })) await execute(this.bot.api, call);
  }
}

/** The Telegram channel when `TELEGRAM_BOT_TOKEN` is set, else null. */
export function createTelegramChannel(app: App): TelegramChannel | null {
  const token = app.config.telegram.token;
  if (!token) return null;
  return new GrammyTelegramChannel(app, token);
}
