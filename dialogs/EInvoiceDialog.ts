/**
 * `einvoice.activate`: e-invoice on (one consent question that names the address — another address
 * typed there is taken instead), a new address for an e-invoice already on ("faktury mają teraz
 * przychodzić na x@y.pl"), or e-invoice off again ("wyłączcie e-fakturę, chcę papierowe").
 */
import type { TurnContext } from 'botbuilder';
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { formatMoney } from '../src/domain/format';
import { foldDiacritics } from '../src/domain/streets';
import { TARIFF } from '../src/demo/demoData';
import { say, tr, turnInfo } from './context';
import { isCorrection, slotFromTurn } from './slots';
import { PROMPT, ask, isYes, promptWith } from './prompts';
import { requireAccount, values } from './steps';

/** Monthly saving of e-invoice (standing charge paper − e-invoice, gross), grosze. */
export function monthlySavingGrosze(): number {
  return Math.round((TARIFF.standingNetPaper - TARIFF.standingNetEInvoice) * (1 + TARIFF.vat) * 100);
}

/** Asking for e-invoice off, paper again. */
const OFF_RE = /(?:wylacz|wylaczcie|wylaczyc|rezygn|zrezygn|anuluj\w* e-?faktur|z powrotem papier|znowu papier|wrocic do papier|papierow\w* (?:faktur|zamiast)|chce (?:\w+ )?papierow|turn (?:it )?off|switch (?:back )?to paper|paper (?:invoices|bills) again|stop (?:the )?e-?invoice|cancel (?:the )?e-?invoice|вимкн|паперов)/;

type Mode = 'on' | 'change' | 'off';

export class EInvoiceDialog extends WaterfallDialog {
  constructor(app: App) {
    const yesNo = (ctx: TurnContext) => [tr(ctx, 'common.yes'), tr(ctx, 'common.no')];
    super('einvoice.activate', [
      ...requireAccount(app),
      async (step) => {
        const customer = await app.services.customers.byId(values(step).customerId as number);
        if (!customer) return step.endDialog();
        const nlu = turnInfo(step.context).nlu;
        const given = (step.options as { email?: string } | undefined)?.email;
        const typed = given ?? slotFromTurn(step.context, 'email', nlu);
        const email = typed !== null ? String(typed) : customer.email;
        values(step).email = email;
        const saving = formatMoney(monthlySavingGrosze());
        if (customer.eInvoice) {
          if (OFF_RE.test(foldDiacritics(nlu?.text ?? ''))) {
            values(step).mode = 'off' satisfies Mode;
            return step.prompt(PROMPT.yesNo, promptWith('yesNo', tr(step.context, 'einvoice.confirmOff', { saving }), tr(step.context, 'common.yesNoRetry'), yesNo(step.context)));
          }
          if (!email || email === customer.email) {
            await say(step.context, 'einvoice.alreadyOn', { email: customer.email ?? '' });
            return step.endDialog();
          }
          values(step).mode = 'change' satisfies Mode;
          return step.prompt(PROMPT.yesNo, promptWith('yesNo', tr(step.context, 'einvoice.confirmChange', { from: customer.email ?? '', email }), tr(step.context, 'common.yesNoRetry'), yesNo(step.context), { corrects: 'email' }));
        }
        values(step).mode = 'on' satisfies Mode;
        if (!email) return ask(step, PROMPT.email, promptWith('email', tr(step.context, 'einvoice.askEmail'), tr(step.context, 'einvoice.badEmail')));
        return step.next(email);
      },
      async (step) => {
        if (values(step).mode !== 'on') return step.next(step.result);
        // One question: the saving, the address and the consent; another address typed here is taken instead (and asked about again).
        values(step).email = String(step.result).trim();
        return step.prompt(PROMPT.yesNo, promptWith('yesNo', tr(step.context, 'einvoice.consent', { email: String(values(step).email), saving: formatMoney(monthlySavingGrosze()) }), tr(step.context, 'common.yesNoRetry'), yesNo(step.context), { corrects: 'email' }));
      },
      async (step) => {
        const v = values(step);
        if (isCorrection(step.result)) return step.replaceDialog('einvoice.activate', { email: String(step.result.corrected) });
        if (!isYes(step.result)) {
          await say(step.context, v.mode === 'off' ? 'einvoice.stillOn' : v.mode === 'change' ? 'einvoice.notChanged' : 'einvoice.notActivated');
          return step.endDialog(false);
        }
        const customerId = v.customerId as number;
        if (v.mode === 'off') {
          await app.services.customers.setEInvoice(customerId, false);
          await say(step.context, 'einvoice.deactivated');
          return step.endDialog(true);
        }
        await app.services.customers.setEInvoice(customerId, true, String(v.email));
        if (v.mode === 'change') {
          await say(step.context, 'einvoice.changed', { email: String(v.email) });
          return step.endDialog(true);
        }
        const monthly = monthlySavingGrosze();
        await say(step.context, 'einvoice.activated', { email: String(v.email), saving: formatMoney(monthly), yearly: formatMoney(monthly * 12) });
        return step.endDialog(true);
      },
    ]);
  }
}
