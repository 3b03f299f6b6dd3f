/** Steps several dialogs share: making sure the chat is linked to an account. */
import type { WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { say, turnInfo } from './context';
import { taskUnfinished } from '../src/bot/analytics';

/** Values a task dialog keeps between steps. */
export type StepValues = Record<string, unknown> & { customerId?: number };

export function values(step: WaterfallStepContext): StepValues {
  return step.values as StepValues;
}

/**
 * Two steps that come first in every account task: without a linked account explain how to
 * link and start linking; after it, go on with the task — or end it, showing no data.
 */
export function requireAccount(app: App): WaterfallStep[] {
  return [
    async (step) => {
      const info = turnInfo(step.context);
      if (info.customerId) return step.next();
      await say(step.context, 'account.needLink');
      return step.beginDialog('account.link', { fromTask: true });
    },
    async (step) => {
      const info = turnInfo(step.context);
      const id = info.customerId ?? (await app.services.links.linkedCustomerId(info.chat.channel, info.chat.userId));
      if (!id) {
        taskUnfinished(step.context);
        return step.endDialog();
      }
      info.customerId = id;
      values(step).customerId = id;
      return step.next();
    },
  ];
}
