/** `message.send`: an opinion, comment or question to the company — like a complaint, lighter. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import type { CaseCategory } from '../models/CaseRecord';
import { formatDate } from '../src/domain/format';
import { say, tr, turnInfo } from './context';
import { PROMPT, ask, promptWith } from './prompts';
import { slotFromTurn } from './slots';
import { matchChoice } from './parsing';
import { values } from './steps';

const KINDS: CaseCategory[] = ['question', 'opinion', 'comment'];

export class MessageDialog extends WaterfallDialog {
  constructor(app: App) {
    super('message.send', [
      async (step) => {
        const titles = KINDS.map((k) => tr(step.context, `message.kind.${k}`));
        // A message that already says what it is about is a question (or request) to the office.
        const said = slotFromTurn(step.context, 'description', turnInfo(step.context).nlu);
        if (said !== null) {
          values(step).category = 'question';
          return step.next({ text: String(said) });
        }
        return step.prompt(PROMPT.choice, promptWith('choice', tr(step.context, 'message.askKind'), tr(step.context, 'common.chooseButton'), titles, { titles }));
      },
      async (step) => {
        const preset = step.result as { text?: string } | string;
        if (typeof preset === 'object' && preset?.text) return step.next(preset.text);
        const titles = KINDS.map((k) => tr(step.context, `message.kind.${k}`));
        values(step).category = KINDS[Math.max(0, matchChoice(String(step.result), titles))];
        return ask(step, PROMPT.freeText, promptWith('description', tr(step.context, 'message.askText'), tr(step.context, 'complaint.askTextRetry')));
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
