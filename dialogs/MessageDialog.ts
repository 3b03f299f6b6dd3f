/** `message.send`: an opinion, comment or question to the company — like a complaint, lighter. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import type { CaseCategory } from '../models/CaseRecord';
import { formatDate } from '../src/domain/format';
import { say, tr, turnInfo } from './context';
import { PROMPT, promptWith } from './prompts';
import { readYesNo, slotFromTurn } from './slots';
import { foldDiacritics } from '../src/domain/streets';
import { matchChoice } from './parsing';
import { values } from './steps';

/** What kind of message it is, by its words (a question or request unless it says otherwise). */
function kindOf(text: string): CaseCategory {
  const f = foldDiacritics(text);
  if (/opini|pochwal|podziekow|dziekuje za|brawo|opinion|praise|відгук|подяк/.test(f)) return 'opinion';
  if (/uwag|sugest|propozyc|remark|suggest|зауваж|пропози/.test(f)) return 'comment';
  return 'question';
}

/** "Send it as it is": a yes, a no to "anything to add?", or "wyślij", "to wszystko" — and nothing more. */
function sendAsIs(said: string, button: string): boolean {
  const f = foldDiacritics(said).replace(/[!?.…,;:"'()]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (matchChoice(said, [button]) === 0) return true;
  const bare = f.split(' ').length <= 4;
  return bare && (readYesNo(said) !== null || /^(?:(?:nie|tak|ok)\s+)?(?:wyslij|wysylaj|wysylac|to wszystko|nic|nic wiecej|send|that.?s all|надішл)/.test(f));
}

export class MessageDialog extends WaterfallDialog {
  constructor(app: App) {
    super('message.send', [
      async (step) => {
        // A message that already says what it is about: read it back, and let the customer add what is missing (or send it as it is).
        const said = slotFromTurn(step.context, 'description', turnInfo(step.context).nlu);
        if (said !== null) {
          values(step).draft = String(said);
          return step.prompt(PROMPT.freeText, promptWith('description', tr(step.context, 'message.confirmDraft', { text: String(said).slice(0, 300) }), tr(step.context, 'complaint.askTextRetry'), [tr(step.context, 'message.sendAsIs')]));
        }
        return step.prompt(PROMPT.freeText, promptWith('description', tr(step.context, 'message.askText'), tr(step.context, 'complaint.askTextRetry')));
      },
      async (step) => {
        const info = turnInfo(step.context);
        const draft = values(step).draft as string | undefined;
        const said = String(step.result ?? '').trim();
        const text = draft ? (sendAsIs(said, tr(step.context, 'message.sendAsIs')) ? draft : `${draft}\n${said}`) : said;
        const c = await app.services.cases.create({
          kind: 'message', category: kindOf(text), text: text.slice(0, 4000),
          customerId: info.customerId, channel: info.chat.channel, chatId: info.chat.id,
        });
        app.events.emit('case.created', c);
        await say(step.context, 'message.sent', { caseNumber: c.caseNumber, due: formatDate(c.dueAt) });
        return step.endDialog(c.caseNumber);
      },
    ]);
  }
}
