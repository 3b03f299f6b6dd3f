/**
 * The one channel-agnostic bot. Channels (web chat, Telegram, Teams) feed it activities;
 * per message it records the chat, picks the language, finds the linked customer, routes
 * live handoffs and answers to open cases, and runs the dialogs with interruptions.
 */
import { ActivityHandler, ActivityTypes, ConversationState, type StatePropertyAccessor, type TurnContext, TurnContext as TC } from 'botbuilder';
import { type DialogContext, DialogSet, type DialogState } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import type { App } from '../app';
import { DatabaseStorage } from './DatabaseStorage';
import { isoDateInWarsaw } from '../domain/format';
import { toLocale, type Locale } from '../i18n/i18n';
import type { NluResult } from '../nlu';
import { setTurnInfo, say, type TurnInfo } from '../../dialogs/context';
import { registerDialogs, DIALOG, TASK_INTENTS } from '../../dialogs';
import { routeByIntent, intentForButton, commandIntent, taskLabel } from '../../dialogs/router';
import { FREE_TEXT_PROMPTS, PROMPT, type ChoiceValidation } from '../../dialogs/prompts';
import { matchChoice, parseYesNo } from '../../dialogs/parsing';
import { parseMeterValue } from '../services/ReadingService';
import { normalizeLinkCode } from '../services/LinkService';
import { foldDiacritics } from '../domain/streets';
import { handleHandoffMessage } from '../../dialogs/handoffTurn';
import { photosOf } from '../../dialogs/ReadingPhotoDialog';

/** A photo captioned with this is a meter reading to read from the photo. */
const PHOTO_READING = /\bodczyt|meter reading|показник/i;

/** What the bot remembers about a conversation besides the dialog stack. */
export interface ConversationPrefs {
  locale?: Locale;
  /** Consecutive turns not understood (two-stage fallback). */
  misses?: number;
  /** A task interrupted by another one, offered again when that one ends. */
  suspended?: string;
  greeted?: boolean;
}

/**
 * Whether a message says enough to switch the conversation's language: Cyrillic, or two real words
 * besides commands, codes and numbers ("/start K7PM4QX9" or "1234,5 m3" say nothing about it).
 */
function languageEvidence(nlu: NluResult): boolean {
  if (/[\u0400-\u04ff]/.test(nlu.text)) return true;
  let rest = nlu.text.replace(/^\/\w+(@\w+)?/, ' ');
  for (const e of nlu.entities) rest = rest.replace(e.text, ' ');
  const words = rest.split(/[^\p{L}]+/u).filter((w) => w.length >= 3);
  return words.length >= 2;
}

/** Intents that may interrupt a structured prompt when said with confidence. */
const INTERRUPT_SCORE = 0.6;
const CANCEL = /^(anuluj|anulowac|anuluje|stop|koniec|przerwij|rezygnuje|wyjdz|cancel|quit|exit|скасувати|скасуй|відміна|стоп)( to| wszystko| prosze)?$/;
const HELP = /^(pomoc|pomocy|help|допомога|\/pomoc|\/help|co umiesz|jak to dziala)\??$/;

