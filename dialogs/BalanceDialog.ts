/** `balance.check`: what is owed or overpaid, and overdue invoices with their due dates. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { formatDate, formatMoney } from '../src/domain/format';
import { say, tr, turnInfo, withButtons as withActions } from './context';
import { requireAccount, values } from './steps';
import { appendFreshness } from './freshness';
import { withCard } from '../src/channels/cards';

export class BalanceDialog extends WaterfallDialog {
  constructor(app: App) {
    super('balance.check', [
      ...requireAccount(app),
      async (step) => {
        const { today } = turnInfo(step.context);
        await appendFreshness(step.context, app);
        const b = await app.services.billing.balance(values(step).customerId as number, today);
        const actions = [tr(step.context, 'tasks.payment.info'), tr(step.context, 'tasks.invoices.list')];
        if (b.balanceGrosze > 0) {
          const lines = [tr(step.context, 'balance.owed', { amount: formatMoney(b.balanceGrosze) })];
          if (b.overdue.length) {
            lines.push(tr(step.context, 'balance.overdueHeader', { n: b.overdue.length }));
            for (const o of b.overdue) lines.push(tr(step.context, 'balance.overdueLine', { number: o.invoice.number, amount: formatMoney(o.unpaidGrosze), due: formatDate(o.invoice.dueDate) }));
            lines.push(tr(step.context, 'balance.overdueNote'));
          } else {
            const next = b.unpaid[0];
            if (next) lines.push(tr(step.context, 'balance.nextDue', { due: formatDate(next.invoice.dueDate) }));
          }
          await step.context.sendActivity(withCard(withActions(lines.join('\n'), actions)));
        } else if (b.balanceGrosze < 0) {
          await step.context.sendActivity(withActions(tr(step.context, 'balance.overpaid', { amount: formatMoney(-b.balanceGrosze) }), [tr(step.context, 'tasks.invoices.list')]));
        } else {
          await say(step.context, 'balance.settled', {}, [tr(step.context, 'tasks.invoices.list')]);
        }
        return step.endDialog();
      },
    ]);
  }
}
