/**
 * `account.forget`: erases what this chat left with us (link, alert subscriptions, transcripts)
 * after a confirmation, and says what the law makes us keep.
 */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { say, tr, turnInfo } from './context';
import { PROMPT, isYes, promptWith } from './prompts';

export class ForgetDialog extends WaterfallDialog {
  constructor(app: App) {
    super('account.forget', [
      async (step) => step.prompt(PROMPT.yesNo, promptWith('yesNo', tr(step.context, 'forget.confirm'), tr(step.context, 'common.yesNoRetry'), [tr(step.context, 'common.yes'), tr(step.context, 'common.no')])),
      async (step) => {
        if (!isYes(step.result)) {
          await say(step.context, 'forget.kept');
          return step.endDialog();
        }
        const info = turnInfo(step.context);
        const { keptOpenCases } = await app.services.chats.forget(info.chat);
        info.customerId = null;
        await say(step.context, 'forget.done', { n: keptOpenCases });
        return step.endDialog();
      },
    ]);
  }
}
