/**
 * `invoices.list`: the latest invoices (or of a named month, or one by number) with the
 * invoice as a PDF document. Only the customer's own invoices: another number is "not found".
 */
import type { TurnContext } from 'botbuilder';
import { type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import type { Invoice } from '../models';
import type { NluEntity } from '../src/nlu';
import { formatCubicMetres, formatDate, formatMoney } from '../src/domain/format';
import { renderInvoicePdf } from '../src/documents/invoicePdf';
import { companyInfo } from '../src/documents/company';
import { fileActivity, noteSubject, say, tr, turnInfo } from './context';
import { PROMPT, promptWith } from './prompts';
import { matchChoice } from './parsing';
import { requireAccount, values } from './steps';
import { appendFreshness } from './freshness';
import { foldDiacritics } from '../src/domain/streets';
import { asksIfPaid } from './cues';

const NUMBER = /\bFV\s*\/\s*\d{4}\s*\/\s*\d{1,2}\s*\/\s*\d{1,8}\b/i;

/** Asked to have it sent by e-mail. */
const BY_MAIL = /\b(?:mail\w*|e-mail\w*|email\w*|meil\w*|poczt\w* (?:e|elektron)|by e-?mail|на пошту|поштою|імейл)/;

/** One latest invoice (not "the last invoices"): "ostatnią fakturę", "kopii ostatniej faktury", "latest invoice". */
/** Asking for the documents themselves. */
const FILES = /\bpdf\b|kopi\w*|\bcop(?:y|ies)\b|duplikat\w*|plik\w*|\bfiles?\b|копі/;

const COUNTS: Record<string, number> = { dwie: 2, dwa: 2, dwoch: 2, two: 2, trzy: 3, trzech: 3, three: 3, cztery: 4, czterech: 4, four: 4, piec: 5, pieciu: 5, five: 5, szesc: 6, szesciu: 6, six: 6, 'дві': 2, 'два': 2, 'три': 3, 'чотири': 4 };

/** "ostatnie trzy faktury", "the last 3 bills": how many of the latest (2–6), or null. */
export function latestCount(folded: string): number | null {
  const m = /(?:ostatni\p{L}*|poprzedni\p{L}*|last|latest|past|останн\p{L}*)\s+(\d|\p{L}+)\b/u.exec(folded);
  if (!m) return null;
  const n = /^\d$/.test(m[1]) ? Number(m[1]) : COUNTS[m[1]];
  return n && n >= 2 && n <= 6 ? n : null;
}

const LATEST_ONE = /\b(?:ostatni(?:a|ej)|najnowsz(?:a|ej)|latest invoice(?!s)|last invoice(?!s)|newest invoice(?!s)|останн(?:ій|ього) рахун)/;

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
        // "faktury z sierpnia i września": every period named, newest first.
        const periods = (info.nlu?.entities ?? []).filter((e): e is Extract<NluEntity, { type: 'period' }> => e.type === 'period');
        const period = periods[0];
        const text = foldDiacritics(info.nlu?.text ?? '');
        const count = latestCount(text);
        const list = periods.length
          ? (await Promise.all(periods.map((p) => app.services.billing.invoicesIssuedBetween(customerId, p.from, p.to)))).flat()
            .filter((inv, i, all) => all.findIndex((x) => x.number === inv.number) === i).sort((a, b) => b.issueDate.localeCompare(a.issueDate))
          : await app.services.billing.latestInvoices(customerId, Math.max(3, count ?? 0));
        if (list.length === 0) {
          await say(step.context, period ? 'invoices.noneInPeriod' : 'invoices.none');
          return step.endDialog();
        }
        const shown = list.slice(0, 6);
        const { unpaid } = await app.services.billing.balance(customerId, info.today);
        const latest = /ostatni|najnowsz|latest|last|newest|остан/.test(text);
        if (asksIfPaid(text) && !(FILES.test(text) && (period || latest))) {
          // "czy faktura z października jest opłacona?": the answer for each invoice asked about, then the PDF offer.
          const asked = period || latest ? shown.slice(0, period ? 6 : 1) : shown;
          for (const i of asked) await step.context.sendActivity(this.statusLine(step.context, i, unpaid, info.today));
          if (asked.length === 1) noteSubject(step.context, { invoiceNumber: asked[0].number });
          return this.offerPdf(step, asked, tr(step.context, 'invoices.askPdf'));
        }
        if (!period && count && FILES.test(text)) {
          // "send me the last three bills as PDF": those documents.
          for (const inv of shown.slice(0, count)) await this.sendPdf(step.context, customerId, inv);
          return step.endDialog();
        } else if (shown.length === 1 || LATEST_ONE.test(text) || (periods.length > 1 && shown.length <= periods.length && shown.length <= 3)) {
          // "fakturę za listopad w PDF", "a za październik?", "prześlij ostatnią fakturę", "faktury z sierpnia i września": the documents themselves, with their status.
          for (const inv of shown.length === 1 || LATEST_ONE.test(text) ? shown.slice(0, 1) : shown) await this.sendPdf(step.context, customerId, inv);
          return step.endDialog();
        }
        const lines = [tr(step.context, period ? 'invoices.headerPeriod' : 'invoices.header', { n: shown.length })];
        for (const i of shown) {
          const open = unpaid.find((u) => u.invoice.number === i.number);
          const status = open ? tr(step.context, 'invoices.unpaidMark', { amount: formatMoney(open.unpaidGrosze) }) : tr(step.context, 'invoices.paidMark');
          lines.push(`${tr(step.context, 'invoices.line', { number: i.number, issued: formatDate(i.issueDate), amount: formatMoney(i.grossAmountGrosze), due: formatDate(i.dueDate), m3: formatCubicMetres(i.consumptionLitres) })} — ${status}`);
        }
        lines.push(tr(step.context, 'invoices.askPdf'));
        return this.offerPdf(step, shown, lines.join('\n'));
      },
      async (step) => {
        const v = values(step);
        const titles = v.titles as string[];
        const named = NUMBER.exec(String(step.result))?.[0]?.replace(/\s+/g, '');
        if (named) {
          const inv = await app.services.billing.invoiceByNumber(v.customerId as number, named);
          if (inv) await this.sendPdf(step.context, v.customerId as number, inv);
          else await say(step.context, 'invoices.notFound', { number: named.toUpperCase() });
          return step.endDialog();
        }
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

  /** Asks which of `invoices` to send as a PDF (a button each, and "no, thanks"). */
  private offerPdf(step: WaterfallStepContext, invoices: Invoice[], text: string): Promise<DialogTurnResult> {
    const titles = invoices.map((i) => tr(step.context, 'invoices.pdfButton', { number: i.number }));
    values(step).titles = titles;
    values(step).numbers = invoices.map((i) => i.number);
    const all = [...titles, tr(step.context, 'common.noThanks')];
    return step.prompt(PROMPT.choice, promptWith('invoice', text, tr(step.context, 'common.chooseButton'), all, { titles: all }));
  }

  /** One invoice's payment status, as its own reply. */
  private statusLine(ctx: TurnContext, i: Invoice, unpaid: Array<{ invoice: Invoice; unpaidGrosze: number }>, today: string): string {
    const open = unpaid.find((u) => u.invoice.number === i.number);
    const key = !open ? 'invoices.statusPaid' : i.dueDate < today ? 'invoices.statusOverdue' : 'invoices.statusUnpaid';
    return tr(ctx, key, { number: i.number, issued: formatDate(i.issueDate), amount: formatMoney(i.grossAmountGrosze), unpaid: formatMoney(open?.unpaidGrosze ?? 0), due: formatDate(i.dueDate) });
  }

  private async sendPdf(ctx: TurnContext, customerId: number, inv: Invoice): Promise<void> {
    const customer = await this.app.services.customers.byId(customerId);
    if (!customer) return;
    const [sp] = await this.app.services.customers.servicePoints(customerId);
    const b = await this.app.services.billing.balance(customerId, turnInfo(ctx).today);
    const unpaid = b.unpaid.find((u) => u.invoice.number === inv.number)?.unpaidGrosze ?? 0;
    const pdf = await renderInvoicePdf({ customer, servicePoint: sp ?? null, invoice: inv, unpaidGrosze: unpaid, company: companyInfo(this.app.config.companyNip) });
    const text = tr(ctx, unpaid > 0 ? 'invoices.pdfUnpaid' : 'invoices.pdfPaid', { number: inv.number, total: formatMoney(inv.grossAmountGrosze), amount: formatMoney(unpaid), due: formatDate(inv.dueDate) });
    const name = `${inv.number.replace(/\//g, '-')}.pdf`;
    await ctx.sendActivity(fileActivity(text, pdf, 'application/pdf', name));
    noteSubject(ctx, { invoiceNumber: inv.number });
    // "prześlij fakturę mailem": also to the address on file, and say where it went.
    const asked = foldDiacritics(turnInfo(ctx).nlu?.text ?? '');
    if (BY_MAIL.test(asked) && !/e-?faktur/.test(asked)) {
      if (customer.email) {
        await this.app.mailer.send({ to: customer.email, subject: tr(ctx, 'invoices.mailSubject', { number: inv.number }), text: tr(ctx, 'invoices.mailText', { number: inv.number }), attachments: [{ filename: name, content: pdf, contentType: 'application/pdf' }] });
        await say(ctx, 'invoices.mailed', { email: customer.email });
      } else {
        await say(ctx, 'invoices.noEmail');
      }
    }
  }
}
