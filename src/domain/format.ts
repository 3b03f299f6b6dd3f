/**
 * The one formatter for money, meter values and dates, Polish style:
 * `1 234,56 zł`, `123,456 m³`, `15.01.2026`. Never build these by string concatenation elsewhere.
 */

/** Groups thousands with a space: 1234567 → "1 234 567". */
function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** grosze → `1 234,56 zł` (negative: `-12,00 zł`). */
export function formatMoney(grosze: number): string {
  const sign = grosze < 0 ? '-' : '';
  const abs = Math.abs(Math.round(grosze));
  return `${sign}${group(String(Math.floor(abs / 100)))},${String(abs % 100).padStart(2, '0')} zł`;
}

/** litres → `123,456 m³` (always three decimals, as meters show). */
export function formatCubicMetres(litres: number, decimals = 3): string {
  const sign = litres < 0 ? '-' : '';
  const abs = Math.abs(Math.round(litres));
  const whole = Math.floor(abs / 1000);
  const frac = String(abs % 1000).padStart(3, '0').slice(0, decimals);
  return `${sign}${group(String(whole))}${decimals > 0 ? ',' + frac : ''} m³`;
}

/** `2026-01-15` or a Date → `15.01.2026` (dates of a Date taken in Europe/Warsaw). */
export function formatDate(d: string | Date): string {
  const iso = typeof d === 'string' ? d : isoDateInWarsaw(d);
  const [y, m, day] = iso.slice(0, 10).split('-');
  return `${day}.${m}.${y}`;
}

/** `15.01.2026, 14:05` in Europe/Warsaw. */
export function formatDateTime(d: Date): string {
  return `${formatDate(d)}, ${WARSAW_TIME.format(d)}`;
}

// Intl formatters are costly to build (time-zone data): built once, reused on every call.
const WARSAW_TIME = new Intl.DateTimeFormat('pl-PL', { timeZone: 'Europe/Warsaw', hour: '2-digit', minute: '2-digit', hour12: false });
const WARSAW_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date of an instant in Katowice, `YYYY-MM-DD`. */
export function isoDateInWarsaw(d: Date): string {
  return WARSAW_DATE.format(d);
}

/** Whole days from `a` to `b` (ISO dates). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000);
}

/** Adds days to an ISO date. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso + 'T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
}

/** Parses `PLN` amount (number with up to two decimals) to grosze, exactly. */
export function toGrosze(amount: number): number {
  return Math.round(amount * 100);
}

/** Parses m³ (up to three decimals) to litres, exactly. */
export function toLitres(m3: number): number {
  return Math.round(m3 * 1000);
}
