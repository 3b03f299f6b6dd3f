/** The desk's texts (locales/pl/desk.json, flattened by `GET /api/staff/i18n`) and Polish plural forms. */

let texts: Record<string, string> = {};

export function setTexts(all: Record<string, string>): void {
  texts = all;
}

export function hasText(key: string): boolean {
  return texts[key] !== undefined;
}

/** All text keys (e.g. to list the canned answers). */
export function textKeys(): string[] {
  return Object.keys(texts);
}

/** The text for `key` with `{name}` placeholders filled; the key itself when there is no such text. */
export function t(key: string, params?: Record<string, string | number>): string {
  const tpl = texts[key];
  if (tpl === undefined) return key;
  return tpl.replace(/\{(\w+)\}/g, (m, name: string) => (params && params[name] !== undefined ? String(params[name]) : m));
}

const plural = new Intl.PluralRules('pl-PL');

/** `{base}.{one|few|many|other}` chosen for `n` (Polish rules). */
export function tPlural(base: string, n: number, params: Record<string, string | number> = {}): string {
  return t(`${base}.${plural.select(n)}`, { n, ...params });
}
