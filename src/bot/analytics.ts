/**
 * Recording for the service analytics (issue 18) as the turn happens: every task dialog that ends
 * normally is a task completed (seen through botbuilder's dialog telemetry, so no dialog needs to
 * call anything), and the fallback answer records the message it could not place (masked).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { NullTelemetryClient, type Middleware, type TelemetryEvent, type TurnContext } from 'botbuilder';
import type { App } from '../app';
import { offerAfterTasks } from './engagement';
import { turnInfo } from '../../dialogs/context';

/** What one turn collects until it ends. */
interface TurnRecord {
  completed: string[];
}

const turns = new AsyncLocalStorage<TurnRecord>();
const UNFINISHED = Symbol('kropla.taskUnfinished');

/** Dialogs whose normal end is not a task done for the customer. */
const NOT_TASKS = new Set(['help', 'agent.handoff', 'greeting', 'goodbye', 'thanks']);

/**
 * The DialogSet's telemetry client: `WaterfallComplete` of a task dialog (one of `tasks`) joins the
 * turn's completed tasks. Cancelled or interrupted dialogs send `WaterfallCancel` and are not counted.
 */
export class TaskTelemetry extends NullTelemetryClient {
  constructor(private readonly tasks: readonly string[]) {
    super();
  }

  override trackEvent(e: TelemetryEvent): void {
    if (e.name !== 'WaterfallComplete') return;
    const dialogId = String(e.properties?.DialogId ?? '');
    // a task's own sub-dialogs (`reading.submit.value` asking the value again) finish that task
    const id = this.tasks.includes(dialogId) ? dialogId : (this.tasks.find((task) => dialogId.startsWith(`${task}.`)) ?? '');
    if (!id || NOT_TASKS.has(id)) return;
    turns.getStore()?.completed.push(id);
  }
}

/** A task ended this turn without doing what was asked (e.g. the account is not linked): not counted. */
export function taskUnfinished(ctx: TurnContext): void {
  ctx.turnState.set(UNFINISHED, true);
}

/** Writes the turn's completed tasks when the turn is over, and offers reminders that fit them. Runs after TurnInfoMiddleware. */
export class AnalyticsMiddleware implements Middleware {
  constructor(private readonly app: App) {}

  async onTurn(ctx: TurnContext, next: () => Promise<void>): Promise<void> {
    const record: TurnRecord = { completed: [] };
    await turns.run(record, next);
    if (!record.completed.length || ctx.turnState.get(UNFINISHED)) return;
    try {
      // (a task only runs in a customer's turn, where TurnInfoMiddleware has set the turn info)
      await this.app.services.analytics.tasksCompleted(turnInfo(ctx).chat.id, record.completed);
    } catch (e) {
      // analytics must never break a conversation
      this.app.log.warn({ err: e }, 'analytics: task events not recorded');
    }
    await offerAfterTasks(ctx, this.app, turnInfo(ctx), record.completed);
  }
}

/** The fallback answer: this turn's message could not be placed (kept masked, with the chat's language). */
export async function recordFallback(app: Pick<App, 'services' | 'log'>, ctx: TurnContext): Promise<void> {
  const info = turnInfo(ctx);
  const text = info.nlu?.text ?? ctx.activity.text ?? '';
  try {
    await app.services.analytics.fallback(info.chat.id, text, info.locale);
  } catch (e) {
    app.log.warn({ err: e }, 'analytics: fallback not recorded');
  }
}
