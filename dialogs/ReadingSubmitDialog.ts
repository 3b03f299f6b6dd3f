/**
 * `reading.submit`: choose the meter if there are several, take the value (decimal comma, "m3"),
 * refuse one lower than the last with the reason, warn on a suspicious jump (possible leak) and
 * ask to confirm, save, thank, and say when it counts.
 */
import { WaterfallDialog, type DialogTurnResult, type WaterfallStep, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { addDays, formatCubicMetres, formatDate } from '../src/domain/format';
import { parseMeterValue, MAX_METER_LITRES } from '../src/services/ReadingService';
import { parseDataUrl } from '../src/channels/dataUrl';
import { say, tr, turnInfo } from './context';
import { PROMPT, ask, attachmentsOf, isYes, promptWith } from './prompts';
import { matchChoice } from './parsing';
import { isCorrection, meterKindOf } from './slots';
import { requireAccount, values } from './steps';
import { READING_PHOTO, photosOf, storeReadingFiles } from './ReadingPhotoDialog';

/** Asks for the value again (after a refused or unconfirmed one), keeping customer and meter. */
export const READING_VALUE = 'reading.submit.value';

/** The next billing reading day (the 15th) after today; the invoice follows five days later. */
export function nextBillingDate(today: string): string {
  const d = Number(today.slice(8, 10));
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  if (d < 15) return `${today.slice(0, 7)}-15`;
  return m === 12 ? `${y + 1}-01-15` : `${y}-${String(m + 1).padStart(2, '0')}-15`;
}

/** Stores photos sent in chat (kept with the chat for staff). Returns the ids of the stored files. */
export async function savePhotos(app: App, chatId: number, photos: { contentUrl?: string; contentType?: string; name?: string }[]): Promise<number[]> {
  const ids: number[] = [];
  for (const p of photos) {
    const file = parseDataUrl(p.contentUrl);
    if (!file) continue;
    ids.push((await app.services.attachments.store({ chatId, caseId: null, fileName: p.name ?? 'zdjecie', contentType: file.contentType, dataBase64: file.data.toString('base64') })).id);
  }
  return ids;
}

/** A reading said for one meter of several, waiting its turn. */
interface PlannedReading {
  meterId: number;
  litres: number;
}

/**
 * Several readings in one message, each after its meter's word ("główny 939,282, ogrodowy
 * podlicznik 94,338"), in the order said; null unless every value has a meter of its own. A value
 * without a word is the main meter's when the other one is named.
 */
export function readingsByMeter(text: string, said: { litres: number; text: string }[], meters: { id: number; kind: string }[]): PlannedReading[] | null {
  if (said.length < 2 || said.length > meters.length) return null;
  let from = 0;
  const kinds: ('main' | 'submeter' | null)[] = [];
  for (const v of said) {
    const at = text.indexOf(v.text, from);
    if (at < 0) return null;
    kinds.push(meterKindOf(text.slice(from, at)));
    from = at + v.text.length;
  }
  if (kinds.filter((k) => k === null).length === 1 && kinds.includes('submeter')) kinds[kinds.indexOf(null)] = 'main';
  const ids = kinds.map((k) => meters.find((m) => m.kind === k)?.id);
  if (ids.some((id) => id === undefined) || new Set(ids).size !== ids.length) return null;
  return said.map((v, i) => ({ meterId: ids[i] as number, litres: v.litres }));
}

async function saved(step: WaterfallStepContext, litres: number): Promise<DialogTurnResult> {
  const { today } = turnInfo(step.context);
  await say(step.context, 'reading.saved', { value: formatCubicMetres(litres), date: formatDate(today), counts: formatDate(addDays(nextBillingDate(today), 5)) });
  // The next meter's reading said in the same message goes the same way (checked, maybe confirmed, saved).
  const [next, ...rest] = (values(step).planned as PlannedReading[] | undefined) ?? [];
  if (next) return step.replaceDialog(READING_VALUE, { customerId: values(step).customerId, meterId: next.meterId, litres: next.litres, planned: rest });
  return step.endDialog(true);
}

/** Steps shared by the first try and every retry: check the value, warn, confirm, save. */
function valueSteps(app: App): WaterfallStep[] {
  return [
    async (step) => {
      const v = values(step);
      const photos = typeof step.result === 'number' ? [] : photosOf(step.context.activity);
      if (photos.length) return step.replaceDialog(READING_PHOTO, { customerId: v.customerId, meterId: v.meterId, photoId: await storeReadingFiles(app, turnInfo(step.context).chat.id, photos) });
      const litres = typeof step.result === 'number' ? step.result : parseMeterValue(String(step.result ?? ''));
      if (litres === null || litres < 0 || litres > MAX_METER_LITRES) {
        await say(step.context, 'reading.badValue', {}, [], { refusal: 'notUnderstood' });
        return step.replaceDialog(READING_VALUE, { customerId: v.customerId, meterId: v.meterId });
      }
      v.litres = litres;
      const outcome = await app.services.readings.submit(v.customerId as number, v.meterId as number, litres, turnInfo(step.context).today, false);
      if (outcome.status === 'lower_than_previous') {
        await say(step.context, 'reading.lower', { value: formatCubicMetres(litres), last: formatCubicMetres(outcome.previous.valueLitres), date: formatDate(outcome.previous.date) });
        return step.replaceDialog(READING_VALUE, { customerId: v.customerId, meterId: v.meterId });
      }
      if (outcome.status === 'suspicious') {
        const titles = [tr(step.context, 'reading.saveAnyway'), tr(step.context, 'reading.correct')];
        return step.prompt(PROMPT.choice, promptWith('yesNo',
          tr(step.context, 'reading.suspicious', { daily: formatCubicMetres(Math.round(outcome.dailyLitres)), usual: formatCubicMetres(Math.round(outcome.averageDailyLitres)), value: formatCubicMetres(litres) }),
          tr(step.context, 'common.chooseButton'), titles, { titles, corrects: 'meterValue' },
        ));
      }
      if (outcome.status !== 'saved') {
        await say(step.context, 'common.error');
        return step.endDialog(false);
      }
      return saved(step, litres);
    },
    async (step) => {
      const v = values(step);
      const titles = [tr(step.context, 'reading.saveAnyway'), tr(step.context, 'reading.correct')];
      if (isCorrection(step.result)) return step.replaceDialog(READING_VALUE, { customerId: v.customerId, meterId: v.meterId, litres: step.result.corrected });
      const answer = String(step.result ?? '');
      const choice = matchChoice(answer, titles);
      if (choice !== 0 && !isYes(step.result)) {
        return step.replaceDialog(READING_VALUE, { customerId: v.customerId, meterId: v.meterId });
      }
      const outcome = await app.services.readings.submit(v.customerId as number, v.meterId as number, v.litres as number, turnInfo(step.context).today, true);
      if (outcome.status !== 'saved') {
        await say(step.context, 'common.error');
        return step.endDialog(false);
      }
      return saved(step, v.litres as number);
    },
  ];
}

export class ReadingSubmitDialog extends WaterfallDialog {
  constructor(app: App) {
    super('reading.submit', [
      ...requireAccount(app),
      async (step) => {
        const v = values(step);
        const meters = await app.services.readings.metersOf(v.customerId as number);
        if (meters.length === 0) {
          await say(step.context, 'reading.noMeters');
          return step.endDialog();
        }
        const info = turnInfo(step.context);
        const preset = info.nlu?.entities.find((e) => e.type === 'meterValue');
        if (preset?.type === 'meterValue') v.presetLitres = preset.litres;
        const said = (info.nlu?.entities ?? []).flatMap((e) => (e.type === 'meterValue' ? [e] : []));
        const plan = info.nlu ? readingsByMeter(info.nlu.text, said, meters) : null;
        if (plan) {
          const [first, ...rest] = plan;
          v.presetLitres = first.litres;
          v.planned = rest;
          v.meterIds = [first.meterId];
          return step.next(null);
        }
        const photos = attachmentsOf(step.context.activity);
        if (photos.length) v.photoId = await storeReadingFiles(app, info.chat.id, photos);
        v.meterIds = meters.map((m) => m.id);
        if (meters.length === 1) return step.next(null);
        const titles = meters.map((m) => tr(step.context, m.kind === 'main' ? 'reading.meterMain' : 'reading.meterSub', { serial: m.serial, address: `${m.servicePoint.street} ${m.servicePoint.building}` }));
        v.meterTitles = titles;
        return ask(step, PROMPT.choice, promptWith('meter', tr(step.context, 'reading.chooseMeter'), tr(step.context, 'common.chooseButton'), titles, { titles }));
      },
      async (step) => {
        const v = values(step);
        const ids = v.meterIds as number[];
        v.meterId = typeof step.result === 'string' ? ids[matchChoice(step.result, v.meterTitles as string[])] : ids[0];
        if (typeof v.presetLitres === 'number') return step.next(v.presetLitres);
        if (typeof v.photoId === 'number') return step.replaceDialog(READING_PHOTO, { customerId: v.customerId, meterId: v.meterId, photoId: v.photoId });
        const last = await app.services.readings.lastReading(v.meterId as number);
        const hint = last ? tr(step.context, 'reading.lastWas', { value: formatCubicMetres(last.valueLitres), date: formatDate(last.date) }) : '';
        return step.prompt(PROMPT.meterValue, promptWith('meterValue', [tr(step.context, 'reading.askValue'), hint].filter(Boolean).join('\n'), tr(step.context, 'reading.badValue')));
      },
      ...valueSteps(app),
    ]);
  }
}

/** Asking for the value again, for the same meter. */
export class ReadingValueDialog extends WaterfallDialog {
  constructor(app: App) {
    super(READING_VALUE, [
      async (step) => {
        const { litres, ...rest } = (step.options ?? {}) as { litres?: number };
        Object.assign(step.values, rest);
        if (typeof litres === 'number') return step.next(litres);
        return step.prompt(PROMPT.meterValue, promptWith('meterValue', tr(step.context, 'reading.askValueAgain'), tr(step.context, 'reading.badValue')));
      },
      ...valueSteps(app),
    ]);
  }
}
