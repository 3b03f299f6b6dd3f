/** Single-answer dialogs: contact, help, greeting, goodbye, thanks — and the offer to resume an interrupted task. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { say, tr, withButtons } from './context';
import { PROMPT, promptWith } from './prompts';
import { parseYesNo } from './parsing';
import { taskLabel } from './router';

export const RESUME = 'resume';

/** The main tasks shown as buttons on greeting and help. */
const MENU = ['balance.check', 'reading.submit', 'invoices.list', 'outage.check', 'complaint.file', 'agent.handoff'];

export class ContactDialog extends WaterfallDialog {
  constructor(app: App) {
    super('contact.info', [
      async (step) => {
        await say(step.context, 'contact.text', { open: app.config.officeHours.open, close: app.config.officeHours.close });
        return step.endDialog();
      },
    ]);
  }
}

export class HelpDialog extends WaterfallDialog {
  constructor() {
    super('help', [
      async (step) => {
        await step.context.sendActivity(withButtons(tr(step.context, 'help.text'), MENU.map((i) => taskLabel(step.context, i))));
        return step.endDialog();
      },
    ]);
  }
}

export class GreetingDialog extends WaterfallDialog {
  constructor() {
    super('greeting', [
      async (step) => {
        await step.context.sendActivity(withButtons(tr(step.context, 'greeting.text'), MENU.map((i) => taskLabel(step.context, i))));
        return step.endDialog();
      },
    ]);
  }
}

export class GoodbyeDialog extends WaterfallDialog {
  constructor() {
    super('goodbye', [
      async (step) => {
        await say(step.context, 'goodbye.text');
        return step.endDialog();
      },
    ]);
  }
}

export class ThanksDialog extends WaterfallDialog {
  constructor() {
    super('thanks', [
      async (step) => {
        await say(step.context, 'thanks.text');
        return step.endDialog();
      },
    ]);
  }
}

/** After a task that interrupted another: "Shall we go back to …?" */
export class ResumeDialog extends WaterfallDialog {
  constructor() {
    super(RESUME, [
      async (step) => {
        const { dialogId } = step.options as { dialogId: string };
        (step.values as { dialogId?: string }).dialogId = dialogId;
        return step.prompt(PROMPT.yesNo, promptWith(tr(step.context, 'common.resume', { task: taskLabel(step.context, dialogId) }), tr(step.context, 'common.yesNoRetry'), [tr(step.context, 'common.yes'), tr(step.context, 'common.no')]));
      },
      async (step) => {
        if (parseYesNo(String(step.result))) return step.replaceDialog((step.values as { dialogId: string }).dialogId);
        await say(step.context, 'common.ok');
        return step.endDialog();
      },
    ]);
  }
}
