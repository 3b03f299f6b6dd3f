/** `message.send`: an opinion, comment or question to the company — like a complaint, lighter. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import type { CaseCategory } from '../models/CaseRecord';
import { formatDate } from '../src/domain/format';
import { say, tr, turnInfo } from './context';
import { PROMPT, promptWith } from './prompts';
import { matchChoice } from './parsing';
import { values } from './steps';

const KINDS: CaseCategory[] = ['question', 'opinion', 'comment'];

export class MessageDialog extends WaterfallDialog {
  constructor(app: App) {
    super('message.send', [
      async (step) => {
        const titles = KINDS.map((k) => tr(step.context, `message.kind.${k}`));
        return step.prompt(PROMPT.choice, promptWith('choice', tr(step.context, 'message.askKind'), tr(step.context, 'common.chooseButton'), titles, { titles }));
      },
      async (step) => {
        const titles = KINDS.map((k) => tr(step.context, `message.kind.${k}`));
        values(step).category = KINDS[matchChoice(String(step.result), titles)];
        return step.prompt(PROMPT.freeText, promptWith('description', tr(step.context, 'message.askText'), tr(step.context, 'complaint.askTextRetry')));
      },
      async (step) => {
        const info = turnInfo(step.context);
        const c = await app.services.cases.create({
          kind: 'message', category: values(step).category as CaseCategory, text: String(step.result).trim().slice(0, 4000),
          customerId: info.customerId, channel: info.chat.channel, chatId: info.chat.id,
        });
        app.events.emit('case.created', c);
        await say(step.context, 'message.sent', { caseNumber: c.caseNumber, due: formatDate(c.dueAt) });
        return step.endDialog(c.caseNumber);
      },
    ]);
  }
}
