/**
 * `outage.report`: a leak, burst pipe, flooding or sewage overflow. The emergency number 994
 * comes first, before anything else; then the place and a description become an urgent case.
 */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { formatDate } from '../src/domain/format';
import { noteSubject, say, tr, turnInfo } from './context';
import { PROMPT, attachmentsOf, promptWith } from './prompts';
import { values } from './steps';
import { foldDiacritics } from '../src/domain/streets';
import { savePhotos } from './ReadingSubmitDialog';

/** How another dialog starts a report: the place and what happened, when already known. */
export interface ReportOptions {
  place?: string;
  description?: string;
  /** 994 was already given in this turn. */
  emergencySaid?: boolean;
}

/** The place is the customer's own building ("u mnie w piwnicy", "pękła rura przed blokiem"). */
const AT_HOME = /u mnie|w domu|w mieszkaniu|w bloku|w budynku|w piwnicy|(?:przed|pod|przy|obok|za) (?:moim |naszym )?(?:blokiem|domem|budynkiem|kamienic\w*)|na (?:naszym|moim) podworku|at home|my flat|(?:outside|in front of) (?:my|our) (?:house|building|block)|вдома|у квартир|біля (?:мого |нашого )?будинку/;

export class OutageReportDialog extends WaterfallDialog {
  constructor(app: App) {
    super('outage.report', [
      async (step) => {
        const opts = (step.options ?? {}) as ReportOptions;
        if (!opts.emergencySaid) await say(step.context, 'report.emergencyFirst');
        const info = turnInfo(step.context);
        const v = values(step);
        v.firstText = opts.description || info.nlu?.text || '';
        if (opts.place) return step.next(opts.place);
        const addr = info.nlu?.entities.find((e) => e.type === 'address');
        // The place as the customer put it ("róg Stawowej i Dworcowej, przy kiosku" says more than the street).
        if (addr?.type === 'address') return step.next(info.nlu?.text && info.nlu.text.length <= 200 ? info.nlu.text : `${addr.street}${addr.building ? ' ' + addr.building : ''}`);
        if (info.customerId && AT_HOME.test(foldDiacritics(info.nlu?.text ?? ''))) {
          const [sp] = await app.services.customers.servicePoints(info.customerId);
          if (sp) return step.next(`${sp.street} ${sp.building}${sp.apartment ? '/' + sp.apartment : ''}`);
        }
        return step.prompt(PROMPT.freeText, promptWith('address', tr(step.context, 'report.askPlace'), tr(step.context, 'report.askPlace')));
      },
      async (step) => {
        const v = values(step);
        v.place = String(step.result ?? '').trim().slice(0, 200);
        const first = String(v.firstText ?? '');
        if (first.split(/\s+/).length >= 6) return step.next(first);
        return step.prompt(PROMPT.freeText, promptWith('description', tr(step.context, 'report.askDescription'), tr(step.context, 'report.askDescription')));
      },
      async (step) => {
        const v = values(step);
        const info = turnInfo(step.context);
        const photos = attachmentsOf(step.context.activity);
        const attachmentIds = photos.length ? await savePhotos(app, info.chat.id, photos) : [];
        const text = String(step.result ?? '').trim().slice(0, 4000) || String(v.firstText);
        const c = await app.services.cases.create({
          kind: 'outage_report', category: 'leak', text, customerId: info.customerId, channel: info.chat.channel, chatId: info.chat.id,
          urgent: true, location: String(v.place), attachmentIds,
        });
        app.events.emit('case.created', c);
        noteSubject(step.context, { task: 'outage.report', caseNumber: c.caseNumber });
        await say(step.context, 'report.filed', { caseNumber: c.caseNumber, due: formatDate(c.dueAt) });
        return step.endDialog(c.caseNumber);
      },
    ]);
  }
}
