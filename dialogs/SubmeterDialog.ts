/**
 * `submeter.legalization`: until when each sub-meter is legalized, days left, what to do —
 * and that an expired sub-meter stops reducing the sewage charge.
 */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { daysBetween, formatDate } from '../src/domain/format';
import { say, tr, turnInfo } from './context';
import { requireAccount, values } from './steps';

/** Remind when a sub-meter expires within this many days. */
export const REMIND_DAYS = 90;

export class SubmeterDialog extends WaterfallDialog {
  constructor(app: App) {
    super('submeter.legalization', [
      ...requireAccount(app),
      async (step) => {
        const { today } = turnInfo(step.context);
        const subs = (await app.services.readings.metersOf(values(step).customerId as number)).filter((m) => m.kind === 'submeter');
        if (subs.length === 0) {
          await say(step.context, 'submeter.none');
          return step.endDialog();
        }
        const lines: string[] = [];
        for (const m of subs) {
          if (!m.legalizedUntil) {
            lines.push(tr(step.context, 'submeter.unknown', { serial: m.serial }));
            continue;
          }
          const days = daysBetween(today, m.legalizedUntil);
          const p = { serial: m.serial, date: formatDate(m.legalizedUntil), days: Math.abs(days) };
          if (days < 0) lines.push(tr(step.context, 'submeter.expired', p));
          else if (days <= REMIND_DAYS) lines.push(tr(step.context, 'submeter.expiresSoon', p));
          else lines.push(tr(step.context, 'submeter.valid', p));
        }
        lines.push(tr(step.context, 'submeter.howTo'));
        await step.context.sendActivity(lines.join('\n\n'));
        return step.endDialog();
      },
    ]);
  }
}
