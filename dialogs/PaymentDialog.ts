/** `payment.info`: the customer's individual account number, the amount, and a payment QR code (ZBP standard). */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { formatDate, formatMoney } from '../src/domain/format';
import { formatAccountNumber } from '../src/domain/iban';
import { paymentQrPayload, paymentQrPng, MAX_QR_AMOUNT_GROSZE } from '../src/documents/paymentQr';
import { fileActivity, say, tr, turnInfo } from './context';
import { requireAccount, values } from './steps';
import { withCard } from '../src/channels/cards';

export class PaymentDialog extends WaterfallDialog {
  constructor(app: App) {
    super('payment.info', [
      ...requireAccount(app),
      async (step) => {
        const customerId = values(step).customerId as number;
        const customer = await app.services.customers.byId(customerId);
        if (!customer) return step.endDialog();
        const b = await app.services.billing.balance(customerId, turnInfo(step.context).today);
        const account = formatAccountNumber(customer.bankAccount);
        if (b.balanceGrosze <= 0) {
          if (b.balanceGrosze < 0) await say(step.context, 'balance.overpaid', { amount: formatMoney(-b.balanceGrosze) });
          await say(step.context, 'payment.nothingDue', { account });
          return step.endDialog();
        }
        const oldestDue = b.unpaid[0]?.invoice.dueDate;
        const text = tr(step.context, 'payment.details', {
          account, amount: formatMoney(b.balanceGrosze), recipient: 'Katowickie Wodociągi S.A.', title: tr(step.context, 'payment.title', { customerNumber: customer.customerNumber }),
          // the oldest unpaid invoice's date; one already past is said to be past (not "the next" one)
          due: !oldestDue ? '-' : oldestDue < turnInfo(step.context).today ? tr(step.context, 'payment.duePassed', { date: formatDate(oldestDue) }) : formatDate(oldestDue),
        });
        if (b.balanceGrosze > MAX_QR_AMOUNT_GROSZE) {
          await step.context.sendActivity(withCard({ type: 'message', text: text + '\n\n' + tr(step.context, 'payment.tooLargeForQr') }));
          return step.endDialog();
        }
        const payload = paymentQrPayload({
          nip: app.config.companyNip, account: customer.bankAccount, amountGrosze: b.balanceGrosze,
          recipient: 'Katowickie Wodociagi', title: `Klient ${customer.customerNumber}`,
        });
        const png = await paymentQrPng(payload);
        const alt = tr(step.context, 'cards.qrAlt', { amount: formatMoney(b.balanceGrosze) });
        await step.context.sendActivity(withCard(fileActivity(text + '\n\n' + tr(step.context, 'payment.qrHint'), png, 'image/png', 'przelew-qr.png'), { imageAlt: alt }));
        return step.endDialog();
      },
    ]);
  }
}
