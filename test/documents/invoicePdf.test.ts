import { renderInvoicePdf, type InvoicePdfInput } from '../../src/documents/invoicePdf';
import { companyInfo, DEFAULT_COMPANY, formatNip } from '../../src/documents/company';
import { paymentQrPayload } from '../../src/documents/paymentQr';
import { pdfFonts, pdfImages, pdfInfo, pdfText, qrPngEncodes } from './helpers';

const input: InvoicePdfInput = {
  customer: { customerNumber: '100234', name: 'Łucja Źdźbło-Gęślańska', bankAccount: 'PL61109010140000071219812874' },
  servicePoint: { street: 'Mikołowska', building: '12', apartment: '3', postalCode: '40-065', city: 'Katowice' },
  invoice: { number: 'FV/2026/01/000123', issueDate: '2026-01-20', dueDate: '2026-02-03', periodFrom: '2025-11-15', periodTo: '2026-01-15', grossAmountGrosze: 24567, consumptionLitres: 18200 },
  generatedAt: new Date('2026-02-10T10:00:00Z'),
};


describe('renderInvoicePdf', () => {
  let pdf: Buffer;
  let text: string;

  beforeAll(async () => {
    pdf = await renderInvoicePdf(input);
    text = pdfText(pdf);
  });

  it('is a PDF with DejaVu Sans embedded', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    const fonts = pdfFonts(pdf);
    expect(fonts).toMatch(/\+DejaVuSans\s/);
    expect(fonts).toMatch(/\+DejaVuSans-Bold\s/);
    // every font is an embedded subset
    const rows = fonts.split('\n').filter((l) => l.trim());
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) expect(r).toMatch(/^[A-Z]{6}\+\S+ embedded$/);
  });

  it('has its title, author and language set', () => {
    const info = pdfInfo(pdf);
    expect(info.Title).toBe('Duplikat faktury FV/2026/01/000123');
    expect(info.Author).toBe('Katowickie Wodociągi S.A.');
    expect(info.Subject).toBe('Duplikat faktury za wodę i ścieki, okres 15.11.2025 – 15.01.2026');
    expect(info.Creator).toBe('Kropla');
    expect(info.Pages).toBe('1');
    expect(pdf.toString('latin1')).toMatch(/\/Lang \(pl-PL\)/);
  });

  it('prints the company header with Polish letters intact', () => {
    for (const s of ['Katowickie Wodociągi S.A.', 'ul. Obrońców Westerplatte 89', '40-335 Katowice', '32 78 82 400', 'bok@wodociagi.katowice.pl', 'DUPLIKAT FAKTURY']) {
      expect(text).toContain(s);
    }
  });

  it('prints the customer, address, period, consumption, amount and due date, formatted the Polish way', () => {
    for (const s of [
      'Łucja Źdźbło-Gęślańska', 'Numer klienta: 100234', 'ul. Mikołowska 12 m. 3', '40-065 Katowice',
      'Nr faktury: FV/2026/01/000123', 'Data wystawienia faktury: 20.01.2026', 'Data wygenerowania duplikatu: 10.02.2026',
      '15.11.2025 – 15.01.2026', '18,200 m³', '245,67 zł', 'Termin płatności: 03.02.2026', 'Do zapłaty',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('prints the individual account number and the transfer data', () => {
    expect(text).toContain('Indywidualny numer rachunku do wpłat');
    expect(text).toContain('61 1090 1014 0000 0712 1981 2874');
    expect(text).toContain('Faktura FV/2026/01/000123');
    expect(text).toContain('Pogotowie wodno-kanalizacyjne: 994');
    expect(text).toContain(`NIP: ${formatNip(DEFAULT_COMPANY.nip)}`);
  });

  it('embeds the payment QR code for the amount due, readable module by module', async () => {
    const images = pdfImages(pdf);
    expect(images).toHaveLength(1);
    const payload = paymentQrPayload({ nip: DEFAULT_COMPANY.nip, account: input.customer.bankAccount, amountGrosze: 24567, recipient: 'Katowickie Wodociągi', title: 'Faktura FV/2026/01/000123' });
    expect(await qrPngEncodes(images[0], payload)).toBe(true);
  });

  it('puts the configured NIP and the unpaid rest into the code', async () => {
    const doc = await renderInvoicePdf({ ...input, unpaidGrosze: 10000, company: companyInfo('526-000-12-46') });
    const t = pdfText(doc);
    expect(t).toContain('Pozostało do zapłaty');
    expect(t).toContain('100,00 zł');
    expect(t).toContain('NIP: 526-000-12-46');
    const [qr] = pdfImages(doc);
    const payload = paymentQrPayload({ nip: '5260001246', account: input.customer.bankAccount, amountGrosze: 10000, recipient: 'Katowickie Wodociągi', title: 'Faktura FV/2026/01/000123' });
    expect(await qrPngEncodes(qr, payload)).toBe(true);
  });

  it('says "paid" and has no QR code when nothing is left to pay', async () => {
    const doc = await renderInvoicePdf({ ...input, unpaidGrosze: 0 });
    expect(pdfText(doc)).toContain('Faktura została opłacona w całości.');
    expect(pdfImages(doc)).toHaveLength(0);
  });

  it('explains why there is no QR code above 9 999,99 zł', async () => {
    const doc = await renderInvoicePdf({ ...input, invoice: { ...input.invoice, grossAmountGrosze: 1_234_567 } });
    const t = pdfText(doc);
    expect(t).toContain('12 345,67 zł');
    expect(t).toContain('Kwota przekracza 9 999,99 zł');
    expect(pdfImages(doc)).toHaveLength(0);
  });

  it('still prints the transfer data when the account cannot go into a code', async () => {
    const doc = await renderInvoicePdf({ ...input, customer: { ...input.customer, bankAccount: 'PL00109010140000071219812874' } });
    expect(pdfText(doc)).toContain('00 1090 1014 0000 0712 1981 2874');
    expect(pdfImages(doc)).toHaveLength(0);
  });

  it('copes with no service point and a long name', async () => {
    const name = 'Spółdzielnia Mieszkaniowa „Górnośląska Przyszłość” w Katowicach — Zarząd Nieruchomości Wspólnych nr 7';
    const doc = await renderInvoicePdf({ ...input, servicePoint: null, customer: { ...input.customer, name } });
    const t = pdfText(doc);
    expect(t).toContain('nie podano');
    expect(t).toContain('Spółdzielnia Mieszkaniowa „Górnośląska Przyszłość”');
    expect(pdfInfo(doc).Pages).toBe('1');
  });
});
