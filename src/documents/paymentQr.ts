/**
 * Payment QR code of the Polish banks (ZBP recommendation of 2013, "Rekomendacja Związku Banków
 * Polskich dotycząca kodu dwuwymiarowego"): nine fields joined by `|`, at most 160 characters,
 * which every Polish banking app turns into a filled-in transfer.
 *
 * @example
 * const payload = paymentQrPayload({ nip: '1234563218', account: 'PL61109010140000071219812874',
 *   amountGrosze: 24567, recipient: 'Katowickie Wodociągi', title: 'Faktura FV/2026/01/000123' });
 * const png = await paymentQrPng(payload);
 */
import QRCode from 'qrcode';
import { isValidPolishIban } from '../domain/iban';

/** Largest amount the code can carry: 9 999,99 zł (six digits of grosze). */
export const MAX_QR_AMOUNT_GROSZE = 999_999;
/** Longest payload the banks read. */
export const MAX_QR_PAYLOAD_LENGTH = 160;
/** Longest recipient name (field 5). */
export const MAX_QR_RECIPIENT_LENGTH = 20;
/** Longest transfer title (field 6). */
export const MAX_QR_TITLE_LENGTH = 32;

export type PaymentQrField = 'nip' | 'account' | 'amount' | 'recipient' | 'title';

/** A payment code that the standard cannot carry; `field` names the culprit. */
export class PaymentQrError extends Error {
  constructor(
    readonly field: PaymentQrField,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'PaymentQrError';
  }
}

export interface PaymentQrInput {
  /** The recipient's NIP (tax id), 10 digits; dashes and spaces allowed. */
  nip: string;
  /** The recipient's Polish account: IBAN `PL…` or the 26 digits; spaces allowed. */
  account: string;
  /** Amount in grosze, 1 … 999 999. */
  amountGrosze: number;
  /** Recipient's name; cut to 20 characters. */
  recipient: string;
  /** Transfer title; cut to 32 characters. */
  title: string;
}

const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];

/** True for a 10-digit NIP with a correct check digit (dashes and spaces allowed). */
export function isValidNip(raw: string): boolean {
  const nip = raw.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(nip)) return false;
  const sum = NIP_WEIGHTS.reduce((acc, w, i) => acc + w * Number(nip[i]), 0);
  const check = sum % 11;
  return check !== 10 && check === Number(nip[9]);
}

/**
 * Cleans a free-text field: no `|` (the separator), no control characters, single spaces,
 * NFC-composed so that a Polish letter counts as one character, then cut to `max` characters
 * (code points, never halfway through a letter).
 */
export function qrText(raw: string, max: number): string {
  const clean = raw
    .normalize('NFC')
    .replace(/[|\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(clean).slice(0, max).join('').trim();
}

/** Builds the payload `NIP|PL|account|amount|recipient|title|||`; throws {@link PaymentQrError}. */
export function paymentQrPayload(p: PaymentQrInput): string {
  const nip = p.nip.replace(/[\s-]/g, '');
  if (!isValidNip(nip)) throw new PaymentQrError('nip', 'expected 10 digits with a valid check digit');
  const account = p.account.replace(/\s+/g, '').toUpperCase().replace(/^PL/, '');
  if (!/^\d{26}$/.test(account) || !isValidPolishIban(`PL${account}`)) {
    throw new PaymentQrError('account', 'expected a Polish account number (26 digits) with a valid IBAN checksum');
  }
  if (!Number.isSafeInteger(p.amountGrosze) || p.amountGrosze < 1) throw new PaymentQrError('amount', 'expected a whole, positive number of grosze');
  if (p.amountGrosze > MAX_QR_AMOUNT_GROSZE) throw new PaymentQrError('amount', 'the payment code carries at most 9 999,99 zł');
  const recipient = qrText(p.recipient, MAX_QR_RECIPIENT_LENGTH);
  if (!recipient) throw new PaymentQrError('recipient', 'must not be empty');
  const title = qrText(p.title, MAX_QR_TITLE_LENGTH);
  if (!title) throw new PaymentQrError('title', 'must not be empty');
  const amount = String(p.amountGrosze).padStart(6, '0');
  // Fields 7–9 (Invobill id, invoice id, reserve) stay empty.
  const payload = [nip, 'PL', account, amount, recipient, title, '', '', ''].join('|');
  // 10+2+26+6+20+32+8 separators = 104 characters at most, well under the limit; checked anyway.
  if (payload.length > MAX_QR_PAYLOAD_LENGTH) throw new PaymentQrError('title', 'payload longer than 160 characters');
  return payload;
}

/** Options used for every payment code: error correction M, margin 2 modules, about 300 px. */
export const PAYMENT_QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2, width: 300 } as const;

/** Renders a payload as a PNG (error correction M, margin 2, 300 px wide). */
export async function paymentQrPng(payload: string, width: number = PAYMENT_QR_OPTIONS.width): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: PAYMENT_QR_OPTIONS.errorCorrectionLevel, margin: PAYMENT_QR_OPTIONS.margin, width });
}
