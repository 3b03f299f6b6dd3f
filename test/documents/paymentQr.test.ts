import QRCode from 'qrcode';
import { isValidNip, MAX_QR_AMOUNT_GROSZE, PaymentQrError, paymentQrPayload, paymentQrPng, qrText } from '../../src/documents/paymentQr';
import { polishIbanFromBban } from '../../src/domain/iban';
import { pngSize, qrPngEncodes } from './helpers';

const base = {
  nip: '1234563218',
  account: 'PL61109010140000071219812874',
  amountGrosze: 24567,
  recipient: 'Katowickie Wodociągi S.A.',
  title: 'Faktura FV/2026/01/000123',
};

function qrError(fn: () => unknown): PaymentQrError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PaymentQrError) return e;
    throw e;
  }
  throw new Error('expected a PaymentQrError');
}

describe('paymentQrPayload (ZBP 2013)', () => {
  it('joins the nine fields in the standard order', () => {
    expect(paymentQrPayload(base)).toBe('1234563218|PL|61109010140000071219812874|024567|Katowickie Wodociągi|Faktura FV/2026/01/000123|||');
  });

  it('has exactly nine fields with the standard lengths', () => {
    const fields = paymentQrPayload(base).split('|');
    expect(fields).toHaveLength(9);
    expect(fields[0]).toMatch(/^\d{10}$/);
    expect(fields[1]).toBe('PL');
    expect(fields[2]).toMatch(/^\d{26}$/);
    expect(fields[3]).toMatch(/^\d{6}$/);
    expect(Array.from(fields[4]).length).toBeLessThanOrEqual(20);
    expect(Array.from(fields[5]).length).toBeLessThanOrEqual(32);
    expect(fields.slice(6)).toEqual(['', '', '']);
  });

  it.each([
    [1, '000001'],
    [100, '000100'],
    [24567, '024567'],
    [MAX_QR_AMOUNT_GROSZE, '999999'],
  ])('pads %i grosze to %s', (amountGrosze, field) => {
    expect(paymentQrPayload({ ...base, amountGrosze }).split('|')[3]).toBe(field);
  });

  it.each([1_000_000, 0, -5, 12.5, Number.NaN])('rejects the amount %p', (amountGrosze) => {
    expect(qrError(() => paymentQrPayload({ ...base, amountGrosze })).field).toBe('amount');
  });

  it('accepts NIP and account in their printed forms (dashes, spaces, without PL)', () => {
    const p = paymentQrPayload({ ...base, nip: '123-456-32-18', account: '61 1090 1014 0000 0712 1981 2874' });
    expect(p.startsWith('1234563218|PL|61109010140000071219812874|')).toBe(true);
  });

  it.each(['1234563219', '123456321', '12345632180', 'ABCDEFGHIJ', '1234567890'])('rejects the NIP %s', (nip) => {
    expect(qrError(() => paymentQrPayload({ ...base, nip })).field).toBe('nip');
  });

  it.each(['PL62109010140000071219812874', 'PL6110901014000007121981287', 'DE89370400440532013000', '61109010140000071219812875'])('rejects the account %s', (account) => {
    expect(qrError(() => paymentQrPayload({ ...base, account })).field).toBe('account');
  });

  it('takes any checksum-valid account', () => {
    const iban = polishIbanFromBban('102023130000310200123456');
    expect(paymentQrPayload({ ...base, account: iban }).split('|')[2]).toBe(iban.slice(2));
  });

  it('strips the separator and cuts recipient and title by letters, keeping Polish letters whole', () => {
    const p = paymentQrPayload({ ...base, recipient: 'Wodociągi|Śląskie Łódź Żółć', title: 'Opłata | za wodę i ścieki — styczeń 2026 r. (zaległość)' });
    const f = p.split('|');
    expect(f).toHaveLength(9);
    expect(f[4]).toBe('Wodociągi Śląskie Łó');
    expect(Array.from(f[5])).toHaveLength(32);
    expect(f[5]).toBe('Opłata za wodę i ścieki — stycze');
  });

  it('composes decomposed letters (NFD) so each counts once', () => {
    const nfd = 'Wodociągi Śląskie'.normalize('NFD');
    expect(qrText(nfd, 20)).toBe('Wodociągi Śląskie');
    expect(qrText(nfd, 20).length).toBe(17);
  });

  it('rejects an empty recipient or title', () => {
    expect(qrError(() => paymentQrPayload({ ...base, recipient: ' | ' })).field).toBe('recipient');
    expect(qrError(() => paymentQrPayload({ ...base, title: '' })).field).toBe('title');
  });

  it('stays within 160 characters at the longest', () => {
    const p = paymentQrPayload({ ...base, amountGrosze: MAX_QR_AMOUNT_GROSZE, recipient: 'x'.repeat(200), title: 'y'.repeat(200) });
    expect(p.length).toBeLessThanOrEqual(160);
    expect(p.split('|')[4]).toHaveLength(20);
    expect(p.split('|')[5]).toHaveLength(32);
  });

  it('checks NIPs by the weights 6,5,7,2,3,4,5,6,7', () => {
    expect(isValidNip('1234563218')).toBe(true);
    expect(isValidNip('526-000-12-46')).toBe(true);
    expect(isValidNip('5260001247')).toBe(false);
    // check digit 10 is never valid
    expect(isValidNip('0000000060')).toBe(false);
  });
});

describe('paymentQrPng', () => {
  const payload = paymentQrPayload(base);

  it('is a 300 px PNG whose modules are exactly the level-M symbol of the payload', async () => {
    const png = await paymentQrPng(payload);
    expect(pngSize(png)).toEqual({ width: 300, height: 300 });
    expect(await qrPngEncodes(png, payload)).toBe(true);
    // and not of some other payload
    expect(await qrPngEncodes(png, payload.replace('024567', '024568'))).toBe(false);
  });

  it('carries the whole payload in its byte segment, with Polish letters in UTF-8', () => {
    const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    expect(qr.errorCorrectionLevel.bit).toBe(QRCode.create('x', { errorCorrectionLevel: 'M' }).errorCorrectionLevel.bit);
    const data = qr.segments.map((s) => (s as unknown as { data: Uint8Array | string }).data);
    const text = data.map((d) => (typeof d === 'string' ? d : Buffer.from(d).toString('utf8'))).join('');
    expect(text).toBe(payload);
  });

  it('renders a requested width', async () => {
    expect(pngSize(await paymentQrPng(payload, 420))).toEqual({ width: 420, height: 420 });
  });
});
