/**
 * `agent.handoff`: a customer asks for a person. In office hours the chat is queued for the desk;
 * outside them the customer gets the hours and the phone, and a case waits for the morning.
 */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { handoffServiceFor } from '../src/staff/HandoffService';
import { say, turnInfo } from './context';

export class HandoffDialog extends WaterfallDialog {
  constructor(app: App) {
    super('agent.handoff', [
      async (step) => {
        const info = turnInfo(step.context);
        const text = info.nlu?.text ?? '';
        const r = await handoffServiceFor(app).requestHandoff(info.chat, info.customerId, text, info.now);
        const hours = { open: app.config.officeHours.open, close: app.config.officeHours.close };
        if (r.queued) await say(step.context, 'handoff.queued', { ...hours, caseNumber: r.caseRecord.caseNumber });
        else if (!r.inOfficeHours) await say(step.context, 'handoff.afterHours', { ...hours, caseNumber: r.caseRecord.caseNumber });
        else await say(step.context, 'handoff.alreadyLive');
        return step.endDialog();
      },
    ]);
  }
}
