/**
 * What every dialog step needs about the current turn (the chat, its language, the linked
 * customer, what NLU understood) and small helpers to answer with texts from `locales/`.
 */
import { ActionTypes, type Activity, type CardAction, MessageFactory, type TurnContext } from 'botbuilder';
import type { ChatConversation } from '../models';
import { t, type Locale, type Params } from '../src/i18n/i18n';
import type { NluResult } from '../src/nlu';
import { toDataUrl } from '../src/channels/dataUrl';

export interface TurnInfo {
  chat: ChatConversation;
  locale: Locale;
  customerId: number | null;
  /** What NLU made of this turn's text (null for non-text activities). */
  nlu: NluResult | null;
  /** Now, and today's date in Katowice (`YYYY-MM-DD`). */
  now: Date;
  today: string;
}

const TURN_INFO = Symbol('kropla.turnInfo');

export function setTurnInfo(ctx: TurnContext, info: TurnInfo): void {
  ctx.turnState.set(TURN_INFO, info);
}

export function turnInfo(ctx: TurnContext): TurnInfo {
  const info = ctx.turnState.get(TURN_INFO) as TurnInfo | undefined;
  if (!info) throw new Error('turn info missing: the bot sets it before dialogs run');
  return info;
}

const OFFER = Symbol('kropla.offer');

/**
 * A dialog that ends with a question about another task ("Czy włączyć alerty?") leaves it here:
 * a "tak" in the next message starts that task (with `text` as its message, e.g. the address).
 */
export function offerTask(ctx: TurnContext, intent: string, text?: string): void {
  ctx.turnState.set(OFFER, { intent, text });
}

/** The task offered in this turn, if any (taken once). */
export function takeOffer(ctx: TurnContext): { intent: string; text?: string } | undefined {
  const o = ctx.turnState.get(OFFER) as { intent: string; text?: string } | undefined;
  ctx.turnState.delete(OFFER);
  return o;
}

const SUBJECT = Symbol('kropla.subject');

/** What a task dealt with, told by the dialog itself (the invoice it sent, the case it filed), for follow-ups ("a wrzuć mi ją w pdf"). */
export interface TaskSubject {
  invoiceNumber?: string;
  /** A case the task filed (with the task): an urgent report whose details may follow, a message that more words go into ("a odpowiedzcie mailem"). */
  caseNumber?: string;
  task?: string;
}

/** Notes what this turn's task was about (kept as the conversation's context at the end of the turn). */
export function noteSubject(ctx: TurnContext, subject: TaskSubject): void {
  ctx.turnState.set(SUBJECT, { ...((ctx.turnState.get(SUBJECT) as TaskSubject | undefined) ?? {}), ...subject });
}

/** The subject noted in this turn, if any. */
export function noteOf(ctx: TurnContext): TaskSubject | undefined {
  return ctx.turnState.get(SUBJECT) as TaskSubject | undefined;
}

/** The text in the chat's language. */
export function tr(ctx: TurnContext, key: string, params: Params = {}): string {
  return t(turnInfo(ctx).locale, key, params);
}

/** Buttons that send their title back as the user's message. */
export function buttons(titles: string[]): CardAction[] {
  return titles.map((title) => ({ type: ActionTypes.ImBack, title, value: title }));
}

/**
 * What a prompt asks for, named as in the customer-journey schema (test/journeys, /work/blind/SCHEMA.md):
 * every prompt activity carries it in `channelData.kropla.expects` so that clients and the journey
 * harness know what the bot waits for.
 */
export type Slot =
  | 'meter' | 'meterValue' | 'yesNo' | 'category' | 'description' | 'attachments' | 'contact' | 'email' | 'phone'
  | 'customerNumber' | 'linkCode' | 'terms' | 'address' | 'period' | 'invoice' | 'caseNumber' | 'form' | 'choice';

/**
 * Machine-readable marks on a bot activity (`channelData.kropla`): what a prompt expects, and
 * whether the message is a refusal — `outOfScope` (not the water company's matter), `notOurs`
 * (someone else handles it, named), `notUnderstood` (a fallback or a re-ask of a prompt).
 */
export interface KroplaMarks {
  expects?: Slot;
  refusal?: 'outOfScope' | 'notOurs' | 'notUnderstood';
}

/** The activity with `marks` merged into `channelData.kropla`. */
export function marked<T extends Partial<Activity>>(activity: T, marks: KroplaMarks): T {
  const cd = (activity.channelData ?? {}) as { kropla?: KroplaMarks };
  return { ...activity, channelData: { ...cd, kropla: { ...(cd.kropla ?? {}), ...marks } } };
}

/** Sends `key`'s text, optionally with buttons (suggested actions) and marks. */
export async function say(ctx: TurnContext, key: string, params: Params = {}, actions: string[] = [], marks?: KroplaMarks): Promise<void> {
  const text = tr(ctx, key, params);
  const activity = actions.length ? MessageFactory.suggestedActions(buttons(actions), text) : MessageFactory.text(text);
  await ctx.sendActivity(marks ? marked(activity, marks) : activity);
}

/** A message with `text` and one attachment given as bytes (sent as a data: URL, channels convert it). */
export function fileActivity(text: string, bytes: Buffer, contentType: string, name: string): Partial<Activity> {
  return {
    type: 'message',
    text,
    attachments: [{ contentType, name, contentUrl: toDataUrl(contentType, bytes) }],
  };
}

/** A message activity with buttons. */
export function withButtons(text: string, actions: string[]): Partial<Activity> {
  return MessageFactory.suggestedActions(buttons(actions), text);
}
