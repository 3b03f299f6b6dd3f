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
        // What the chat showed while linked (balance, account number, invoice links) is no longer readable.
        await app.services.chats.eraseReadable(info.chat);
        info.customerId = null;
        await say(step.context, removed ? 'account.loggedOut' : 'account.notLinked');
        return step.endDialog();
      },
    ]);
  }
}
