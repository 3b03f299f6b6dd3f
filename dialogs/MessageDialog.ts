/** `message.send`: an opinion, comment or question to the company — like a complaint, lighter. */
import { DialogReason, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import type { CaseCategory } from '../models/CaseRecord';
import { formatDate } from '../src/domain/format';
import { noteSubject, say, tr, turnInfo } from './context';
import { PROMPT, isYes, promptWith } from './prompts';
import { onlyAnnounces, readYesNo, slotFromTurn } from './slots';
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

/** Words that carry nothing to add: yes, no, "wyślij", "to wszystko", "dopisz", politeness. */
const FILLER = new Set(['tak', 'nie', 'ok', 'okej', 'dobrze', 'no', 'to', 'wszystko', 'nic', 'wiecej', 'wyslij', 'wysylaj', 'wysylac', 'prosze', 'dziekuje', 'juz', 'teraz', 'dopisz', 'dopisac', 'dodaj', 'dodac', 'jeszcze', 'ze', 'send', 'it', 'yes', 'thats', 'all', 'please', 'add', 'that', 'так', 'надішліть', 'додайте', 'що']);

/** What the read-back's answer adds to the message ("tak, dopisz że nowe nazwisko to Nowicka" → "nowe nazwisko to Nowicka"), or null when it only says send or don't. */
function extraOf(said: string): string | null {
  const words = said.trim().split(/\s+/);
  let i = 0;
  // Silesian "ja," is a yes too ("ja, tak, wysyłać").
  while (i < words.length && (FILLER.has(foldDiacritics(words[i]).toLowerCase().replace(/[!?.…,;:"'()—–-]+/g, '')) || /^ja[,.!]$/i.test(words[i]))) i++;
  const rest = words.slice(i);
  if (rest.length < 2 || readYesNo(said) === false) return null;
  return rest.join(' ');
}

export class MessageDialog extends WaterfallDialog {
  constructor(app: App) {
    super('message.send', [
      async (step) => {
        // A message that already says what it is about goes straight to the read-back.
        const nlu = turnInfo(step.context).nlu;
        const said = slotFromTurn(step.context, 'description', nlu);
        if (said !== null) return step.next(String(said));
        // Only announced ("chcę napisać do was wiadomość, bo od nowego roku mam inny adres"): the reason stays with the text asked for.
        const announced = nlu && onlyAnnounces(nlu.text) && nlu.text.trim().split(/\s+/).length >= 6;
        if (announced) values(step).text = nlu.text.trim();
        return step.prompt(PROMPT.freeText, promptWith('description', tr(step.context, announced ? 'message.askTextAfterIntro' : 'message.askText'), tr(step.context, 'complaint.askTextRetry')));
      },
      async (step) => {
        // The text (or, back from the read-back, what the customer added to it).
        const v = values(step);
        const added = String(step.result ?? '').trim();
        v.text = v.text ? `${String(v.text)}\n${added}` : added;
        const titles = [tr(step.context, 'message.sendAsIs'), tr(step.context, 'common.cancel')];
        // Anything that is not a yes or a no is taken too: it is more to add to the message.
        return step.prompt(PROMPT.yesNo, promptWith('yesNo', tr(step.context, 'message.confirmDraft', { text: String(v.text).slice(0, 300) }), tr(step.context, 'common.yesNoRetry'), titles, { titles, acceptAny: true }));
      },
      async (step) => {
        const v = values(step);
        const titles = [tr(step.context, 'message.sendAsIs'), tr(step.context, 'common.cancel')];
        const answer = String(step.result ?? '');
        if (!(isYes(step.result) || matchChoice(answer, titles) === 0)) {
          await say(step.context, 'message.notSent');
          return step.endDialog();
        }
        const info = turnInfo(step.context);
        const text = String(v.text);
        const c = await app.services.cases.create({
          kind: 'message', category: kindOf(text), text: text.slice(0, 4000),
          customerId: info.customerId, channel: info.chat.channel, chatId: info.chat.id,
        });
        app.events.emit('case.created', c);
        noteSubject(step.context, { caseNumber: c.caseNumber });
        await say(step.context, 'message.sent', { caseNumber: c.caseNumber, due: formatDate(c.dueAt) });
        return step.endDialog(c.caseNumber);
      },
    ]);
  }

  /** "tak, dopisz że…" or more details instead of a yes or no: added to the message, which is read back again. */
  protected override async onStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const extra = step.index === 2 ? extraOf(step.context.activity.text ?? '') : null;
    if (extra) return this.runStep(step, 1, DialogReason.nextCalled, extra);
    return super.onStep(step);
  }
}
