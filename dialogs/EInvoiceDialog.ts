/** `einvoice.activate`: confirm the e-mail, consent, activate, and tell the monthly saving. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { formatMoney } from '../src/domain/format';
import { TARIFF } from '../src/demo/demoData';
import { say, tr, turnInfo } from './context';
import { slotFromTurn } from './slots';
import { PROMPT, ask, isYes, promptWith } from './prompts';
import { requireAccount, values } from './steps';

/** Monthly saving of e-invoice (standing charge paper − e-invoice, gross), grosze. */
export function monthlySavingGrosze(): number {
  return Math.round((TARIFF.standingNetPaper - TARIFF.standingNetEInvoice) * (1 + TARIFF.vat) * 100);
}

export class EInvoiceDialog extends WaterfallDialog {
  constructor(app: App) {
    const yesNo = (ctx: import('botbuilder').TurnContext) => [tr(ctx, 'common.yes'), tr(ctx, 'common.no')];
    super('einvoice.activate', [
      ...requireAccount(app),
      async (step) => {
        const customer = await app.services.customers.byId(values(step).customerId as number);
        if (!customer) return step.endDialog();
        if (customer.eInvoice) {
          await say(step.context, 'einvoice.alreadyOn', { email: customer.email ?? '' });
          return step.endDialog();
        }
        values(step).email = customer.email;
        const typed = slotFromTurn(step.context, 'email', turnInfo(step.context).nlu);
        if (typed !== null) {
          values(step).email = String(typed);
          return step.next(true);
        }
        if (!customer.email) return step.next(false);
        return step.prompt(PROMPT.yesNo, promptWith('yesNo', tr(step.context, 'einvoice.confirmEmail', { email: customer.email, saving: formatMoney(monthlySavingGrosze()) }), tr(step.context, 'common.yesNoRetry'), yesNo(step.context)));
      },
      async (step) => {
        if (isYes(step.result)) return step.next(values(step).email);
        return ask(step, PROMPT.email, promptWith('email', tr(step.context, 'einvoice.askEmail'), tr(step.context, 'einvoice.badEmail')));
      },
      async (step) => {
        values(step).email = String(step.result).trim();
        return step.prompt(PROMPT.yesNo, promptWith('yesNo', tr(step.context, 'einvoice.consent', { email: String(values(step).email) }), tr(step.context, 'common.yesNoRetry'), yesNo(step.context)));
      },
      async (step) => {
        if (!isYes(step.result)) {
          await say(step.context, 'einvoice.notActivated');
          return step.endDialog(false);
        }
        await app.services.customers.setEInvoice(values(step).customerId as number, true, String(values(step).email));
        const monthly = monthlySavingGrosze();
        await say(step.context, 'einvoice.activated', { email: String(values(step).email), saving: formatMoney(monthly), yearly: formatMoney(monthly * 12) });
        return step.endDialog(true);
      },
    ]);
  }
}
