/**
 * `outage.report`: a leak, burst pipe, flooding or sewage overflow. The emergency number 994
 * comes first, before anything else; then the place and a description become an urgent case.
 */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { formatDate } from '../src/domain/format';
import { say, tr, turnInfo } from './context';
import { PROMPT, attachmentsOf, promptWith } from './prompts';
import { values } from './steps';
import { savePhotos } from './ReadingSubmitDialog';

export class OutageReportDialog extends WaterfallDialog {
  constructor(app: App) {
    super('outage.report', [
      async (step) => {
        await say(step.context, 'report.emergencyFirst');
        const info = turnInfo(step.context);
        const v = values(step);
        v.firstText = info.nlu?.text ?? '';
        const addr = info.nlu?.entities.find((e) => e.type === 'address');
        if (addr?.type === 'address') return step.next(`${addr.street}${addr.building ? ' ' + addr.building : ''}`);
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
        if (photos.length) await savePhotos(app, info.chat.id, photos);
        const text = String(step.result ?? '').trim().slice(0, 4000) || String(v.firstText);
        const c = await app.services.cases.create({
          kind: 'outage_report', category: 'leak', text, customerId: info.customerId, channel: info.chat.channel, chatId: info.chat.id,
          urgent: true, location: String(v.place), attachmentIds: await app.services.attachments.looseOfChat(info.chat.id),
        });
        app.events.emit('case.created', c);
        await say(step.context, 'report.filed', { caseNumber: c.caseNumber, due: formatDate(c.dueAt) });
        return step.endDialog(c.caseNumber);
      },
    ]);
  }
}
