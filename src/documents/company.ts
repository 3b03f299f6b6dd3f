/** The company data printed on documents (header, seller, payment recipient). */

export interface CompanyInfo {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  phone: string;
  email: string;
  website: string;
  /** NIP for the payment QR code; set it with `COMPANY_NIP` (config `companyNip`). */
  nip: string;
  /** Recipient name in the payment QR code (≤ 20 characters). */
  qrRecipient: string;
}

/** Katowickie Wodociągi S.A.; the NIP here is a checksum-valid placeholder — pass the real one. */
export const DEFAULT_COMPANY: Readonly<CompanyInfo> = Object.freeze({
  name: 'Katowickie Wodociągi S.A.',
  street: 'ul. Obrońców Westerplatte 89',
  postalCode: '40-335',
  city: 'Katowice',
  phone: '32 78 82 400',
  email: 'bok@wodociagi.katowice.pl',
  website: 'www.wodociagi.katowice.pl',
  nip: '1234563218',
  qrRecipient: 'Katowickie Wodociągi',
});

/**
 * The company with the configured NIP.
 * @example renderInvoicePdf({ ..., company: companyInfo(app.config.companyNip) })
 */
export function companyInfo(nip: string, overrides: Partial<CompanyInfo> = {}): CompanyInfo {
  return { ...DEFAULT_COMPANY, ...overrides, nip };
}

/** `1234563218` → `123-456-32-18` (the usual printed form). */
export function formatNip(nip: string): string {
  const d = nip.replace(/\D/g, '');
  return d.length === 10 ? `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}` : nip;
}
