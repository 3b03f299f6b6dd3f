/**
 * The chat side of reminders and CSAT (issue 18), as one hook the bot calls when no prompt waits
 * ({@link engagementTurn}) and one after a turn's tasks ({@link offerAfterTasks}):
 * - "przypomnienia" shows which kinds are on, with a button to turn each on or off;
 * - a turn-on / turn-off button (also the one under every reminder) does it at once;
 * - a 1–5 answer to the CSAT question is stored with the case, and the next message is its comment;
 * - a number after a reading reminder is that meter's reading (the reading dialog checks and saves it);
 * - after a reading, an invoice answer or the sub-meter answer, the matching kind is offered once.
 */
import { ActionTypes, MessageFactory, type TurnContext } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import type { App } from '../app';
import { foldDiacritics } from '../domain/streets';
import { LOCALES, t, type Locale } from '../i18n/i18n';
import { parseMeterValue } from '../services/ReadingService';
import { REMINDER_KINDS, turnOffLabel, turnOnLabel, type ReminderKind } from '../services/ReminderService';
import { RATINGS } from '../services/CsatService';
import { say, tr, type TurnInfo } from '../../dialogs/context';
import { READING_VALUE } from '../../dialogs/ReadingSubmitDialog';
import { commandIntent, intentForButton } from '../../dialogs/router';

/** A message asking about reminders ("przypomnienia", "moje przypomnienia", "reminders"). */
const REMINDERS_RE = /przypomn|przypomin|remind|нагадув/;

/** Which kind is offered after which finished task. */
const OFFER_AFTER: Record<string, ReminderKind> = {
  'reading.submit': 'reading',
  'invoices.list': 'invoice_due',
  'submeter.legalization': 'submeter_expiry',
};

let toggles: Map<string, { kind: ReminderKind; on: boolean }> | null = null;

/** A turn-on / turn-off button's label (any language) → what it does. */
function toggleOf(text: string): { kind: ReminderKind; on: boolean } | null {
  if (!toggles) {
    toggles = new Map();
    for (const loc of LOCALES) {
      for (const kind of REMINDER_KINDS) {
        toggles.set(foldDiacritics(turnOnLabel(loc, kind)), { kind, on: true });
        toggles.set(foldDiacritics(turnOffLabel(loc, kind)), { kind, on: false });
      }
    }
  }
  return toggles.get(foldDiacritics(text)) ?? null;
}

async function send(ctx: TurnContext, text: string, actions: string[]): Promise<void> {
  await ctx.sendActivity(actions.length ? MessageFactory.suggestedActions(actions.map((a) => ({ type: ActionTypes.ImBack, title: a, value: a })), text) : MessageFactory.text(text));
}

/** What the chat has on, with a button per kind. */
async function showStatus(ctx: TurnContext, app: App, info: TurnInfo): Promise<void> {
  if (info.customerId === null) {
    await say(ctx, 'reminders.needLink', {}, [tr(ctx, 'tasks.account.link')]);
    return;
  }
  const on = await app.services.reminders.kinds(info.chat.id);
  const lines = REMINDER_KINDS.map((k) => tr(ctx, on.includes(k) ? 'reminders.lineOn' : 'reminders.lineOff', { kind: tr(ctx, `reminders.kinds.${k}`) })).join('\n');
  const buttons = REMINDER_KINDS.map((k) => (on.includes(k) ? turnOffLabel(info.locale, k) : turnOnLabel(info.locale, k)));
  await send(ctx, tr(ctx, 'reminders.status', { lines }), buttons);
}

async function toggle(ctx: TurnContext, app: App, info: TurnInfo, kind: ReminderKind, on: boolean): Promise<void> {
  if (!on) {
    await app.services.reminders.optOut(info.chat.id, kind);
    await say(ctx, 'reminders.turnedOff', { kind: tr(ctx, `reminders.kinds.${kind}`) });
    return;
  }
  if (info.customerId === null) {
    await say(ctx, 'reminders.needLink', {}, [tr(ctx, 'tasks.account.link')]);
    return;
  }
  await app.services.reminders.optIn(info.chat.id, kind);
  await send(ctx, `${tr(ctx, `reminders.turnedOn.${kind}`)}\n${tr(ctx, 'reminders.turnedOnNote')}`, []);
}

