/**
 * `outage.subscribe`: alerts for the customer's addresses, or — without a linked account —
 * for a street and building the person types (most residents of blocks of flats are not customers).
 */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { say, tr, turnInfo } from './context';
import { PROMPT, promptWith } from './prompts';
import { addressFrom, type TypedAddress } from './address';

export class OutageSubscribeDialog extends WaterfallDialog {
  constructor(app: App) {
    super('outage.subscribe', [
      async (step) => {
        const info = turnInfo(step.context);
        const named = info.nlu?.entities.some((e) => e.type === 'address') ? addressFrom(app, info.nlu.text, info.nlu) : null;
        if (named) return step.next(named);
        if (info.customerId) {
          const sps = await app.services.customers.servicePoints(info.customerId);
          if (sps.length) {
            for (const sp of sps) await app.services.outages.subscribeServicePoint(info.chat.id, sp);
            await say(step.context, 'subscribe.done', { address: sps.map((sp) => `${sp.street} ${sp.building}`).join(', ') });
            return step.endDialog(true);
          }
        }
        return step.prompt(PROMPT.freeText, promptWith('address', tr(step.context, 'subscribe.askAddress'), tr(step.context, 'outages.askAddressRetry')));
      },
      async (step) => {
        const info = turnInfo(step.context);
        const a = typeof step.result === 'object' && step.result !== null ? (step.result as TypedAddress) : addressFrom(app, String(step.result ?? ''));
        if (!a) {
          await say(step.context, 'outages.badAddress', {}, [], { refusal: 'notUnderstood' });
          return step.endDialog(false);
        }
        const sub = await app.services.outages.subscribeAddress(info.chat.id, a.street, a.building);
        await say(step.context, a.building ? 'subscribe.done' : 'subscribe.doneStreet', { address: a.building ? `${sub.street} ${sub.building}` : sub.street });
        return step.endDialog(true);
      },
    ]);
  }
}
