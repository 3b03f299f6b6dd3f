/**
 * "Duplikat faktury": a printable copy of an invoice generated from our billing data, in Polish,
 * with the customer's individual account number and the banks' payment QR code.
 *
 * @example
 * const pdf = await renderInvoicePdf({ customer, servicePoint, invoice, unpaidGrosze: 24567, company: companyInfo(config.companyNip) });
 */
import { t } from '../i18n/i18n';
import { formatCubicMetres, formatDate, formatMoney } from '../domain/format';
import { formatAccountNumber } from '../domain/iban';
import { DEFAULT_COMPANY, formatNip, type CompanyInfo } from './company';
import { PaymentQrError, paymentQrPayload, paymentQrPng } from './paymentQr';
import { createPdf, pageNumbers, paragraph, PDF_COLOURS, rule, textAt } from './pdf';

export type { CompanyInfo } from './company';

export interface InvoicePdfInput {
  customer: { customerNumber: string; name: string; bankAccount: string };
  servicePoint: { street: string; building: string; apartment: string | null; postalCode: string; city: string } | null;
  invoice: {
    number: string;
    /** ISO dates `YYYY-MM-DD` */
    issueDate: string;
    dueDate: string;
    periodFrom: string;
    periodTo: string;
    grossAmountGrosze: number;
    consumptionLitres: number;
  };
  /** What is still unpaid on this invoice (default: the whole amount); 0 prints "paid" and no QR. */
  unpaidGrosze?: number;
  /** Company data; pass `companyInfo(config.companyNip)` so the QR code carries the real NIP. */
  company?: CompanyInfo;
  /** When the duplicate is made (default now). */
  generatedAt?: Date;
}

const L = 'pl';
const tr = (key: string, params?: Record<string, string | number>): string => t(L, `documents.invoice.${key}`, params);

/** `Mikołowska 12 m. 3, 40-065 Katowice` */
function addressLines(sp: NonNullable<InvoicePdfInput['servicePoint']>): [string, string] {
  const street = /^(ul\.|al\.|pl\.|os\.)\s/i.test(sp.street) ? sp.street : `ul. ${sp.street}`;
  const flat = sp.apartment ? ` ${tr('apartment')} ${sp.apartment}` : '';
  return [`${street} ${sp.building}${flat}`, `${sp.postalCode} ${sp.city}`];
}