/** A message the customer clearly meant as something else (a command, a task button). */
function isOtherRequest(text: string): boolean {
  return commandIntent(text) !== null || intentForButton(text) !== null || toggleOf(text) !== null;
}

/**
 * Handles the message when it is about reminders or answers the CSAT question or a reading reminder.
 * Returns true when it did (the bot then does nothing else with it). Called with no dialog active.
 */
export async function engagementTurn(dc: DialogContext, app: App, info: TurnInfo): Promise<boolean> {
  const ctx = dc.context;
  const text = (ctx.activity.text ?? '').trim();
  if (!text) return false;
  const chatId = info.chat.id;
  const sw = toggleOf(text);
  if (sw) {
    await toggle(ctx, app, info, sw.kind, sw.on);
    return true;
  }
  const { csat, reminders } = app.services;
  if ((RATINGS as readonly string[]).includes(text)) {
    const asked = await csat.waitingForRating(chatId, info.now);
    if (asked !== null) {
      await csat.rate(asked, Number(text), info.now);
      await say(ctx, 'csat.thanks', {}, [tr(ctx, 'csat.skip')]);
      return true;
    }
  }
  const commenting = await csat.waitingForComment(chatId, info.now);
  if (commenting !== null) {
    const skip = LOCALES.some((l) => foldDiacritics(t(l, 'csat.skip')) === foldDiacritics(text));
    if (skip) {
      await csat.comment(commenting, '');
      await say(ctx, 'csat.skipped');
      return true;
    }
    const nlu = info.nlu;
    const clearTask = nlu !== null && nlu.score >= 0.8 && !['None', 'info.question', 'thanks', 'goodbye', 'greeting'].includes(nlu.intent);
    await csat.comment(commenting, isOtherRequest(text) || clearTask ? '' : text);
    if (!isOtherRequest(text) && !clearTask) {
      await say(ctx, 'csat.commentThanks');
      return true;
    }
  }
  if (/\d/.test(text) && info.customerId !== null) {
    const pending = await reminders.pendingReading(chatId, info.now);
    const entity = info.nlu?.entities.find((e) => e.type === 'meterValue');
    const litres = parseMeterValue(text) ?? (entity?.type === 'meterValue' ? entity.litres : null);
    if (pending && litres !== null) {
      const meter = (await app.services.readings.metersOf(info.customerId)).find((m) => m.serial === pending.meterSerial);
      if (meter) {
        await reminders.answered(pending.id, info.now);
        await dc.beginDialog(READING_VALUE, { customerId: info.customerId, meterId: meter.id, litres });
        return true;
      }
    }
  }
  const folded = foldDiacritics(text);
  if ((REMINDERS_RE.test(folded) && folded.split(/\s+/).length <= 6) || info.nlu?.intent === 'reminders.manage') {
    await showStatus(ctx, app, info);
    return true;
  }
  return false;
}

const PROMPT_WAITS = Symbol('kropla.promptWaits');

/** The turn ends with a question waiting for the customer's answer: no offer may come after it (it would bury the question). */
export function markPromptWaiting(ctx: TurnContext): void {
  ctx.turnState.set(PROMPT_WAITS, true);
}

/** After a reading, an invoice answer or the sub-meter answer: offers the matching reminders once per chat. */
export async function offerAfterTasks(ctx: TurnContext, app: App, info: TurnInfo, completed: string[]): Promise<void> {
  if (ctx.turnState.get(PROMPT_WAITS)) return;
  const kinds = [...new Set(completed.map((c) => OFFER_AFTER[c]).filter((k): k is ReminderKind => k !== undefined))];
  if (!kinds.length) return;
  const customerId = info.customerId ?? (await app.services.links.linkedCustomerId(info.chat.channel, info.chat.userId));
  if (customerId === null) return;
  const on = await app.services.reminders.kinds(info.chat.id);
  for (const kind of kinds) {
    if (on.includes(kind)) continue;
    if (!(await app.services.reminders.claim(info.chat.id, kind, 'offer', info.now))) continue;
    await send(ctx, t(info.locale as Locale, `reminders.offer.${kind}`), [turnOnLabel(info.locale, kind)]);
  }
}
