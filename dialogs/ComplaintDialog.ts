/**
 * `complaint.file`: category, description, optional photos/files, contact preference,
 * confirmation, then a case number and the date by which the company must answer.
 */
import { DialogReason, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { foldDiacritics } from '../src/domain/streets';
import type { App } from '../src/app';
import type { CaseCategory } from '../models/CaseRecord';
import { formatDate } from '../src/domain/format';
import { noteSubject, say, tr, turnInfo } from './context';
import { PROMPT, ask, attachmentsOf, isYes, promptWith } from './prompts';
import { isCorrection, readYesNo, slotFromTurn } from './slots';
import { matchChoice } from './parsing';
import { values } from './steps';
import { savePhotos } from './ReadingSubmitDialog';

export const COMPLAINT_CATEGORIES: CaseCategory[] = ['invoice', 'meter', 'water_quality', 'pressure', 'staff', 'other'];

const CONTACT_KEYS = ['chat', 'email', 'phone'] as const;
const contactTitles = (step: WaterfallStepContext): string[] => CONTACT_KEYS.map((k) => tr(step.context, `complaint.contact.${k}`));

/** No files and nothing more: "nie", "brak", "nie mam zdjęcia", "pomiń". */
const NO_FILES_RE = /^(?:nie|brak|bez|pomin|nic|no|none|skip|ні|немає|не маю)\b/;

/** A message at the files prompt that adds to the description (four words or more, not a "no files"). */
function addsDetails(said: string): boolean {
  const n = foldDiacritics(said).toLowerCase().trim();
  return n.split(/\s+/).length >= 4 && !NO_FILES_RE.test(n) && readYesNo(said) === null;
}

export class ComplaintDialog extends WaterfallDialog {
  /** Runs step `index` of this complaint again with `result` (a correction sends the customer back to it). */
  private rerun(step: WaterfallStepContext, index: number, result: string): Promise<DialogTurnResult> {
    return this.runStep(step, index, DialogReason.nextCalled, result);
  }

  constructor(app: App) {
    super('complaint.file', [
      async (step) => {
        const titles = COMPLAINT_CATEGORIES.map((c) => tr(step.context, `complaint.category.${c}`));
        return ask(step, PROMPT.choice, promptWith('category', tr(step.context, 'complaint.askCategory'), tr(step.context, 'common.chooseButton'), titles, { titles }));
      },
      async (step) => {
        const titles = COMPLAINT_CATEGORIES.map((c) => tr(step.context, `complaint.category.${c}`));
        const category = COMPLAINT_CATEGORIES[matchChoice(String(step.result), titles)];
        values(step).category = category;
        if (category === 'meter') await say(step.context, 'complaint.meterTestCost');
        return ask(step, PROMPT.freeText, promptWith('description', tr(step.context, 'complaint.askText'), tr(step.context, 'complaint.askTextRetry')));
      },
      async (step) => {
        const v = values(step);
        v.text = String(step.result ?? '').trim().slice(0, 4000);
        const info = turnInfo(step.context);
        const photos = attachmentsOf(step.context.activity);
        // Only the files sent within this complaint become its attachments (not the bot's own documents, not other uploads).
        v.attachmentIds = photos.length ? await savePhotos(app, info.chat.id, photos) : [];
        const skip = tr(step.context, 'complaint.skipFiles');
        if (photos.length) return step.next(null);
        return step.prompt(PROMPT.attachments, promptWith('attachments', tr(step.context, 'complaint.askFiles'), tr(step.context, 'complaint.askFiles'), [skip]));
      },
      async (step) => {
        const info = turnInfo(step.context);
        const files = attachmentsOf(step.context.activity);
        const saved = files.length ? await savePhotos(app, info.chat.id, files) : [];
        const v = values(step);
        v.attachmentIds = [...((v.attachmentIds as number[] | undefined) ?? []), ...saved];
        if (saved.length) await say(step.context, 'complaint.filesReceived', { n: saved.length });
        // More details typed instead of files ("naliczyli mi 20 kubików, a zawsze mam 10") belong to the description.
        const said = (step.context.activity.text ?? '').trim();
        if (addsDetails(said)) v.text = `${String(v.text)}\n${said}`.slice(0, 4000);
        const titles = contactTitles(step);
        return ask(step, PROMPT.choice, promptWith('contact', tr(step.context, 'complaint.askContact'), tr(step.context, 'common.chooseButton'), titles, { titles }));
      },
      async (step) => {
        const v = values(step);
        v.contactPreference = CONTACT_KEYS[Math.max(0, matchChoice(String(step.result), contactTitles(step)))];
        const info = turnInfo(step.context);
        if (v.contactPreference === 'chat') return step.next(null);
        // An address or number typed in this message wins over the one on file.
        const typed = slotFromTurn(step.context, v.contactPreference === 'email' ? 'email' : 'phone', info.nlu);
        if (typed !== null) return step.next(String(typed));
        const customer = info.customerId ? await app.services.customers.byId(info.customerId) : null;
        const onFile = v.contactPreference === 'email' ? customer?.email : customer?.phone;
        if (onFile) return step.next(onFile);
        return step.prompt(PROMPT.freeText, promptWith(v.contactPreference === 'email' ? 'email' : 'phone', tr(step.context, v.contactPreference === 'email' ? 'complaint.askEmail' : 'complaint.askPhone'), tr(step.context, 'complaint.askContactRetry')));
      },
      async (step) => {
        const v = values(step);
        v.contact = typeof step.result === 'string' ? step.result.trim().slice(0, 200) : null;
        const how = tr(step.context, `complaint.contact.${String(v.contactPreference)}`);
        const summary = tr(step.context, 'complaint.summary', {
          category: tr(step.context, `complaint.category.${String(v.category)}`), text: String(v.text).slice(0, 300), contact: v.contact ? `${how} (${String(v.contact)})` : how,
        });
        // "przez czat", "wolę telefon: 600 100 200", "jednak na x@y.pl" correct the contact instead of answering yes or no.
        const titles = [tr(step.context, 'complaint.send'), tr(step.context, 'common.cancel')];
        return step.prompt(PROMPT.yesNo, promptWith('yesNo', summary, tr(step.context, 'common.yesNoRetry'), titles, { titles, corrects: ['email', 'phone', 'contact'], correctTitles: contactTitles(step) }));
      },
      async (step) => {
        if (isCorrection(step.result)) {
          // Back to the contact step with the corrected choice (an address or number given here is taken at once).
          const v = values(step);
          const c = step.result;
          if (c.slot === 'contact') return this.rerun(step, step.index - 2, String(c.corrected));
          v.contactPreference = c.slot;
          return this.rerun(step, step.index - 1, String(c.corrected));
        }
        const answer = String(step.result);
        if (!(isYes(step.result) || matchChoice(answer, [tr(step.context, 'complaint.send')]) === 0)) {
          await say(step.context, 'complaint.notSent');
          return step.endDialog();
        }
        const v = values(step);
        const info = turnInfo(step.context);
        const attachmentIds = (v.attachmentIds as number[] | undefined) ?? [];
        const c = await app.services.cases.create({
          kind: 'complaint', category: v.category as CaseCategory, text: String(v.text), customerId: info.customerId, channel: info.chat.channel, chatId: info.chat.id,
          contactPreference: String(v.contactPreference), contact: (v.contact as string | null) ?? null, attachmentIds,
        });
        app.events.emit('case.created', c);
        noteSubject(step.context, { caseNumber: c.caseNumber });
        await say(step.context, 'complaint.filed', { caseNumber: c.caseNumber, due: formatDate(c.dueAt), days: app.config.caseAnswerDays });
        return step.endDialog(c.caseNumber);
      },
    ]);
  }
}
