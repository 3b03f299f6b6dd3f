/** Documents benchmark: chart PNG (local Chart.js), invoice PDF, payment QR and form PDF render times, one core. */
import { consumptionChartConfig, renderChartPng } from '../src/documents/charts';
import { renderInvoicePdf, type InvoicePdfInput } from '../src/documents/invoicePdf';
import { paymentQrPayload, paymentQrPng } from '../src/documents/paymentQr';
import { renderFormPdf } from '../src/documents/forms';

const INVOICE: InvoicePdfInput = {
  customer: { customerNumber: '100234', name: 'Łucja Źdźbło-Gęślańska', bankAccount: 'PL61109010140000071219812874' },
  servicePoint: { street: 'Mikołowska', building: '12', apartment: '3', postalCode: '40-065', city: 'Katowice' },
  invoice: { number: 'FV/2026/01/000123', issueDate: '2026-01-20', dueDate: '2026-02-03', periodFrom: '2025-11-15', periodTo: '2026-01-15', grossAmountGrosze: 24567, consumptionLitres: 18200 },
};

const MONTHS = Array.from({ length: 12 }, (_, i) => {
  const d = new Date(Date.UTC(2025, 1 + i, 1));
  return { month: d.toISOString().slice(0, 7), litres: 6000 + ((i * 1237) % 4000) };
});
const PREVIOUS = MONTHS.map((m) => ({ month: `${Number(m.month.slice(0, 4)) - 1}${m.month.slice(4)}`, litres: m.litres - 700 }));

async function measure(n: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < warmup; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    const out = await fn(i);
    times.push(Number(process.hrtime.bigint() - a) / 1e6);
    if (Buffer.isBuffer(out)) bytes = out.length;
  }
  times.sort((x, y) => x - y);
  const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(times.length * p))] * 100) / 100;
  return { p50: q(0.5), p99: q(0.99), bytes };
}

export async function runDocumentsBench(): Promise<void> {
  const chart = await measure(60, 5, (i) => renderChartPng(consumptionChartConfig({ months: MONTHS, previousYear: PREVIOUS, kind: i % 2 ? 'line' : 'bar', locale: 'pl' })));
  console.log(JSON.stringify({ bench: 'documents.chart_png', n: 60, width: 800, height: 450, p50_ms: chart.p50, p99_ms: chart.p99, bytes: chart.bytes }));

  const invoice = await measure(60, 5, (i) => renderInvoicePdf({ ...INVOICE, unpaidGrosze: 10000 + i }));
  console.log(JSON.stringify({ bench: 'documents.invoice_pdf', n: 60, p50_ms: invoice.p50, p99_ms: invoice.p99, bytes: invoice.bytes }));

  const qr = await measure(200, 10, (i) => paymentQrPng(paymentQrPayload({ nip: '1234563218', account: INVOICE.customer.bankAccount, amountGrosze: 1000 + i, recipient: 'Katowickie Wodociągi', title: `Klient 100234 ${i}` })));
  console.log(JSON.stringify({ bench: 'documents.payment_qr', n: 200, p50_ms: qr.p50, p99_ms: qr.p99, bytes: qr.bytes }));

  const form = await measure(30, 3, () => renderFormPdf('reklamacja'));
  console.log(JSON.stringify({ bench: 'documents.form_pdf', n: 30, p50_ms: form.p50, p99_ms: form.p99, bytes: form.bytes }));
}

if (require.main === module) {
  runDocumentsBench().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
