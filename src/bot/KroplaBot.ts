/**
 * The one channel-agnostic bot. Channels (web chat, Telegram, Teams) feed it activities. Each turn
 * runs through middleware (turn info, transcript, live handoff — src/bot/middleware.ts), then the
 * conversation: an answer to a waiting prompt goes through the answer-understanding step
 * (dialogs/understanding.ts); any other message is split into its requests, resolved against the
 * last task's context, answered from the knowledge base, or routed to a task by NLU.
 */
import { ActivityHandler, ConversationState, MiddlewareSet, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { type DialogContext, DialogSet, type DialogState, type DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import type { App } from '../app';
import { DatabaseStorage } from './DatabaseStorage';
import { HandoffMiddleware, TranscriptMiddleware, TurnInfoMiddleware } from './middleware';
import { AnalyticsMiddleware, TaskTelemetry, recordFallback } from './analytics';
import { engagementTurn, markPromptWaiting } from './engagement';
import type { ConversationPrefs } from './state';
import type { NluResult } from '../nlu';
import { foldDiacritics } from '../domain/streets';
import { noteOf, say, takeOffer, turnInfo, type TurnInfo } from '../../dialogs/context';
import { registerDialogs, DIALOG, TASK_INTENTS } from '../../dialogs';
import { routeByIntent, intentForButton, commandIntent, taskLabel } from '../../dialogs/router';
import { type PromptOptions } from 'botbuilder-dialogs';
import { promptSlot, readYesNo, resetTurnSlots } from '../../dialogs/slots';
import { understand, questionHit } from '../../dialogs/understanding';
import { knowledgeBase, type KnowledgeHit } from '../../dialogs/knowledge';
import { contextOf, requestOfStory, resolveFollowUp, splitRequests } from '../../dialogs/requests';
import { photosOf } from '../../dialogs/ReadingPhotoDialog';
import { cuedTask, namesTask } from '../../dialogs/cues';
import { addDetailsToReport } from '../../dialogs/reportDetails';

/** A photo captioned with this is a meter reading to read from the photo. */
const PHOTO_READING = /\bodczyt|meter reading|показник/i;

export type { ConversationPrefs } from './state';

/** From this NLU score a task is started without asking. */
const ACT = 0.55;
/** Words about water, sewage, meters and bills: such a question is never refused as out of scope. */
const WATER_RE = /wod|kanaliz|scie|sciek|wodomierz|licznik|podlicznik|rur|kran|hydrant|faktur|rachun|oplat|nadplat|odset|awari|ibok|bok\b|water|sewage|meter|pipe|tap|bill|invoice|вод|каналіз|лічильн|рахун|труб/;
/** Requests that are not about water at all (writing, weather, jokes): out of scope even with "woda" in them. */
const NOT_WATER_RE = /wiersz|piosenk|opowiadan|bajk|zart|dowcip|przepis na|pogod|horoskop|wypracowan|poem|joke|song|weather|вірш|пісн|погод/;

/** A request made outright ("proszę o …", "chcę …", "I would like …"), not a question. */
const REQUEST_RE = /^(?:\S+ ){0,3}?(?:prosze o|prosimy o|uprzejmie prosze|wnosze o|wnioskuje o|chce|chcialbym|chcialabym|chcemy|please|i would like|i.d like|i want|прошу|хочу)\b/;

/** A question about the customer's own account ("czy mam…", "moja…", "do I have…"). */
const OWN_ACCOUNT_RE = /(?:^|\s)(?:czy )?(?:mam|mamy|moj\p{L}*|nasz\p{L}*)(?:\s|$)|do i have|\bmy\b|чи є в мене|у мене/u;

/** More about a case just filed: how to answer, or something to add. */
const ADDITION_RE = /odpowiedz|odpisz|odezwij|kontakt|mailem|e-mailem|telefonicznie|zadzwon|dzwoncie|dopisz|dodam|dodaje|jeszcze jedno|zapomnial|reply|contact me|call me|by e-?mail|by phone|add that|відповід|зателефон/;

/**
 * Where botbuilder-dialogs keeps a turn's memory-scope configuration (turn state). Without it every
 * DialogContext (several a turn) builds the memory scopes and path resolvers anew from the component
 * registry; they hold no state of their own, so one set built on the first turn serves every turn.
 */
const DIALOG_STATE_CONFIG = 'DialogStateManagerConfiguration';

/** Asking to go back to the interrupted task in words. */
const RESUME_RE = /wroc|wracam|wracajmy|kontynu|dokoncz|dalej z|go back|continue|resume|поверн|продовж/;

export class KroplaBot extends ActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly prefs: StatePropertyAccessor<ConversationPrefs>;
  private readonly dialogs: DialogSet;
  private readonly middleware = new MiddlewareSet();
  private readonly log: Logger;
  private dialogStateConfig: DialogStateManagerConfiguration | undefined;

  constructor(private readonly app: App) {
    super();
    this.log = app.log.child({ component: 'bot' });
    this.conversationState = new ConversationState(new DatabaseStorage(app.ds));
    this.dialogState = this.conversationState.createProperty<DialogState>('dialogState');
    this.prefs = this.conversationState.createProperty<ConversationPrefs>('prefs');
    this.dialogs = new DialogSet(this.dialogState);
    registerDialogs(this.dialogs, app);
    this.dialogs.telemetryClient = new TaskTelemetry(TASK_INTENTS);
    this.middleware.use(new TurnInfoMiddleware(app, this.prefs), new AnalyticsMiddleware(app), new TranscriptMiddleware(app), new HandoffMiddleware(app));

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
    if (this.dialogStateConfig) ctx.turnState.set(DIALOG_STATE_CONFIG, this.dialogStateConfig);
    try {
      await this.middleware.run(ctx, () => super.run(ctx));
    } finally {
      this.dialogStateConfig ??= ctx.turnState.get<DialogStateManagerConfiguration | undefined>(DIALOG_STATE_CONFIG);
      await this.conversationState.saveChanges(ctx, false);
    }
  }

  private async greetOnce(ctx: TurnContext): Promise<void> {
    const prefs = await this.prefs.get(ctx, {});
    if (prefs.greeted) return;
    prefs.greeted = true;
    await this.prefs.set(ctx, prefs);
    const dc = await this.dialogs.createContext(ctx);
    await dc.beginDialog('greeting');
  }

  private async onCustomerMessage(ctx: TurnContext): Promise<void> {
    const info = turnInfo(ctx);
    const text = (ctx.activity.text ?? '').trim();
    if (this.log.isLevelEnabled('debug')) this.log.debug({ channel: ctx.activity.channelId, chat: info.chat.id, intent: info.nlu?.intent, score: info.nlu?.score }, 'message');

    const prefs = await this.prefs.get(ctx, {});
    const dc = await this.dialogs.createContext(ctx);
    if (!dc.activeDialog && (await this.answerToOpenCase(ctx, info))) return;
    if (!dc.activeDialog && (await engagementTurn(dc, this.app, info))) return;
    if (!dc.activeDialog && (await addDetailsToReport(this.app, ctx, info.nlu, prefs.context, info.now, TASK_INTENTS))) return;

    const folded = foldDiacritics(text).replace(/[!.]+$/, '');
    if (PHOTO_READING.test(folded) && photosOf(ctx.activity).length && !(dc.activeDialog && dc.stack[0].id.startsWith('reading.submit'))) {
      // a meter photo sent with "odczyt" starts the reading from the photo, whatever was going on
      await dc.cancelAllDialogs();
      await routeByIntent(dc, 'reading.submit', info);
      await this.prefs.set(ctx, prefs);
      return;
    }
    const offer = prefs.offer;
    prefs.offer = undefined;
    if (dc.activeDialog) {
      await this.continueTask(dc, info, prefs, text);
    } else {
      const command = commandIntent(text);
      const intent = command?.intent ?? intentForButton(text);
      if (intent) {
        prefs.misses = 0;
        prefs.queue = undefined;
        await this.startTask(dc, intent, info, prefs, command?.arg);
      } else if (offer && info.nlu && readYesNo(text) === true) {
        // "Tak" to the bot's own question ("Czy włączyć alerty?").
        if (offer.text) info.nlu = this.app.recognizer.recognize(offer.text, { language: info.locale, today: info.now });
        await this.startTask(dc, offer.intent, info, prefs);
      } else if (offer && readYesNo(text) === false && text.split(/\s+/).length <= 3) {
        await say(ctx, 'common.ok');
      } else {
        await this.routeMessage(dc, info, prefs);
      }
    }
    await this.afterTurn(dc, info, prefs);
    // What a dialog dealt with this turn is what a follow-up means: the invoice it sent ("a wrzuć mi ją w pdf"), the report it filed (its details).
    const subject = noteOf(ctx);
    if (subject?.caseNumber && subject.task) prefs.context = { ...prefs.context, task: subject.task, caseNumber: subject.caseNumber, at: info.now.toISOString() };
    else if (subject && prefs.context) prefs.context = { ...prefs.context, ...subject, at: info.now.toISOString() };
    if (dc.activeDialog) markPromptWaiting(ctx);
    await this.prefs.set(ctx, prefs);
  }

  /** When nothing waits any more: the next queued request, else the offer to resume an interrupted task. */
  private async afterTurn(dc: DialogContext, info: TurnInfo, prefs: ConversationPrefs): Promise<void> {
    while (!dc.activeDialog && prefs.queue?.length) {
      const next = prefs.queue.shift();
      if (!next) break;
      info.nlu = this.app.recognizer.recognize(next.text, { language: info.locale, today: info.now });
      resetTurnSlots(dc.context);
      if (next.intent.startsWith('kb:')) {
        const entry = knowledgeBase().entries.get(next.intent.slice(3));
        if (entry) await this.answerKnowledge(dc.context, { entry, score: 1, coverage: 1 }, prefs, false);
      } else {
        await this.startTask(dc, next.intent, info, prefs);
      }
    }
    if (!dc.activeDialog && prefs.suspended) {
      const suspended = prefs.suspended;
      prefs.suspended = undefined;
      await dc.beginDialog(DIALOG.resume, { dialogId: suspended });
    }
  }

  /** Starts a task and remembers what it was about for follow-ups. */
  private async startTask(dc: DialogContext, intent: string, info: TurnInfo, prefs: ConversationPrefs, arg?: string): Promise<void> {
    prefs.context = contextOf(intent, info.nlu, info.now, prefs.context);
    await routeByIntent(dc, intent, info, arg);
    const offered = takeOffer(dc.context);
    if (offered && !dc.activeDialog) prefs.offer = offered;
  }

  /** A message while a prompt waits: the answer-understanding step decides. */
  private async continueTask(dc: DialogContext, info: TurnInfo, prefs: ConversationPrefs, text: string): Promise<void> {
    const ctx = dc.context;
    const command = commandIntent(text);
    if (command) {
      await this.switchTask(dc, command.intent, info, prefs, command.arg);
      return;
    }
    const active = dc.activeDialog;
    if (!active) return;
    if (dc.stack[0].id === DIALOG.resume) {
      const dialogId = (dc.stack[0].state as { values?: { dialogId?: string } }).values?.dialogId;
      const f = foldDiacritics(text);
      const yes = readYesNo(text) === true || RESUME_RE.test(f) || (dialogId && info.nlu?.intent === dialogId);
      if (yes && dialogId) {
        await dc.cancelAllDialogs();
        await dc.beginDialog(dialogId);
        return;
      }
      if (readYesNo(text) === false && f.split(/\s+/).length <= 3) {
        await dc.continueDialog();
        return;
      }
      // "Shall we go back?" answered with something else: drop the offer and take the message as it is.
      await dc.cancelAllDialogs();
      await this.routeMessage(dc, info, prefs);
      return;
    }
    const spec = promptSlot((active.state as { options?: PromptOptions }).options);
    if (!spec) {
      await dc.continueDialog();
      return;
    }
    const task = dc.stack[0].id;
    const u = understand({ ...spec, text, nlu: info.nlu, attachments: ctx.activity.attachments?.length ?? 0, task, locale: info.locale, tasks: TASK_INTENTS });
    switch (u.kind) {
      case 'help':
        await say(ctx, 'common.helpInTask', { task: taskLabel(ctx, task) });
        await dc.repromptDialog();
        return;
      case 'cancel':
        await dc.cancelAllDialogs();
        prefs.suspended = undefined;
        prefs.queue = undefined;
        await say(ctx, 'common.cancelled', {}, [taskLabel(ctx, 'help')]);
        return;
      case 'handoff':
        await this.switchTask(dc, 'agent.handoff', info, prefs);
        return;
      case 'question':
        await this.answerKnowledge(ctx, u.hit, prefs, true);
        await dc.repromptDialog();
        return;
      case 'switch':
        await this.switchTask(dc, u.intent, info, prefs);
        return;
      default: {
        // Not an answer, but a follow-up of this task ("a za październik?" while the invoices wait for a choice).
        const follow = u.kind === 'reask' && info.nlu ? resolveFollowUp(info.nlu, prefs.context, info.now) : null;
        if (follow) {
          await dc.cancelAllDialogs();
          info.nlu = follow.nlu;
          await this.startTask(dc, follow.intent, info, prefs);
          return;
        }
        await dc.continueDialog();
      }
    }
  }

  private async switchTask(dc: DialogContext, intent: string, info: TurnInfo, prefs: ConversationPrefs, arg?: string): Promise<void> {
    const current = dc.stack[0]?.id;
    await dc.cancelAllDialogs();
    if (intent !== 'agent.handoff' && current && current !== intent && TASK_INTENTS.includes(current)) prefs.suspended = current;
    await this.startTask(dc, intent, info, prefs, arg);
  }

  /** A message with no prompt waiting: several requests, a follow-up, a task, a question, or the fallback. */
  private async routeMessage(dc: DialogContext, info: TurnInfo, prefs: ConversationPrefs): Promise<void> {
    const ctx = dc.context;
    const nlu = info.nlu;
    if (!nlu) {
      if (ctx.activity.attachments?.length) {
        await say(ctx, 'common.attachmentWithoutTask', {}, [taskLabel(ctx, 'complaint.file'), taskLabel(ctx, 'reading.submit')]);
      }
      return;
    }
    const parts = splitRequests(nlu.text, this.app.recognizer, { language: info.locale, today: info.now, tasks: TASK_INTENTS, cue: (n) => cuedTask(n, TASK_INTENTS.includes(n.intent) && n.score >= 0.8, { loose: false }) });
    if (parts.length >= 2) {
      prefs.misses = 0;
      prefs.queue = parts.map((p) => ({ intent: p.intent, text: p.text }));
      return;
    }
    const follow = resolveFollowUp(nlu, prefs.context, info.now);
    const taskish = TASK_INTENTS.includes(nlu.intent) && nlu.score >= ACT;
    if (follow && (!taskish || nlu.score < 0.8 || nlu.intent === follow.intent || follow.strong)) {
      prefs.misses = 0;
      info.nlu = follow.nlu;
      await this.startTask(dc, follow.intent, info, prefs);
      return;
    }
    const hit = knowledgeBase().find(nlu.text, info.locale);
    if (hit?.cued && hit.entry.kind === 'notOurs') {
      // Not ours: answered, but it counts as a miss (the next miss offers a person).
      prefs.misses = (prefs.misses ?? 0) + 1;
      await this.answerKnowledge(ctx, hit, prefs, false);
      return;
    }
    const f = foldDiacritics(nlu.text);
    // "proszę o rozłożenie zaległości na raty, …": not a question about the rules but the written request itself — a message to the office.
    if (hit?.cued && hit.entry.offer === 'message.send' && REQUEST_RE.test(f) && !/\?\s*$/.test(nlu.text)) {
      prefs.misses = 0;
      await this.startTask(dc, 'message.send', info, prefs);
      return;
    }
    const asked = questionHit(nlu.text, nlu, info.locale);
    // A question about the rules of a task ("czy mogę zapłacić gotówką?") is answered, not turned into the task.
    const rulesQuestion = asked && (asked.cued || (nlu.score < 0.75 && asked.score >= 6));
    const cued = cuedTask(nlu, taskish && nlu.score >= 0.8);
    const story = !taskish && !cued ? requestOfStory(nlu.text, this.app.recognizer, { language: info.locale, today: info.now, tasks: TASK_INTENTS }) : null;
    if (story && !rulesQuestion) {
      prefs.misses = 0;
      info.nlu = story;
      await this.startTask(dc, story.intent, info, prefs);
      return;
    }
    if (asked && rulesQuestion && asked.entry.offer && namesTask(f, asked.entry.offer)) {
      // "na jakie konto i co wpisać w tytule?": the rules answer, and the task the message also asks for.
      prefs.misses = 0;
      await this.answerKnowledge(ctx, asked, prefs, true);
      await this.startTask(dc, asked.entry.offer, info, prefs);
      return;
    }
    if (cued && !rulesQuestion) {
      prefs.misses = 0;
      info.nlu = { ...nlu, intent: cued, score: Math.max(nlu.score, ACT) };
      await this.startTask(dc, cued, info, prefs);
      return;
    }
    if (taskish && !rulesQuestion) {
      prefs.misses = 0;
      await this.startTask(dc, nlu.intent, info, prefs);
      return;
    }
    if (await this.addToCaseJustFiled(ctx, info, prefs, f)) return;
    const kb = asked ?? (nlu.intent === 'info.question' || nlu.intent === 'None' || nlu.score < ACT ? hit : null);
    if (kb) {
      prefs.misses = 0;
      // "mam jakąś nadpłatę?": the rule, and the customer's own balance that shows it.
      const own = kb.entry.check && OWN_ACCOUNT_RE.test(f);
      await this.answerKnowledge(ctx, kb, prefs, Boolean(own));
      if (own && kb.entry.check) await this.startTask(dc, kb.entry.check, info, prefs);
      return;
    }
    const smalltalk = ['greeting', 'goodbye', 'thanks', 'help'].includes(nlu.intent) && nlu.score >= ACT;
    if (smalltalk) {
      prefs.misses = 0;
      await routeByIntent(dc, nlu.intent, info);
      return;
    }
    const recent = prefs.context && info.now.getTime() - Date.parse(prefs.context.at) < 10 * 60_000 && f.split(' ').length <= 10;
    const water = !NOT_WATER_RE.test(f) && (nlu.intent === 'info.question' || WATER_RE.test(f) || Boolean(recent));
    prefs.misses = (prefs.misses ?? 0) + 1;
    await recordFallback(this.app, ctx);
    if (water && (nlu.intent === 'None' || nlu.intent === 'info.question' || recent)) {
      // A water matter with no answer at hand: say so, and offer a person or a message to the office.
      await say(ctx, 'kb.cannotAnswer', {}, [taskLabel(ctx, 'agent.handoff'), taskLabel(ctx, 'message.send')], { refusal: 'notUnderstood' });
      return;
    }
    if (prefs.misses >= 2) {
      prefs.misses = 0;
      await say(ctx, 'fallback.second', {}, [taskLabel(ctx, 'agent.handoff'), taskLabel(ctx, 'contact.info')], { refusal: 'notUnderstood' });
      return;
    }
    if (nlu.intent === 'None' && nlu.score >= 0.6 && !water) {
      await say(ctx, 'fallback.outOfScope', {}, [taskLabel(ctx, 'help')], { refusal: 'outOfScope' });
      return;
    }
    const linked = info.customerId !== null;
    const likely = nlu.intents
      .filter((i) => TASK_INTENTS.includes(i.intent) && !(linked && i.intent === 'account.link') && !(!linked && i.intent === 'account.logout'))
      .slice(0, 2)
      .map((i) => taskLabel(ctx, i.intent));
    await say(ctx, 'fallback.first', {}, [...new Set([...likely, taskLabel(ctx, 'help')])], { refusal: 'notUnderstood' });
  }

  /**
   * Right after a message or complaint was filed, a few words more about it ("najlepiej odpowiedzcie
   * mailem", "i jeszcze dopiszcie, że…") go into that case instead of to the fallback.
   */
  private async addToCaseJustFiled(ctx: TurnContext, info: TurnInfo, prefs: ConversationPrefs, folded: string): Promise<boolean> {
    const c = prefs.context;
    if (!c?.caseNumber || !['message.send', 'complaint.file'].includes(c.task) || info.now.getTime() - Date.parse(c.at) > 10 * 60_000) return false;
    // "a ile się czeka na odpowiedź?" is a question to answer, not more for the case.
    if (!ADDITION_RE.test(folded) || /\?\s*$/.test(folded) || /^(?:a |i )?(?:ile|kiedy|jak|czy|gdzie|how|when|where)\b/.test(folded)) return false;
    const filed = await this.app.services.cases.visibleTo(c.caseNumber, { customerId: info.customerId, chatId: info.chat.id });
    if (!filed) return false;
    await this.app.services.cases.addCustomerAnswer(filed, (ctx.activity.text ?? '').trim());
    prefs.misses = 0;
    await say(ctx, 'cases.addedToFiled', { caseNumber: filed.caseNumber });
    return true;
  }

  /** The knowledge answer; outside a task, its offered task as a button (and a "tak" starts it). */
  private async answerKnowledge(ctx: TurnContext, hit: KnowledgeHit, prefs: ConversationPrefs, inTask: boolean): Promise<void> {
    const e = hit.entry;
    const actions = !inTask && e.offer ? [taskLabel(ctx, e.offer)] : [];
    await say(ctx, `knowledge.entries.${e.id}.answer`, { days: this.app.config.caseAnswerDays }, actions, e.kind === 'notOurs' ? { refusal: 'notOurs' } : undefined);
    if (!inTask && e.offer) prefs.offer = { intent: e.offer };
  }

  /** A customer's answer to a case that waits for it goes into the case (waiting_for_customer → in_progress). */
  private async answerToOpenCase(ctx: TurnContext, info: TurnInfo): Promise<boolean> {
    const text = (ctx.activity.text ?? '').trim();
    if (!text) return false;
    const c = await this.app.services.cases.waitingForCustomer(info.chat.id);
    if (!c) return false;
    const nlu: NluResult | null = info.nlu;
    const clearTask = nlu && TASK_INTENTS.includes(nlu.intent) && nlu.score >= 0.8 && !['complaint.file', 'message.send', 'case.status'].includes(nlu.intent);
    // "Tak, dziś licznik pokazuje 121 m3" answers the staff's question even though it reads like a task.
    const answersQuestion = readYesNo(text) !== null;
    if ((clearTask && !answersQuestion) || commandIntent(text) || intentForButton(text)) return false;
    await this.app.services.cases.addCustomerAnswer(c, text);
    this.app.events.emit('case.customerMessage', c, text);
    await say(ctx, 'cases.answerAdded', { caseNumber: c.caseNumber });
    return true;
  }
}
