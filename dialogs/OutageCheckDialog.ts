/** `outage.check`: current and planned outages for the customer's address or a street they name. */
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import type { OutageNotice } from '../models';
import { formatDateTime } from '../src/domain/format';
import { offerTask, say, tr, turnInfo, withButtons } from './context';
import { PROMPT, isYes, promptWith } from './prompts';
import { foldDiacritics } from '../src/domain/streets';
import { addressFrom, type TypedAddress } from './address';
import { values } from './steps';

/** The customer says there is no water (rather than asking about works in general). */
const NO_WATER = /nie ma wody|nie mam wody|nie mamy wody|brak wody|bez wody|nie leci|nie plynie|nie cieknie|sucho w kran|niy ma wody|no water|water is off|немає води|нема води|не йде вода/;

export function describeNotice(step: WaterfallStepContext, n: OutageNotice): string {
  const p = { title: n.title, message: n.message, start: formatDateTime(n.startsAt), end: n.expectedEndAt ? formatDateTime(n.expectedEndAt) : tr(step.context, 'alert.endUnknown'), tanker: n.tankerLocation ?? '' };
  return [tr(step.context, n.kind === 'failure' ? 'outages.failureLine' : 'outages.plannedLine', p), n.tankerLocation ? tr(step.context, 'alert.tanker', p) : ''].filter(Boolean).join('\n');
}

export class OutageCheckDialog extends WaterfallDialog {
  constructor(app: App) {
    super('outage.check', [
      async (step) => {
        const info = turnInfo(step.context);
        values(step).firstText = info.nlu?.text ?? '';
        const typed = info.nlu ? addressFrom(app, info.nlu.text, info.nlu) : null;
        const named = info.nlu?.entities.some((e) => e.type === 'address') ? typed : null;
        if (named) return step.next([named]);
        if (info.customerId) {
          const sps = await app.services.customers.servicePoints(info.customerId);
          if (sps.length) return step.next(sps.map((sp) => ({ street: sp.street, building: sp.building })));
        }
        return step.prompt(PROMPT.freeText, promptWith('address', tr(step.context, 'outages.askAddress'), tr(step.context, 'outages.askAddressRetry')));
      },
      async (step) => {
        const addresses: TypedAddress[] = Array.isArray(step.result) ? (step.result as TypedAddress[]) : [addressFrom(app, String(step.result ?? ''))].filter((a): a is TypedAddress => a !== null);
        if (addresses.length === 0) {
          await say(step.context, 'outages.badAddress', {}, [], { refusal: 'notUnderstood' });
          return step.endDialog();
        }
        const found = new Map<number, OutageNotice>();
        for (const a of addresses) for (const n of await app.services.outages.forAddress(a.street, a.building, turnInfo(step.context).now)) found.set(n.id, n);
        const where = addresses.map((a) => (a.building ? `${a.street} ${a.building}` : a.street)).join(', ');
        values(step).where = where;
        if (found.size === 0) {
          // No water and nothing announced: whose it is decides what to do (a failure to report, or the building's installation).
          if (NO_WATER.test(foldDiacritics(`${String(values(step).firstText ?? '')} ${turnInfo(step.context).nlu?.text ?? ''}`))) {
            return step.prompt(PROMPT.yesNo, promptWith('yesNo', tr(step.context, 'outages.askNeighbours', { address: where }), tr(step.context, 'common.yesNoRetry'), [tr(step.context, 'common.yes'), tr(step.context, 'common.no')], { answers: 'neighbours' }));
          }
          await say(step.context, 'outages.none', { address: where }, [tr(step.context, 'tasks.outage.subscribe')]);
          offerTask(step.context, 'outage.subscribe', where);
          return step.endDialog();
        }
        const lines = [tr(step.context, 'outages.found', { n: found.size, address: where }), ...[...found.values()].map((n) => describeNotice(step, n)), tr(step.context, 'alert.emergency')];
        await step.context.sendActivity(withButtons(lines.join('\n\n'), [tr(step.context, 'tasks.outage.subscribe')]));
        offerTask(step.context, 'outage.subscribe', where);
        return step.endDialog();
      },
      async (step) => {
        const where = String(values(step).where ?? '');
        if (isYes(step.result)) {
          await say(step.context, 'outages.noWaterReport');
          return step.replaceDialog('outage.report', { place: where, description: String(values(step).firstText ?? ''), emergencySaid: true });
        }
        await say(step.context, 'outages.onlyFlat');
        return step.endDialog();
      },
    ]);
  }
}
