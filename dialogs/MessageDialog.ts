/** `message.send`: an opinion, comment or question to the company — like a complaint, lighter. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import type { CaseCategory } from '../models/CaseRecord';
import { formatDate } from '../src/domain/format';
import { say, tr, turnInfo } from './context';
import { PROMPT, ask, promptWith } from './prompts';
import { readYesNo, slotFromTurn } from './slots';
import { foldDiacritics } from '../src/domain/streets';
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
        if (typeof preset === 'object' && preset?.text) {
          // Said with the request: read it back, and let the customer add what is missing (or send it as it is).
          values(step).draft = preset.text;
          return step.prompt(PROMPT.freeText, promptWith('description', tr(step.context, 'message.confirmDraft', { text: preset.text.slice(0, 300) }), tr(step.context, 'complaint.askTextRetry'), [tr(step.context, 'message.sendAsIs')]));
        }
        const titles = KINDS.map((k) => tr(step.context, `message.kind.${k}`));
        values(step).category = KINDS[Math.max(0, matchChoice(String(step.result), titles))];
        return ask(step, PROMPT.freeText, promptWith('description', tr(step.context, 'message.askText'), tr(step.context, 'complaint.askTextRetry')));
      },
      async (step) => {
        const info = turnInfo(step.context);
        const draft = values(step).draft as string | undefined;
        const said = String(step.result ?? '').trim();
        const asIs = readYesNo(said) === true || matchChoice(said, [tr(step.context, 'message.sendAsIs')]) === 0 || /^(wyslij|wysylaj|wysylac|to wszystko|nic|send|that.?s all|надішл)/.test(foldDiacritics(said));
        const text = draft ? (asIs ? draft : `${draft}\n${said}`) : said;
        const c = await app.services.cases.create({
          kind: 'message', category: values(step).category as CaseCategory, text: text.slice(0, 4000),
          customerId: info.customerId, channel: info.chat.channel, chatId: info.chat.id,
        });
        app.events.emit('case.created', c);
        await say(step.context, 'message.sent', { caseNumber: c.caseNumber, due: formatDate(c.dueAt) });
        return step.endDialog(c.caseNumber);
      },
    ]);
  }
}