export class KroplaBot extends ActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly prefs: StatePropertyAccessor<ConversationPrefs>;
  private readonly dialogs: DialogSet;
  private readonly log: Logger;

  constructor(private readonly app: App) {
    super();
    this.log = app.log.child({ component: 'bot' });
    this.conversationState = new ConversationState(new DatabaseStorage(app.ds));
    this.dialogState = this.conversationState.createProperty<DialogState>('dialogState');
    this.prefs = this.conversationState.createProperty<ConversationPrefs>('prefs');
    this.dialogs = new DialogSet(this.dialogState);
    registerDialogs(this.dialogs, app);

    this.onMessage(async (ctx, next) => {
      await this.onCustomerMessage(ctx);
      await next();
    });
    this.onMembersAdded(async (ctx, next) => {
      const botId = ctx.activity.recipient?.id;
      const joined = (ctx.activity.membersAdded ?? []).some((m) => m.id !== botId);
      if (joined && ctx.activity.channelId !== 'telegram') await this.greetOnce(ctx);
      await next();
    });
    // Web Chat says `webchat/join` as soon as the widget connects: greet a new conversation at once.
    this.onEvent(async (ctx, next) => {
      if (ctx.activity.name === 'webchat/join') await this.greetOnce(ctx);
      await next();
    });
  }

  override async run(ctx: TurnContext): Promise<void> {
    try {
      await super.run(ctx);
    } finally {
      await this.conversationState.saveChanges(ctx, false);
    }
  }

  /** Chat record, language, linked customer and NLU for this turn. */
  private async prepare(ctx: TurnContext): Promise<TurnInfo> {
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
    const text = (a.text ?? '').trim();
    let nlu: NluResult | null = null;
    const now = new Date();
    if (text) {
      nlu = this.app.recognizer.recognize(text, { language: locale, today: now });
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
    return info;
  }

  private recordTranscript(ctx: TurnContext, chatId: number): void {
    ctx.onSendActivities(async (_c, activities, next) => {
      for (const act of activities) if (act.type === ActivityTypes.Message && act.text) await this.app.services.chats.record(chatId, 'bot', act.text);
      return next();
    });
  }

  private async greetOnce(ctx: TurnContext): Promise<void> {
    const info = await this.prepare(ctx);
    const prefs = await this.prefs.get(ctx, {});
    if (prefs.greeted) return;
    prefs.greeted = true;
    await this.prefs.set(ctx, prefs);
    this.recordTranscript(ctx, info.chat.id);
    const dc = await this.dialogs.createContext(ctx);
    await dc.beginDialog('greeting');
  }

  private async onCustomerMessage(ctx: TurnContext): Promise<void> {
    const info = await this.prepare(ctx);
    const log = this.log.child({ channel: ctx.activity.channelId, chat: info.chat.id });
    const text = (ctx.activity.text ?? '').trim();
    const attachments = ctx.activity.attachments?.length ?? 0;
    if (text) await this.app.services.chats.record(info.chat.id, 'customer', text);
    else if (attachments) await this.app.services.chats.record(info.chat.id, 'customer', `[${attachments} attachment(s)]`);
    this.recordTranscript(ctx, info.chat.id);
    log.debug({ intent: info.nlu?.intent, score: info.nlu?.score }, 'message');

    if (await handleHandoffMessage(ctx, this.app, info)) return;

    const prefs = await this.prefs.get(ctx, {});
    const dc = await this.dialogs.createContext(ctx);
    if (!dc.activeDialog && (await this.answerToOpenCase(ctx, info))) return;

    const folded = foldDiacritics(text).replace(/[!.]+$/, '');
    if (PHOTO_READING.test(folded) && photosOf(ctx.activity).length && !(dc.activeDialog && dc.stack[0].id.startsWith('reading.submit'))) {
      // a meter photo sent with "odczyt" starts the reading from the photo, whatever was going on
      await dc.cancelAllDialogs();
      await routeByIntent(dc, 'reading.submit', info);
      await this.prefs.set(ctx, prefs);
      return;
    }
    if (dc.activeDialog) {
      if (CANCEL.test(folded)) {
        await dc.cancelAllDialogs();
        prefs.suspended = undefined;
        await say(ctx, 'common.cancelled', {}, [taskLabel(ctx, 'help')]);
        return;
      }
      if (HELP.test(folded)) {
        await say(ctx, 'common.helpInTask', { task: taskLabel(ctx, dc.stack[0].id) });
        await dc.repromptDialog();
        return;
      }
      const command = commandIntent(text);
      if (!command && dc.stack[0].id === DIALOG.resume && parseYesNo(text) === null) {
        // "Shall we go back?" answered with something else: drop the offer and take the message as it is.
        await dc.cancelAllDialogs();
        await this.routeRecognized(dc, info, prefs);
        await this.prefs.set(ctx, prefs);
        return;
      }
      const switchTo = command ? command.intent : this.interruptingIntent(dc, info, text);
      if (switchTo) {
        const current = dc.stack[0].id;
        await dc.cancelAllDialogs();
        if (switchTo !== 'agent.handoff' && current !== switchTo && TASK_INTENTS.includes(current)) prefs.suspended = current;
        await routeByIntent(dc, switchTo, info, command?.arg);
      } else {
        await dc.continueDialog();
      }
    } else {
      const command = commandIntent(text);
      const button = intentForButton(text);
      const intent = command?.intent ?? button;
      if (intent) {
        prefs.misses = 0;
        await routeByIntent(dc, intent, info, command?.arg);
      } else {
        await this.routeRecognized(dc, info, prefs);
      }
    }

    if (!dc.activeDialog && prefs.suspended) {
      const suspended = prefs.suspended;
      prefs.suspended = undefined;
      await dc.beginDialog(DIALOG.resume, { dialogId: suspended });
    }
    await this.prefs.set(ctx, prefs);
  }

  /** Routes by NLU with the two-stage fallback; never acts on a low-confidence guess. */
  private async routeRecognized(dc: DialogContext, info: TurnInfo, prefs: ConversationPrefs): Promise<void> {
    const ctx = dc.context;
    const nlu = info.nlu;
    if (!nlu) {
      if (ctx.activity.attachments?.length) {
        await say(ctx, 'common.attachmentWithoutTask', {}, [taskLabel(ctx, 'complaint.file'), taskLabel(ctx, 'reading.submit')]);
        return;
      }
      return;
    }
    const ACT = 0.55;
    if (nlu.intent !== 'None' && nlu.score >= ACT) {
      prefs.misses = 0;
      await routeByIntent(dc, nlu.intent, info);
      return;
    }
    prefs.misses = (prefs.misses ?? 0) + 1;
    if (prefs.misses >= 2) {
      prefs.misses = 0;
      await say(ctx, 'fallback.second', {}, [taskLabel(ctx, 'agent.handoff'), taskLabel(ctx, 'contact.info')], { refusal: 'notUnderstood' });
      return;
    }
    if (nlu.intent === 'None' && nlu.score >= 0.6) {
      await say(ctx, 'fallback.outOfScope', {}, [taskLabel(ctx, 'help')], { refusal: 'outOfScope' });
      return;
    }
    const likely = nlu.intents.filter((i) => i.intent !== 'None' && TASK_INTENTS.includes(i.intent)).slice(0, 2).map((i) => taskLabel(ctx, i.intent));
    await say(ctx, 'fallback.first', {}, [...likely, taskLabel(ctx, 'help')], { refusal: 'notUnderstood' });
  }

  /**
   * During a structured prompt (yes/no, choice, a number, a code), an answer that is not one
   * but clearly asks for another task switches to that task. Free-text prompts never switch.
   */
  private interruptingIntent(dc: DialogContext, info: TurnInfo, text: string): string | null {
    const nlu = info.nlu;
    if (!nlu || !text) return null;
    const active = dc.activeDialog;
    if (!active) return null;
    if (nlu.intent === 'agent.handoff' && nlu.score >= 0.85 && !FREE_TEXT_PROMPTS.includes(active.id)) return 'agent.handoff';
    if (FREE_TEXT_PROMPTS.includes(active.id)) return null;
    if (!TASK_INTENTS.includes(nlu.intent) || nlu.score < INTERRUPT_SCORE) return null;
    if (nlu.intent === dc.stack[0].id) return null;
    const options = (active.state as { options?: { validations?: ChoiceValidation } }).options;
    const answers =
      active.id === PROMPT.yesNo ? parseYesNo(text) !== null
      : active.id === PROMPT.choice ? matchChoice(text, options?.validations?.titles ?? []) >= 0
      : active.id === PROMPT.meterValue ? parseMeterValue(text) !== null
      : active.id === PROMPT.code ? normalizeLinkCode(text) !== null
      : active.id === PROMPT.customerNumber ? /^\d{4,20}$/.test(text.replace(/\s+/g, ''))
      : active.id === PROMPT.email ? /@/.test(text)
      : true;
    return answers ? null : nlu.intent;
  }

  /** A customer's answer to a case that waits for it goes into the case (waiting_for_customer → in_progress). */
  private async answerToOpenCase(ctx: TurnContext, info: TurnInfo): Promise<boolean> {
    const text = (ctx.activity.text ?? '').trim();
    if (!text) return false;
    const c = await this.app.services.cases.waitingForCustomer(info.chat.id);
    if (!c) return false;
    const nlu = info.nlu;
    const clearTask = nlu && TASK_INTENTS.includes(nlu.intent) && nlu.score >= 0.8 && !['complaint.file', 'message.send', 'case.status'].includes(nlu.intent);
    if (clearTask || commandIntent(text) || intentForButton(text)) return false;
    await this.app.services.cases.addCustomerAnswer(c, text);
    this.app.events.emit('case.customerMessage', c, text);
    await say(ctx, 'cases.answerAdded', { caseNumber: c.caseNumber });
    return true;
  }
}
