/**
 * Customer-facing texts from `locales/<lang>/*.json` (one file per area: `messages.json` for the
 * dialogs, `webchat.json`, `desk.json`, … each holding its own top-level namespace), with `{name}` placeholders and
 * ICU-style plurals `{count, plural, one {# plik} few {# pliki} many {# plików} other {# pliku}}`
 * chosen by `Intl.PluralRules` (Polish: one/few/many/other).
 *
 * @example t('pl', 'balance.owed', { amount: formatMoney(12345) })
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type Locale = 'pl' | 'en' | 'uk';
export const LOCALES: readonly Locale[] = ['pl', 'en', 'uk'];
export type Params = Record<string, string | number>;

type Catalog = Record<string, string>;

function findLocalesDir(): string {
  for (const rel of ['../../locales', '../../../locales']) {
    const dir = join(__dirname, rel);
    if (existsSync(join(dir, 'pl', 'messages.json'))) return dir;
  }
  throw new Error('locales/ folder not found');
}

function flatten(obj: Record<string, unknown>, prefix = '', out: Catalog = {}): Catalog {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else if (Array.isArray(v)) out[key] = v.join('\n');
    else if (v && typeof v === 'object') flatten(v as Record<string, unknown>, key, out);
  }
  return out;
}

const catalogs = new Map<Locale, Catalog>();

function catalog(locale: Locale): Catalog {
  let c = catalogs.get(locale);
  if (!c) {
    const dir = join(findLocalesDir(), locale);
    c = {};
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
    for (const f of files) flatten(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>, '', c);
    catalogs.set(locale, c);
  }
  return c;
}

const pluralRules = new Map<Locale, Intl.PluralRules>();
function pluralCategory(locale: Locale, n: number): string {
  let r = pluralRules.get(locale);
  if (!r) {
    r = new Intl.PluralRules(locale);
    pluralRules.set(locale, r);
  }
  return r.select(n);
}

/** Finds the end of a balanced `{…}` starting at `open`. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function render(locale: Locale, template: string, params: Params): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, open);
    const end = closing(template, open);
    if (end < 0) {
      out += template.slice(open);
      break;
    }
    const inner = template.slice(open + 1, end);
    const plural = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/.exec(inner);
    if (plural) {
      const n = Number(params[plural[1]] ?? 0);
      const forms = new Map<string, string>();
      const body = plural[2];
      let j = 0;
      while (j < body.length) {
        const m = /\s*(=\d+|zero|one|two|few|many|other)\s*\{/y;
        m.lastIndex = j;
        const mm = m.exec(body);
        if (!mm) break;
        const o = m.lastIndex - 1;
        const c = closing(body, o);
        forms.set(mm[1], body.slice(o + 1, c));
        j = c + 1;
      }
      const chosen = forms.get(`=${n}`) ?? forms.get(pluralCategory(locale, n)) ?? forms.get('other') ?? '';
      out += render(locale, chosen, params).replace(/#/g, String(n));
    } else {
      const v = params[inner.trim()];
      out += v === undefined ? `{${inner}}` : String(v);
    }
    i = end + 1;
  }
  return out;
}

/** The text for `key` in `locale` (falls back to Polish, then to the key itself). */
export function t(locale: Locale | string, key: string, params: Params = {}): string {
  const loc = (LOCALES as readonly string[]).includes(locale) ? (locale as Locale) : 'pl';
  const template = catalog(loc)[key] ?? catalog('pl')[key];
  if (template === undefined) return key;
  return render(loc, template, params);
}

/** Whether a key exists in a locale (tests check that every Polish key is translated). */
export function hasKey(locale: Locale, key: string): boolean {
  return key in catalog(locale);
}

/** All keys of a locale. */
export function keys(locale: Locale): string[] {
  return Object.keys(catalog(locale));
}

/** Picks the nearest supported locale for a channel hint such as `pl-PL`, `en-US`, `uk`. */
export function toLocale(hint: string | undefined | null): Locale {
  const h = (hint ?? '').toLowerCase();
  if (h.startsWith('uk') || h.startsWith('ua')) return 'uk';
  if (h.startsWith('en')) return 'en';
  return 'pl';
}
