/**
 * The botbuilder adapter of the Telegram channel: a Bot API update becomes a `TurnContext` for the
 * one bot (through {@link toActivity}), and what the bot sends becomes Bot API calls (through
 * {@link fromActivity}), executed with a grammY `Api` (auto-retry for interactive replies).
 * Nothing outside `src/channels/telegram` sees grammY.
 *
 * @example
 * const adapter = new TelegramAdapter({ api, token, apiRoot, log, bot: () => ({ id: '1', name: 'Kropla' }) });
 * await adapter.processUpdate(update, (ctx) => app.bot.run(ctx));
 */
import { Activity, BotAdapter, type ConversationReference, type ResourceResponse, TurnContext } from 'botbuilder';
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import { t } from '../../i18n/i18n';
import { deliveryResultOf, execute } from './calls';
import { CallbackDataCodec, fromActivity, localeHint, MAX_INBOUND_FILE_BYTES, toActivity, type InboundFile, type TelegramChannelData } from './mapping';
import { isStorageRefused } from '../../db/sql';

export interface TelegramAdapterOptions {
  /** grammY Api for replies (with auto-retry installed). */
  api: Api;
  token: string;
  /** Bot API root, e.g. `https://api.telegram.org` (files come from `<apiRoot>/file/bot<token>/…`). */
  apiRoot: string;
  log: Logger;
  /** The bot's own account (after getMe). */
  bot: () => { id: string; name: string };
  codec?: CallbackDataCodec;
  /** Called for every incoming activity before the turn (e.g. to record the chat). */
  beforeTurn?: (context: TurnContext) => Promise<void>;
  /** Repeat "typing…" this often while a turn runs (Telegram shows it for about 5 s). */
  typingRepeatMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Thrown when a reply could not be delivered to Telegram; carries the call that failed. */
export class TelegramSendError extends Error {
  constructor(
    readonly method: string,
    readonly chatId: string,
    override readonly cause: unknown,
  ) {
    super(`Telegram ${method} to a chat failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TelegramSendError';
  }
}

export class TelegramAdapter extends BotAdapter {
  readonly codec: CallbackDataCodec;
  private readonly api: Api;

  constructor(private readonly opts: TelegramAdapterOptions) {
    super();
    if (!opts.token) throw new Error('TelegramAdapter needs a bot token');
    if (!/^https?:\/\//.test(opts.apiRoot)) throw new Error('TelegramAdapter needs an http(s) apiRoot');
    this.api = opts.api;
    this.codec = opts.codec ?? new CallbackDataCodec();
    this.onTurnError = async (context, error) => {
      this.opts.log.error({ err: error, conversation: context.activity.conversation?.id }, 'telegram turn failed');
      try {
        await context.sendActivity(t(context.activity.locale ?? 'pl', isStorageRefused(error) ? 'telegram.notSaved' : 'telegram.error'));
      } catch {
        // the apology itself failed: nothing more to do
      }
    };
  }

  /** Turns one update into a turn of `logic` (the bot). Updates Kropla ignores are dropped. */
  async processUpdate(update: Update, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const bot = this.opts.bot();
    const activity = toActivity(update, { serviceUrl: this.opts.apiRoot, bot, decodeCallbackData: (d) => this.codec.decode(d) });
    // the press is answered and its keyboard removed while the bot already works on the choice
    const settled = update.callback_query ? this.settleCallback(update, activity === null) : Promise.resolve();
    if (!activity) {
      await settled;
      return;
    }
    const chatId = String(activity.conversation?.id);
    const log = this.opts.log.child({ conversation: chatId });
    log.debug({ updateId: update.update_id, text: activity.text }, 'telegram update');
    const stopTyping = this.keepTyping(chatId);
    try {
      await this.attachFiles(activity, log);
      const context = new TurnContext(this, activity);
      if (this.opts.beforeTurn) await this.opts.beforeTurn(context);
      await this.runMiddleware(context, logic);
    } finally {
      stopTyping();
      await settled;
    }
  }

  /** Answers a button press at once and takes the keyboard off the message. */
  private async settleCallback(update: Update, expired: boolean): Promise<void> {
    const cq = update.callback_query;
    if (!cq) return;
    const locale = localeHint(cq.from.language_code);
    try {
      await this.api.answerCallbackQuery(cq.id, expired ? { text: t(locale, 'telegram.buttonExpired') } : {});
    } catch (e) {
      this.opts.log.debug({ err: e }, 'answerCallbackQuery failed');
    }
    const msg = cq.message;
    if (!msg) return;
    try {
      await this.api.editMessageReplyMarkup(msg.chat.id, msg.message_id, { reply_markup: { inline_keyboard: [] } });
    } catch (e) {
      this.opts.log.debug({ err: e }, 'removing the keyboard failed');
    }
  }

  /** Sends "typing…" now and every few seconds until the returned stop is called. */
  private keepTyping(chatId: string): () => void {
    const send = () => {
      this.api.sendChatAction(chatId, 'typing').catch((e: unknown) => this.opts.log.debug({ err: e }, 'sendChatAction failed'));
    };
    send();
    const timer = setInterval(send, this.opts.typingRepeatMs ?? 4500);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Downloads the customer's photos/documents into `data:` attachments (≤ 10 MB each). */
  private async attachFiles(activity: Partial<Activity>, log: Logger): Promise<void> {
    const data = activity.channelData as TelegramChannelData;
    for (const f of data.files ?? []) {
      if (f.size !== undefined && f.size > MAX_INBOUND_FILE_BYTES) {
        (data.rejectedFiles ??= []).push({ name: f.name, size: f.size, reason: 'too_large' });
        continue;
      }
      try {
        const bytes = await this.download(f);
        if (bytes === null) {
          (data.rejectedFiles ??= []).push({ name: f.name, size: f.size, reason: 'too_large' });
          continue;
        }
        (activity.attachments ??= []).push({ contentType: f.contentType, name: f.name, contentUrl: `data:${f.contentType};base64,${bytes.toString('base64')}` });
      } catch (e) {
        log.warn({ err: e, kind: f.kind }, 'telegram file download failed');
        (data.rejectedFiles ??= []).push({ name: f.name, size: f.size, reason: 'download_failed' });
      }
    }
  }

  /** A file's bytes via getFile + download; null when it is over the limit. */
  async download(f: InboundFile): Promise<Buffer | null> {
    const file = await this.api.getFile(f.fileId);
    if (!file.file_path) throw new Error('getFile returned no file_path');
    if (file.file_size !== undefined && file.file_size > MAX_INBOUND_FILE_BYTES) return null;
    const res = await fetch(`${this.opts.apiRoot}/file/bot${this.opts.token}/${file.file_path}`);
    if (!res.ok || !res.body) throw new Error(`file download answered ${res.status}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_INBOUND_FILE_BYTES) {
        await res.body.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }

  /** Shows the bot's activities in the chat: texts, files, keyboards, typing, delays. */
  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await sleep(typeof activity.value === 'number' ? activity.value : 1000);
        responses.push({ id: '' });
        continue;
      }
      const chatId = String(activity.conversation?.id ?? context.activity.conversation?.id);
      const calls = fromActivity({ ...activity, locale: activity.locale ?? context.activity.locale }, { chatId, encodeCallbackData: (v) => this.codec.encode(v) });
      let lastId = '';
      for (const call of calls) {
        try {
          const msg = await execute(this.api, call);
          if (msg) lastId = String(msg.message_id);
        } catch (e) {
          if (call.method === 'sendChatAction') continue;
          const r = deliveryResultOf(e);
          this.opts.log.warn({ method: call.method, conversation: chatId, kind: r.ok ? 'ok' : r.kind }, 'telegram reply failed');
          throw new TelegramSendError(call.method, chatId, e);
        }
      }
      responses.push({ id: lastId });
    }
    return responses;
  }

  /** Edits the text of a sent message (`activity.id` = Telegram message id). */
  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<void> {
    const chatId = String(activity.conversation?.id ?? context.activity.conversation?.id);
    const [first] = fromActivity({ ...activity, attachments: [] }, { chatId, encodeCallbackData: (v) => this.codec.encode(v) });
    if (!activity.id || !first || first.method !== 'sendMessage') return;
    await this.api.editMessageText(chatId, Number(activity.id), first.payload.text, { parse_mode: 'HTML', reply_markup: first.payload.reply_markup });
  }

  override async deleteActivity(context: TurnContext, reference: Partial<ConversationReference>): Promise<void> {
    const chatId = String(reference.conversation?.id ?? context.activity.conversation?.id);
    if (reference.activityId) await this.api.deleteMessage(chatId, Number(reference.activityId));
  }

  /** Runs `logic` in a stored conversation (proactive replies from the same process). */
  override async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }
}
