/** Every dialog of Kropla in one DialogSet; a task dialog's id is its intent name. */
import type { DialogSet } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { addPrompts } from './prompts';
import { LinkAccountDialog, LinkByEmailDialog } from './LinkAccountDialog';
import { LogoutDialog } from './LogoutDialog';
import { ForgetDialog } from './ForgetDialog';
import { BalanceDialog } from './BalanceDialog';
import { InvoicesDialog } from './InvoicesDialog';
import { PaymentDialog } from './PaymentDialog';
import { READING_VALUE, ReadingSubmitDialog, ReadingValueDialog } from './ReadingSubmitDialog';
import { ReadingPhotoDialog } from './ReadingPhotoDialog';
import { ReadingsHistoryDialog } from './ReadingsHistoryDialog';
import { ConsumptionDialog } from './ConsumptionDialog';
import { ComplaintDialog } from './ComplaintDialog';
import { MessageDialog } from './MessageDialog';
import { CaseStatusDialog } from './CaseStatusDialog';
import { HandoffDialog } from './HandoffDialog';
import { OutageCheckDialog } from './OutageCheckDialog';
import { OutageReportDialog } from './OutageReportDialog';
import { OutageSubscribeDialog } from './OutageSubscribeDialog';
import { OutageUnsubscribeDialog } from './OutageUnsubscribeDialog';
import { FormsDialog } from './FormsDialog';
import { SubmeterDialog } from './SubmeterDialog';
import { EInvoiceDialog } from './EInvoiceDialog';
import { answerDialogs, RESUME, ResumeDialog } from './InfoDialogs';
import { TASK_LIST } from './router';

export const DIALOG = { resume: RESUME } as const;

/** Intents that start a task (may be suspended and resumed). */
export const TASK_INTENTS: readonly string[] = TASK_LIST;

export function registerDialogs(set: DialogSet, app: App): void {
  addPrompts(set);
  for (const d of [
    new LinkAccountDialog(app), new LinkByEmailDialog(app), new LogoutDialog(app), new ForgetDialog(app),
    new BalanceDialog(app), new InvoicesDialog(app), new PaymentDialog(app),
    new ReadingSubmitDialog(app), new ReadingValueDialog(app), new ReadingPhotoDialog(app, READING_VALUE), new ReadingsHistoryDialog(app), new ConsumptionDialog(app),
    new ComplaintDialog(app), new MessageDialog(app), new CaseStatusDialog(app), new HandoffDialog(app),
    new OutageCheckDialog(app), new OutageReportDialog(app), new OutageSubscribeDialog(app), new OutageUnsubscribeDialog(app),
    new FormsDialog(app), new SubmeterDialog(app), new EInvoiceDialog(app),
    ...answerDialogs(app), new ResumeDialog(),
  ]) set.add(d);
}
