/**
 * A meter reading from a photo: the OCR (src/ocr) reads the drums, plausibility decides, and the
 * customer confirms "Odczytałam 123,456 m³ — czy zapisać?" (Tak / Popraw). Nothing is saved
 * without a yes: a yes hands the value to the usual reading steps (ReadingValueDialog); an
 * unreadable or implausible read asks for the value to be typed, saying what was seen.
 * The photo is stored with the chat (for staff) before it is read.
 */
import type { Attachment } from 'botbuilder';
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { parseDataUrl } from '../src/channels/dataUrl';
import { formatCubicMetres } from '../src/domain/format';
import { judgeRead, type MeterRead } from '../src/ocr';
import { say, tr, turnInfo } from './context';
import { PROMPT, attachmentsOf, promptWith } from './prompts';
import { matchChoice } from './parsing';
import { values } from './steps';

export const READING_PHOTO = 'reading.submit.photo';
const IMAGE = /^image\/(jpeg|jpg|png|webp)$/;

/** The message's photos (images only) as data: attachments. */
export function photosOf(activity: WaterfallStepContext['context']['activity']): Attachment[] {
  return attachmentsOf(activity).filter((a) => IMAGE.test(parseDataUrl(a.contentUrl)?.contentType ?? ''));
}

/** Stores every file of the message with the chat (for staff); returns the id of the first photo, if any. */
export async function storeReadingFiles(app: App, chatId: number, files: Attachment[]): Promise<number | null> {
  let photoId: number | null = null;
  for (const f of files) {
    const file = parseDataUrl(f.contentUrl);
    if (!file) continue;
    const saved = await app.services.attachments.store({ chatId, caseId: null, fileName: f.name ?? 'zdjecie', contentType: file.contentType, dataBase64: file.data.toString('base64') });
    if (photoId === null && IMAGE.test(file.contentType)) photoId = saved.id;
  }
  return photoId;
}

export class ReadingPhotoDialog extends WaterfallDialog {
  constructor(app: App, valueDialogId: string) {
    super(READING_PHOTO, [
      async (step) => {
        Object.assign(step.values, step.options);
        const v = values(step);
        const meterId = v.meterId as number;
        const { today } = turnInfo(step.context);
        const photo = await app.services.attachments.byId(v.photoId as number);
        let read: MeterRead | null = null;
        if (photo) {
          await step.context.sendActivity({ type: 'typing' });
          read = await app.ocr.read(Buffer.from(photo.dataBase64, 'base64')).catch(() => null);
        }
        const last = await app.services.readings.lastReading(meterId, today);
        const averageDailyLitres = last ? await app.services.readings.averageDailyLitres(meterId, last.date) : null;
        const verdict = read ? judgeRead(read, { last, averageDailyLitres, today }) : { kind: 'ask' as const, reason: 'unreadable' as const, seen: '' };
        const retry = { customerId: v.customerId, meterId };
        if (verdict.kind === 'ask') {
          const seen = verdict.seen ? `${verdict.seen} m³` : '';
          const key = !seen ? 'reading.photoNoCounter' : verdict.reason === 'lower' ? 'reading.photoLower' : verdict.reason === 'tooHigh' ? 'reading.photoTooHigh' : 'reading.photoUnclear';
          await say(step.context, key, { seen, last: last ? formatCubicMetres(last.valueLitres) : '' });
          return step.replaceDialog(valueDialogId, retry);
        }
        v.litres = verdict.litres;
        const value = verdict.litresRead ? formatCubicMetres(verdict.litres) : formatCubicMetres(verdict.litres, 0);
        const titles = [tr(step.context, 'reading.photoYes'), tr(step.context, 'reading.photoFix')];
        const text = tr(step.context, verdict.litresRead ? 'reading.photoConfirm' : 'reading.photoConfirmWhole', { value });
        return step.prompt(PROMPT.choice, promptWith('yesNo', text, tr(step.context, 'common.chooseButton'), titles, { titles }));
      },
      async (step) => {
        const v = values(step);
        const answer = String(step.result ?? '');
        const titles = [tr(step.context, 'reading.photoYes'), tr(step.context, 'reading.photoFix')];
        const yes = matchChoice(answer, titles) === 0;
        if (!yes) await say(step.context, 'reading.photoTypeIt');
        return step.replaceDialog(valueDialogId, { customerId: v.customerId, meterId: v.meterId, ...(yes ? { litres: v.litres } : {}) });
      },
    ]);
  }
}
