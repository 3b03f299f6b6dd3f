/** Single-answer dialogs: contact, help, greeting, goodbye, thanks — and the offer to resume an interrupted task. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import type { Params } from '../src/i18n/i18n';
import { say, tr } from './context';
import { PROMPT, isYes, promptWith } from './prompts';
import { taskLabel } from './router';

export const RESUME = 'resume';

/** The main tasks shown as buttons on greeting and help. */
const MENU = ['balance.check', 'reading.submit', 'invoices.list', 'outage.check', 'complaint.file', 'agent.handoff'];
/** The greeting's buttons: at most four (a small widget) — the commonest tasks and a person; „pomoc” shows the rest. */
const GREETING_MENU = ['balance.check', 'reading.submit', 'outage.check', 'agent.handoff'];

/** A dialog that answers with one text, with the main tasks as buttons when `menu` is set. */
export class AnswerDialog extends WaterfallDialog {
  constructor(id: string, key: string, opts: { menu?: boolean | string[]; params?: Params } = {}) {
    super(id, [
      async (step) => {
        const actions = opts.menu ? (opts.menu === true ? MENU : opts.menu).map((i) => taskLabel(step.context, i)) : [];
        await say(step.context, key, opts.params ?? {}, actions);
        return step.endDialog();
      },
    ]);
  }
}

/** contact.info, help, greeting, goodbye and thanks. */
export function answerDialogs(app: App): AnswerDialog[] {
  return [
    new AnswerDialog('contact.info', 'contact.text', { params: { open: app.config.officeHours.open, close: app.config.officeHours.close } }),
    new AnswerDialog('help', 'help.text', { menu: true }),
    new AnswerDialog('greeting', 'greeting.text', { menu: GREETING_MENU }),
    new AnswerDialog('goodbye', 'goodbye.text'),
    new AnswerDialog('thanks', 'thanks.text'),
  ];
}

/** After a task that interrupted another: "Shall we go back to …?" */
export class ResumeDialog extends WaterfallDialog {
  constructor() {
    super(RESUME, [
      async (step) => {
        const { dialogId } = step.options as { dialogId: string };
        (step.values as { dialogId?: string }).dialogId = dialogId;
        return step.prompt(PROMPT.yesNo, promptWith('yesNo', tr(step.context, 'common.resume', { task: taskLabel(step.context, dialogId) }), tr(step.context, 'common.yesNoRetry'), [tr(step.context, 'common.yes'), tr(step.context, 'common.no')]));
      },
      async (step) => {
        if (isYes(step.result)) return step.replaceDialog((step.values as { dialogId: string }).dialogId);
        await say(step.context, 'common.ok');
        return step.endDialog();
      },
    ]);
  }
}
