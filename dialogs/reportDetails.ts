/**
 * Details told right after an urgent report ("róg Stawowej i Dworcowej, przy kiosku", "woda leci
 * coraz mocniej") belong to that report: they are added to its case for the dispatcher, instead of
 * a refusal or a second report. A clear other task, a question or small talk is not a detail.
 */
import type { TurnContext } from 'botbuilder';
import type { App } from '../src/app';
import type { ConversationContext } from '../src/bot/state';
import type { NluResult } from '../src/nlu';
import { foldDiacritics } from '../src/domain/streets';
import { say } from './context';

/** How long after a report its details are still taken as details. */
const DETAILS_MS = 15 * 60_000;

/** Small talk and questions are answered as such, not added to the report. */
const NOT_A_DETAIL = /\?\s*$|^(?:dziek\w*|dzieki|thx|thanks|thank you|ok|okej|dobrze|super|dobra|pa|do widzenia|спасибі|дякую)\b/;

/**
 * Adds this message to the report filed just before, when it reads as a detail of it; true when
 * it did (and answered). `tasks`: intents that start a task (another clear task is not a detail).
 */
export async function addDetailsToReport(app: App, ctx: TurnContext, nlu: NluResult | null, context: ConversationContext | undefined, now: Date, tasks: readonly string[]): Promise<boolean> {
  const text = (ctx.activity.text ?? '').trim();
  if (!text || !nlu || !context?.caseNumber || context.task !== 'outage.report') return false;
  if (now.getTime() - Date.parse(context.at) > DETAILS_MS) return false;
  if (NOT_A_DETAIL.test(foldDiacritics(text).toLowerCase())) return false;
  const otherTask = tasks.includes(nlu.intent) && nlu.intent !== 'outage.report' && nlu.score >= 0.8;
  if (otherTask || ['thanks', 'goodbye', 'greeting', 'agent.handoff'].includes(nlu.intent)) return false;
  const c = await app.services.cases.byNumber(context.caseNumber);
  if (!c || c.status === 'resolved' || c.status === 'rejected') return false;
  await app.services.cases.addMessage(c.id, 'customer', text.slice(0, 4000));
  app.events.emit('case.customerMessage', c, text);
  await say(ctx, 'report.detailsAdded', { caseNumber: c.caseNumber });
  return true;
}
