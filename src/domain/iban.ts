/** Polish IBAN checks (mod-97), used on import and to make valid demo accounts. */

function mod97(digits: string): number {
  let r = 0;
  for (let i = 0; i < digits.length; i += 7) r = Number(String(r) + digits.slice(i, i + 7)) % 97;
  return r;
}

function lettersToDigits(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
}

/** True for a well-formed Polish IBAN with a correct checksum (`PL` + 26 digits; spaces allowed). */
export function isValidPolishIban(raw: string): boolean {
  const s = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^PL\d{26}$/.test(s)) return false;
  return mod97(lettersToDigits(s.slice(4) + s.slice(0, 4))) === 1;
}

/** Builds a valid Polish IBAN from a 24-digit BBAN (8-digit bank + 16-digit account). */
export function polishIbanFromBban(bban: string): string {
  if (!/^\d{24}$/.test(bban)) throw new Error('BBAN must be 24 digits');
  const check = 98 - mod97(lettersToDigits(bban + 'PL00'));
  return `PL${String(check).padStart(2, '0')}${bban}`;
}

/** `PL61109010140000071219812874` → `61 1090 1014 0000 0712 1981 2874`. */
export function formatAccountNumber(iban: string): string {
  const digits = iban.replace(/\s+/g, '').replace(/^PL/i, '');
  return [digits.slice(0, 2), ...(digits.slice(2).match(/.{1,4}/g) ?? [])].join(' ');
}
