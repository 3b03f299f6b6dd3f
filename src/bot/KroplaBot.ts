/** The one channel-agnostic bot. Placeholder: replaced by the dialogs. */
import { ActivityHandler } from 'botbuilder';
import type { App } from '../app';

export class KroplaBot extends ActivityHandler {
  constructor(readonly app: App) {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity('Kropla');
      await next();
    });
  }
}
