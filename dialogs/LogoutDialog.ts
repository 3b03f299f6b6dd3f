/** `account.logout` (`wyloguj`): disconnects this chat from the account. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { say, turnInfo } from './context';

export class LogoutDialog extends WaterfallDialog {
  constructor(app: App) {
    super('account.logout', [
      async (step) => {
        const info = turnInfo(step.context);
        const removed = await app.services.links.unlink(info.chat.channel, info.chat.userId);
        info.customerId = null;
        await say(step.context, removed ? 'account.loggedOut' : 'account.notLinked');
        return step.endDialog();
      },
    ]);
  }
}