/** Renders the invoice duplicate as an A4 PDF (DejaVu Sans embedded). */
export async function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const company = input.company ?? DEFAULT_COMPANY;
  const { invoice, customer } = input;
  const generatedAt = input.generatedAt ?? new Date();
  const unpaid = Math.max(0, input.unpaidGrosze ?? invoice.grossAmountGrosze);

  let qr: Buffer | null = null;
  let qrTooLarge = false;
  let transferTitle = tr('qrTitle', { number: invoice.number });
  if (unpaid > 0) {
    try {
      const payload = paymentQrPayload({ nip: company.nip, account: customer.bankAccount, amountGrosze: unpaid, recipient: company.qrRecipient, title: transferTitle });
      transferTitle = payload.split('|')[5];
      qr = await paymentQrPng(payload, 360);
    } catch (e) {
      if (!(e instanceof PaymentQrError)) throw e;
      // Amount over the code's limit: say so; a bad NIP/account: print the transfer data without a code.
      qrTooLarge = e.field === 'amount';
    }
  }

  const { doc, finish } = createPdf({
    title: tr('docTitle', { number: invoice.number }),
    subject: tr('subject', { from: formatDate(invoice.periodFrom), to: formatDate(invoice.periodTo) }),
    author: company.name,
    keywords: `${tr('title')}, ${invoice.number}, ${customer.customerNumber}`,
    lang: 'pl-PL',
    createdAt: generatedAt,
  });
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  const width = right - left;
  const mid = left + width / 2 + 10;

  // Header: company (left), document title (right).
  textAt(doc, company.name, left, 48, { width: 260, size: 15, bold: true, colour: PDF_COLOURS.brand });
  textAt(doc, company.street, left, 70, { width: 260, size: 9, colour: PDF_COLOURS.muted });
  textAt(doc, `${company.postalCode} ${company.city}`, left, 82, { width: 260, size: 9, colour: PDF_COLOURS.muted });
  textAt(doc, `${tr('office')}: ${tr('phone')} ${company.phone}`, left, 94, { width: 260, size: 9, colour: PDF_COLOURS.muted });
  textAt(doc, `${tr('email')}: ${company.email}`, left, 106, { width: 260, size: 9, colour: PDF_COLOURS.muted });
  textAt(doc, company.website, left, 118, { width: 260, size: 9, colour: PDF_COLOURS.muted });

  textAt(doc, tr('title').toUpperCase(), mid, 48, { width: right - mid, size: 16, bold: true, colour: PDF_COLOURS.brand, align: 'right' });
  textAt(doc, `${tr('number')}: ${invoice.number}`, mid, 72, { width: right - mid, size: 11, bold: true, align: 'right' });
  textAt(doc, `${tr('issueDate')}: ${formatDate(invoice.issueDate)}`, mid, 90, { width: right - mid, size: 9, colour: PDF_COLOURS.muted, align: 'right' });
  textAt(doc, `${tr('generatedAt')}: ${formatDate(generatedAt)}`, mid, 102, { width: right - mid, size: 9, colour: PDF_COLOURS.muted, align: 'right' });
  rule(doc, left, right, 136, PDF_COLOURS.brand, 1.5);

  // Seller and buyer.
  let y = 150;
  const label = (text: string, x: number, yy: number, w: number) => textAt(doc, text.toUpperCase(), x, yy, { width: w, size: 8, bold: true, colour: PDF_COLOURS.muted });
  label(tr('seller'), left, y, width / 2 - 10);
  label(tr('buyer'), mid, y, right - mid);
  y += 14;
  textAt(doc, company.name, left, y, { width: width / 2 - 10, size: 10, bold: true });
  textAt(doc, company.street, left, y + 14, { width: width / 2 - 10, size: 10 });
  textAt(doc, `${company.postalCode} ${company.city}`, left, y + 28, { width: width / 2 - 10, size: 10 });
  textAt(doc, `${tr('nip')}: ${formatNip(company.nip)}`, left, y + 42, { width: width / 2 - 10, size: 10 });
  const nameBottom = paragraph(doc, customer.name, mid, y, { width: right - mid, size: 10, bold: true });
  textAt(doc, `${tr('customerNumber')}: ${customer.customerNumber}`, mid, Math.max(y + 14, nameBottom + 1), { width: right - mid, size: 10 });

  y += 66;
  label(tr('servicePoint'), mid, y, right - mid);
  if (input.servicePoint) {
    const [l1, l2] = addressLines(input.servicePoint);
    textAt(doc, l1, mid, y + 14, { width: right - mid, size: 10 });
    textAt(doc, l2, mid, y + 28, { width: right - mid, size: 10 });
  } else {
    textAt(doc, tr('noServicePoint'), mid, y + 14, { width: right - mid, size: 10, colour: PDF_COLOURS.muted });
  }

  // Settlement table.
  y += 58;
  label(tr('details'), left, y, width);
  y += 14;
  const cols = [
    { head: tr('period'), value: `${formatDate(invoice.periodFrom)} – ${formatDate(invoice.periodTo)}`, w: 0.34 },
    { head: tr('consumption'), value: formatCubicMetres(invoice.consumptionLitres), w: 0.2 },
    { head: tr('amount'), value: formatMoney(invoice.grossAmountGrosze), w: 0.22 },
    { head: tr('dueDate'), value: formatDate(invoice.dueDate), w: 0.24 },
  ];
  doc.save().rect(left, y, width, 22).fill(PDF_COLOURS.fill).restore();
  let x = left;
  for (const c of cols) {
    const w = c.w * width;
    textAt(doc, c.head, x + 8, y + 7, { width: w - 12, size: 8.5, bold: true, colour: PDF_COLOURS.brand });
    textAt(doc, c.value, x + 8, y + 30, { width: w - 12, size: 11 });
    x += w;
  }
  rule(doc, left, right, y + 50);

  // Amount due.
  y += 66;
  const boxW = 230;
  doc.save().roundedRect(right - boxW, y, boxW, 64, 6).lineWidth(1.5).strokeColor(PDF_COLOURS.brand).stroke().restore();
  if (unpaid > 0) {
    const partly = input.unpaidGrosze !== undefined && unpaid !== invoice.grossAmountGrosze;
    textAt(doc, tr(partly ? 'unpaid' : 'toPay'), right - boxW + 12, y + 10, { width: boxW - 24, size: 9, bold: true, colour: PDF_COLOURS.muted });
    textAt(doc, formatMoney(unpaid), right - boxW + 12, y + 24, { width: boxW - 24, size: 20, bold: true, colour: PDF_COLOURS.brand });
    textAt(doc, `${tr('dueDate')}: ${formatDate(invoice.dueDate)}`, right - boxW + 12, y + 48, { width: boxW - 24, size: 9 });
  } else {
    paragraph(doc, tr('paid'), right - boxW + 12, y + 16, { width: boxW - 24, size: 11, bold: true, colour: PDF_COLOURS.brand });
  }

  // Payment: account, recipient, title; the QR code on the right.
  y += 84;
  rule(doc, left, right, y);
  y += 12;
  label(tr('payment'), left, y, width);
  y += 16;
  const textW = qr ? width - 170 : width;
  textAt(doc, tr('account'), left, y, { width: textW, size: 9, colour: PDF_COLOURS.muted });
  textAt(doc, formatAccountNumber(customer.bankAccount), left, y + 13, { width: textW, size: 14, bold: true });
  textAt(doc, tr('recipient'), left, y + 40, { width: textW, size: 9, colour: PDF_COLOURS.muted });
  textAt(doc, company.name, left, y + 53, { width: textW, size: 10 });
  textAt(doc, tr('transferTitle'), left, y + 74, { width: textW, size: 9, colour: PDF_COLOURS.muted });
  textAt(doc, transferTitle, left, y + 87, { width: textW, size: 10 });
  if (unpaid > 0) textAt(doc, tr(input.unpaidGrosze !== undefined && unpaid !== invoice.grossAmountGrosze ? 'unpaid' : 'toPay'), left, y + 108, { width: textW, size: 9, colour: PDF_COLOURS.muted });
  if (unpaid > 0) textAt(doc, formatMoney(unpaid), left, y + 121, { width: textW, size: 10 });
  if (qr) {
    doc.image(qr, right - 150, y - 6, { width: 150, height: 150 });
    paragraph(doc, tr('qrCaption'), right - 160, y + 146, { width: 170, size: 7.5, colour: PDF_COLOURS.muted, align: 'center' });
  } else if (qrTooLarge) {
    paragraph(doc, tr('qrUnavailable'), left, y + 142, { width, size: 9, colour: PDF_COLOURS.muted });
  }

  // Notes at the foot of the page.
  const footTop = doc.page.height - doc.page.margins.bottom - 96;
  rule(doc, left, right, footTop);
  let fy = paragraph(doc, tr('note'), left, footTop + 8, { width, size: 8, colour: PDF_COLOURS.muted });
  fy = paragraph(doc, tr('lateInterest'), left, fy + 2, { width, size: 8, colour: PDF_COLOURS.muted });
  fy = paragraph(doc, tr('eInvoice'), left, fy + 2, { width, size: 8, colour: PDF_COLOURS.muted });
  paragraph(doc, tr('emergency'), left, fy + 4, { width, size: 9, bold: true, colour: PDF_COLOURS.text });

  pageNumbers(doc, (page, pages) => tr('page', { page, pages }));
  return finish();
}
