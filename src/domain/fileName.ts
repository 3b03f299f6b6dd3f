/**
 * File names from customers: without Unicode bidirectional controls (U+202A–U+202E, U+2066–U+2069,
 * LRM, RLM, ALM), which make a name show reversed — "faktura\u202Egnp.exe" reads as "fakturaexe.png".
 *
 * @example stripBidi('faktura\u202Egnp.exe') // → 'fakturagnp.exe'
 */
export function stripBidi(s: string): string {
  return s.replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, '');
}
