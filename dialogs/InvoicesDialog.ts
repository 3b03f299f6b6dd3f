/**
 * `invoices.list`: the latest invoices (or of a named month, or one by number) with the
 * invoice as a PDF document. Only the customer's own invoices: another number is "not found".
 */
import type { TurnContext } from 'botbuilder';
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import type { Invoice } from '../models';
import { formatCubicMetres, formatDate, formatMoney } from '../src/domain/format';
import { renderInvoicePdf } from '../src/documents/invoicePdf';
import { companyInfo } from '../src/documents/company';
import { fileActivity, say, tr, turnInfo } from './context';
import { PROMPT, promptWith } from './prompts';
import { matchChoice } from './parsing';
import { requireAccount, values } from './steps';
import { appendFreshness } from './freshness';
import { foldDiacritics } from '../src/domain/streets';

const NUMBER = /\bFV\s*\/\s*\d{4}\s*\/\s*\d{1,2}\s*\/\s*\d{1,8}\b/i;

export class InvoicesDialog extends WaterfallDialog {
  constructor(private readonly app: App) {
    super('invoices.list', [
      ...requireAccount(app),
      async (step) => {
        const info = turnInfo(step.context);
        await appendFreshness(step.context, app);
        const customerId = values(step).customerId as number;
        const numberEntity = info.nlu?.entities.find((e) => e.type === 'invoiceNumber');
        const typed = numberEntity?.type === 'invoiceNumber' ? numberEntity.value : NUMBER.exec(info.nlu?.text ?? '')?.[0]?.replace(/\s+/g, '');
        if (typed) {
          const inv = await app.services.billing.invoiceByNumber(customerId, typed);
          if (!inv) {
            await say(step.context, 'invoices.notFound', { number: typed.toUpperCase() });
            return step.endDialog();
          }
          await this.sendPdf(step.context, customerId, inv);
          return step.endDialog();
        }
        const period = info.nlu?.entities.find((e) => e.type === 'period');
        const list = period?.type === 'period'
          ? await app.services.billing.invoicesIssuedBetween(customerId, period.from, period.to)
          : await app.services.billing.latestInvoices(customerId, 3);
        if (list.length === 0) {
          await say(step.context, period ? 'invoices.noneInPeriod' : 'invoices.none');
          return step.endDialog();
        }
        const shown = list.slice(0, 6);
        // "fakturę za listopad w PDF", "prześlij ostatnią fakturę": the document at once.
        const text = foldDiacritics(info.nlu?.text ?? '');
        const wantsFile = /pdf|plik|przeslij|wyslij|mail|send|download|pobra|надішл|файл/.test(text);
        if (wantsFile && (shown.length === 1 || /ostatni|najnowsz|latest|last|newest|остан/.test(text))) {
          await this.sendPdf(step.context, customerId, shown[0]);
          return step.endDialog();
        }
        const { unpaid } = await app.services.billing.balance(customerId, info.today);
        const lines = [tr(step.context, period ? 'invoices.headerPeriod' : 'invoices.header', { n: shown.length })];
        for (const i of shown) {
          const open = unpaid.find((u) => u.invoice.number === i.number);
          const status = open ? tr(step.context, 'invoices.unpaidMark', { amount: formatMoney(open.unpaidGrosze) }) : tr(step.context, 'invoices.paidMark');
          lines.push(`${tr(step.context, 'invoices.line', { number: i.number, issued: formatDate(i.issueDate), amount: formatMoney(i.grossAmountGrosze), due: formatDate(i.dueDate), m3: formatCubicMetres(i.consumptionLitres) })} — ${status}`);
        }
        const titles = shown.map((i) => tr(step.context, 'invoices.pdfButton', { number: i.number }));
        values(step).titles = titles;
        values(step).numbers = shown.map((i) => i.number);
        lines.push(tr(step.context, 'invoices.askPdf'));
        return step.prompt(PROMPT.choice, promptWith('invoice', lines.join('\n'), tr(step.context, 'common.chooseButton'), [...titles, tr(step.context, 'common.noThanks')], { titles: [...titles, tr(step.context, 'common.noThanks')] }));
      },
      async (step) => {
        const v = values(step);
        const titles = v.titles as string[];
        const idx = matchChoice(String(step.result), [...titles, tr(step.context, 'common.noThanks')]);
        if (idx < 0 || idx >= titles.length) {
          await say(step.context, 'common.ok');
          return step.endDialog();
        }
        const inv = await app.services.billing.invoiceByNumber(v.customerId as number, (v.numbers as string[])[idx]);
        if (inv) await this.sendPdf(step.context, v.customerId as number, inv);
        return step.endDialog();
      },
    ]);
  }

  private async sendPdf(ctx: TurnContext, customerId: number, inv: Invoice): Promise<void> {
    const customer = await this.app.services.customers.byId(customerId);
    if (!customer) return;
    const [sp] = await this.app.services.customers.servicePoints(customerId);
    const b = await this.app.services.billing.balance(customerId, turnInfo(ctx).today);
    const unpaid = b.unpaid.find((u) => u.invoice.number === inv.number)?.unpaidGrosze ?? 0;
    const pdf = await renderInvoicePdf({ customer, servicePoint: sp ?? null, invoice: inv, unpaidGrosze: unpaid, company: companyInfo(this.app.config.companyNip) });
    const text = tr(ctx, unpaid > 0 ? 'invoices.pdfUnpaid' : 'invoices.pdfPaid', { number: inv.number, amount: formatMoney(unpaid), due: formatDate(inv.dueDate) });
    await ctx.sendActivity(fileActivity(text, pdf, 'application/pdf', `${inv.number.replace(/\//g, '-')}.pdf`));
  }
}
