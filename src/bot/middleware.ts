/**
 * KroplaBot's jobs around the dialogs, as botbuilder middleware run in order on every turn:
 * turn info (chat record, language, linked customer, NLU), the transcript (both sides of the chat),
 * and live handoff (while a person has the chat, the bot stays out of it).
 */
import { ActivityTypes, type Middleware, type TurnContext, TurnContext as TC } from 'botbuilder';
import type { StatePropertyAccessor } from 'botbuilder';
import type { App } from '../app';
import { isStorageRefused } from '../db/sql';
import { isoDateInWarsaw } from '../domain/format';
import { toLocale, type Locale } from '../i18n/i18n';
import type { NluResult } from '../nlu';
import { setTurnInfo, turnInfo, type TurnInfo } from '../../dialogs/context';
import { correctedInMessage } from '../../dialogs/understanding';
import { handleHandoffMessage } from '../../dialogs/handoffTurn';
import type { ConversationPrefs } from './state';

/**
 * Whether a message says enough to switch the conversation's language: Cyrillic, or two real words
 * besides commands, codes and numbers ("/start K7PM4QX9" or "1234,5 m3" say nothing about it).
 */
export function languageEvidence(nlu: NluResult): boolean {
  if (/[\u0400-\u04ff]/.test(nlu.text)) return true;
  let rest = nlu.text.replace(/^\/\w+(@\w+)?/, ' ');
  for (const e of nlu.entities) rest = rest.replace(e.text, ' ');
  const words = rest.split(/[^\p{L}]+/u).filter((w) => w.length >= 3);
  return words.length >= 2;
}

const isTurnOfCustomer = (ctx: TurnContext): boolean =>
  ctx.activity.type === ActivityTypes.Message || ctx.activity.type === ActivityTypes.ConversationUpdate || ctx.activity.type === ActivityTypes.Event;

/** Chat record, language, linked customer and NLU of the turn → {@link turnInfo}. */
export class TurnInfoMiddleware implements Middleware {
  constructor(private readonly app: Pick<App, 'services' | 'recognizer'>, private readonly prefs: StatePropertyAccessor<ConversationPrefs>) {}

  async onTurn(ctx: TurnContext, next: () => Promise<void>): Promise<void> {
    if (!isTurnOfCustomer(ctx) || !ctx.activity.conversation?.id) return next();
    const a = ctx.activity;
    const prefs = await this.prefs.get(ctx, {});
    const chat = await this.app.services.chats.touch({
      channel: a.channelId,
      conversationId: a.conversation.id,
      userId: a.from?.id ?? a.conversation.id,
      reference: TC.getConversationReference(a),
      locale: prefs.locale,
      initialLocale: toLocale(a.locale),
    });
    let locale: Locale = prefs.locale ?? toLocale(a.locale ?? chat.locale);
    const text = a.type === ActivityTypes.Message ? (a.text ?? '').trim() : '';
    let nlu: NluResult | null = null;
    const now = new Date();
    if (text) {
      // A value taken back in the same message ("…za wrzesień, albo nie, za październik") is not kept.
      nlu = correctedInMessage(this.app.recognizer.recognize(text, { language: locale, today: now }));
      if (nlu.language !== locale && languageEvidence(nlu)) {
        locale = nlu.language;
        await this.app.services.chats.setLocale(chat.id, locale);
      }
    }
    if (prefs.locale !== locale) {
      prefs.locale = locale;
      await this.prefs.set(ctx, prefs);
    }
    const customerId = await this.app.services.links.linkedCustomerId(a.channelId, chat.userId);
    const info: TurnInfo = { chat, locale, customerId, nlu, now, today: isoDateInWarsaw(now) };
    setTurnInfo(ctx, info);
    await next();
  }
}

/** Both sides of the chat into the transcript (kept for staff, erased on request). */
export class TranscriptMiddleware implements Middleware {
  constructor(private readonly app: Pick<App, 'services'>) {}

  async onTurn(ctx: TurnContext, next: () => Promise<void>): Promise<void> {
    if (!isTurnOfCustomer(ctx) || !ctx.activity.conversation?.id) return next();
    const chatId = turnInfo(ctx).chat.id;
    if (ctx.activity.type === ActivityTypes.Message) {
      const text = (ctx.activity.text ?? '').trim();
      const attachments = ctx.activity.attachments?.length ?? 0;
      if (text) await this.app.services.chats.record(chatId, 'customer', text);
      else if (attachments) await this.app.services.chats.record(chatId, 'customer', `[${attachments} attachment(s)]`);
    }
    ctx.onSendActivities(async (_c, activities, send) => {
      try {
        for (const act of activities) if (act.type === ActivityTypes.Message && act.text) await this.app.services.chats.record(chatId, 'bot', act.text);
      } catch (e) {
        // A full disk must not swallow what the bot says ("not saved" above all); the transcript misses it.
        if (!isStorageRefused(e)) throw e;
      }
      return send();
    });
    await next();
  }
}

/** While the chat is queued for or talking with a person, messages go to them and the bot stays silent. */
export class HandoffMiddleware implements Middleware {
  constructor(private readonly app: App) {}

  async onTurn(ctx: TurnContext, next: () => Promise<void>): Promise<void> {
    if (ctx.activity.type === ActivityTypes.Message && (await handleHandoffMessage(ctx, this.app, turnInfo(ctx)))) return;
    await next();
  }
}
