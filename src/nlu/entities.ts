/**
 * Entity extraction: meter values, money, invoice/customer/case numbers, link codes,
 * periods and Katowice street addresses. Pure functions of (text, language, today).
 */
import { KATOWICE_STREETS, streetKey } from '../domain/streets';
import { foldSameLength, osaDistance } from './text';
import type { Lang, NluEntity } from './types';

interface Span {
  start: number;
  end: number;
  entity: NluEntity;
  prio: number;
}

const L = '[\\p{L}\\p{N}]'; // a word character, Unicode aware
const NB = `(?<!${L})`; // no word character before
const NA = `(?!${L})`; // no word character after

const LINK_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LC = `[${LINK_ALPHABET}${LINK_ALPHABET.toLowerCase().replace(/\d/g, '')}]`;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
function iso(y: number, m: number, d: number): string {
  return `${y}-${pad(m)}-${pad(d)}`;
}
function lastDay(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
/** today shifted by whole months (day clamped to the month's length). */
function addMonths(y: number, m: number, d: number, delta: number): [number, number, number] {
  const idx = y * 12 + (m - 1) + delta;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  return [ny, nm, Math.min(d, lastDay(ny, nm))];
}

/** Parses `1 312,500`, `1312.5`, `00987` into a number. */
function parseNumber(raw: string): number {
  return Number(raw.replace(/[\s\u00a0]/g, '').replace(',', '.'));
}

// ---------------------------------------------------------------- months
const MONTHS: { re: RegExp; m: number }[] = [
  ['styczen|styczn\\p{L}*|january|jan|січ\\p{L}*|сiч\\p{L}*|янв\\p{L}*', 1],
  ['luty|lut\\p{L}+|february|feb|лют\\p{L}*|фев\\p{L}*', 2],
  ['marzec|marc\\p{L}*|march|берез\\p{L}*|март\\p{L}*', 3],
  ['kwiecien|kwietni\\p{L}*|april|apr|квіт\\p{L}*|квiт\\p{L}*|апрел\\p{L}*', 4],
  ['maj|maja|maju|may|трав\\p{L}*|ма[ия]', 5],
  ['czerwiec|czerwc\\p{L}*|june|jun|черв\\p{L}*|июн\\p{L}*', 6],
  ['lipiec|lipc\\p{L}*|july|jul|лип\\p{L}*|июл\\p{L}*', 7],
  ['sierpien|sierpni\\p{L}*|august|aug|серп\\p{L}*|август\\p{L}*', 8],
  ['wrzesien|wrzesni\\p{L}*|september|sept?|верес\\p{L}*|сентябр\\p{L}*', 9],
  ['pazdzi?e?rn\\p{L}*|october|oct|жовт\\p{L}*|октябр\\p{L}*', 10],
  ['listopad\\p{L}*|november|nov|листопад\\p{L}*|ноябр\\p{L}*', 11],
  ['grudzien|grudni\\p{L}*|december|dec|груд\\p{L}*|декабр\\p{L}*', 12],
].map(([src, m]) => ({ re: new RegExp(`^(?:${(src as string).replace(/й/g, 'и').replace(/ї/g, 'і')})$`, 'u'), m: m as number }));
const MONTH_WORD = `(?:${[
  'styczen', 'styczn\\p{L}*', 'january', 'jan', 'січ\\p{L}*', 'luty', 'lut\\p{L}+', 'february', 'feb', 'лют\\p{L}*',
  'marzec', 'marc\\p{L}*', 'march', 'берез\\p{L}*', 'kwiecien', 'kwietni\\p{L}*', 'april', 'apr', 'квіт\\p{L}*',
  'maj', 'maja', 'maju', 'may', 'трав\\p{L}*', 'czerwiec', 'czerwc\\p{L}*', 'june', 'jun', 'черв\\p{L}*',
  'lipiec', 'lipc\\p{L}*', 'july', 'jul', 'лип\\p{L}*', 'sierpien', 'sierpni\\p{L}*', 'august', 'aug', 'серп\\p{L}*',
  'wrzesien', 'wrzesni\\p{L}*', 'september', 'sept?', 'верес\\p{L}*', 'pazdzi?e?rn\\p{L}*', 'october', 'oct', 'жовт\\p{L}*',
  'listopad\\p{L}*', 'november', 'nov', 'листопад\\p{L}*', 'grudzien', 'grudni\\p{L}*', 'december', 'dec', 'груд\\p{L}*',
].join('|')})`;

function monthOf(word: string): number | null {
  for (const { re, m } of MONTHS) if (re.test(word)) return m;
  return null;
}

/** The most recent occurrence of month `m` that has started by `today` (or in `year` if given). */
function resolveMonth(m: number, year: number | null, today: Date): [number, number] {
  if (year !== null) return [year, m];
  const ty = today.getUTCFullYear();
  const tm = today.getUTCMonth() + 1;
  return [m <= tm ? ty : ty - 1, m];
}

const NUMBER_WORDS: Record<string, number> = {
  jeden: 1, jednego: 1, dwa: 2, dwoch: 2, dwu: 2, trzy: 3, trzech: 3, cztery: 4, czterech: 4, piec: 5, pieciu: 5,
  szesc: 6, szesciu: 6, siedem: 7, osiem: 8, dziewiec: 9, dziesiec: 10, dwanascie: 12, dwunastu: 12,
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12,
  два: 2, дві: 2, три: 3, чотири: 4, пять: 5, "п'ять": 5, шість: 6, дванадцять: 12,
};
function countOf(word: string): number {
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word] ?? NaN;
}

/** Cyrillic letters the folder changes (й → и, ї → і); applied to regex sources so they match folded text. */
function fc(src: string): string {
  return src.replace(/й/g, 'и').replace(/ї/g, 'і');
}
function R(src: string, flags: string): RegExp {
  return new RegExp(fc(src), flags);
}

function findPeriods(f: string, today: Date, out: Span[]): void {
  const ty = today.getUTCFullYear();
  const tm = today.getUTCMonth() + 1;
  const td = today.getUTCDate();
  const todayIso = iso(ty, tm, td);
  const add = (start: number, end: number, from: string, to: string, prio = 5): void => {
    out.push({ start, end, prio, entity: { type: 'period', from, to, text: '' } });
  };
  let m: RegExpExecArray | null;

  // explicit dates: od 1.03.2026 do 31.05.2026 / 2026-03-01 – 2026-05-31
  const DATE = '(\\d{1,2})[./-](\\d{1,2})[./-](\\d{4})|(\\d{4})-(\\d{2})-(\\d{2})';
  const dateOf = (g: (string | undefined)[], o: number): string | null => {
    const [d, mo, y] = g[o] !== undefined ? [g[o], g[o + 1], g[o + 2]] : [g[o + 5], g[o + 4], g[o + 3]];
    const dd = Number(d);
    const mm = Number(mo);
    const yy = Number(y);
    if (!(mm >= 1 && mm <= 12 && dd >= 1 && dd <= lastDay(yy, mm))) return null;
    return iso(yy, mm, dd);
  };
  const range = new RegExp(`(?:od|from|between|з|від|вiд|с)?\\s*(?:${DATE})\\s*(?:do|to|and|until|till|по|до|-|–)\\s*(?:${DATE})`, 'gu');
  while ((m = range.exec(f))) {
    const a = dateOf([...m], 1);
    const b = dateOf([...m], 7);
    if (a && b) add(m.index + (m[0].length - m[0].trimStart().length), m.index + m[0].length, a <= b ? a : b, a <= b ? b : a, 7);
  }
  const single = new RegExp(`${NB}(?:${DATE})${NA}`, 'gu');
  while ((m = single.exec(f))) {
    const a = dateOf([...m], 1);
    if (a) add(m.index, m.index + m[0].length, a, a, 4);
  }

  // month ranges: od stycznia do marca [2025] / from January to March / з січня по березень
  const mrange = new RegExp(
    `${NB}(?:od|lod|from|between|з|вiд|від|с)\\s+(${MONTH_WORD})(?:\\s+(\\d{4}))?\\s*(?:do|to|and|until|till|po|по|до|-|–)\\s*(${MONTH_WORD})(?:\\s+(?:roku\\s+)?(\\d{4}))?${NA}`,
    'gu',
  );
  while ((m = mrange.exec(f))) {
    const m1 = monthOf(m[1]);
    const m2 = monthOf(m[3]);
    if (!m1 || !m2) continue;
    const y2explicit = m[4] ? Number(m[4]) : null;
    const [y2] = resolveMonth(m2, y2explicit, today);
    let y1 = m[2] ? Number(m[2]) : y2;
    if (!m[2] && m1 > m2) y1 = y2 - 1;
    add(m.index, m.index + m[0].length, iso(y1, m1, 1), iso(y2, m2, lastDay(y2, m2)), 6);
  }
  // a month a year back: "w listopadzie rok temu", "w marcu zeszłego roku", "November last year"
  const mback = new RegExp(`(?<![\\p{L}\\p{N}])(?:(?:w|we|za|in|for|у|в)\\s+)?(${MONTH_WORD})\\s+(?:rok temu|sprzed roku|(?:zeszlego|ubieglego|poprzedniego) roku|last year|a year ago|рік тому|минулого року)${NA}`, 'gu');
  while ((m = mback.exec(f))) {
    const mo = monthOf(m[1]);
    if (!mo) continue;
    const y = ty - 1;
    add(m.index, m.index + m[0].length, iso(y, mo, 1), iso(y, mo, lastDay(y, mo)), 7);
  }
  // open range: od stycznia → today
  const mfrom = new RegExp(`${NB}(?:od|lod|since|from|з|від|вiд)\\s+(${MONTH_WORD})(?:\\s+(\\d{4}))?${NA}`, 'gu');
  while ((m = mfrom.exec(f))) {
    const m1 = monthOf(m[1]);
    if (!m1) continue;
    const [y1] = resolveMonth(m1, m[2] ? Number(m[2]) : null, today);
    add(m.index, m.index + m[0].length, iso(y1, m1, 1), todayIso, 3);
  }
  // single month: w październiku [2025] / za marzec / in October / у жовтні
  const mone = new RegExp(`(?<![\\p{L}\\p{N}]|\\d\\s)(?:(?:w|we|za|z|in|for|of|during|у|в|за)\\s+)?(${MONTH_WORD})(?:\\s+(?:roku\\s+)?(\\d{4}))?${NA}`, 'gu');
  while ((m = mone.exec(f))) {
    const mo = monthOf(m[1]);
    if (!mo) continue;
    const short = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec|maj|maja|maju|лип\p{L}*)$/u.test(m[1]);
    const hasPrep = m[0].length > m[1].length + (m[2] ? m[2].length + 1 : 0);
    if (short && !hasPrep && !m[2]) continue; // "may", "maja" alone are too ambiguous
    const [y, mm] = resolveMonth(mo, m[2] ? Number(m[2]) : null, today);
    add(m.index, m.index + m[0].length, iso(y, mm, 1), iso(y, mm, lastDay(y, mm)), 2);
  }

  // relative periods
  const rel: [RegExp, () => [string, string] | null][] = [
    [R(String.raw`(?:za\s+|w\s+|przez\s+|z\s+)?(?:ostatni|ostatnie|ostatnich|ostatnim|ostatniego)\s+(?:pol\s*roku|polrocz\p{L}*)|(?:przez|od)\s+pol\s*roku|(?:last|past)\s+(?:half\s+(?:a\s+)?year|six\s+months)|(?:за\s+)?(?:останні|останнє|остан\p{L}*)\s+(?:пів|півроку)\s*(?:року)?`, 'gu'), () => [iso(...addMonths(ty, tm, td, -6)), todayIso]],
    [R(String.raw`(?:za\s+|w\s+|przez\s+|z\s+)?(?:ostatni|ostatnie|ostatnich|ostatnim|ostatniego)\s+poltora\s+roku|(?:last|past)\s+(?:year\s+and\s+a\s+half|eighteen\s+months)`, 'gu'), () => [iso(...addMonths(ty, tm, td, -18)), todayIso]],
    [R(String.raw`(?:za\s+|w\s+|przez\s+)?(?:ostatni|ostatnie|ostatnich|ostatnim)\s+(\d+|\p{L}+)\s+(?:miesiac\p{L}*|mies\.?)|(?:last|past|previous)\s+(\d+|\p{L}+)\s+months?|(?:за\s+)?(?:останні|останніх|остан\p{L}*)\s+(\d+|\p{L}+)\s+місяц\p{L}*`, 'gu'), () => null],
    [R(String.raw`(?:za\s+|w\s+|przez\s+)?(?:ostatni|ostatnie|ostatnich|ostatnim)\s+(\d+|\p{L}+)\s+(?:lata|lat)|(?:last|past|previous)\s+(\d+|\p{L}+)\s+years|(?:за\s+)?(?:останні|останніх|остан\p{L}*)\s+(\d+|\p{L}+)\s+(?:років|роки)`, 'gu'), () => null],
    [R(String.raw`(?:za\s+|w\s+|przez\s+)?(?:ostatni|ostatniego|ostatnim)\s+(?:rok|roku)|ostatnie\s+12\s+miesiecy|(?:in\s+|over\s+)?(?:the\s+)?(?:past|last)\s+(?:12\s+months|twelve\s+months)|(?:the\s+|over\s+the\s+|in\s+the\s+)(?:past|last)\s+year|past\s+year|(?:за\s+)?останній\s+рік`, 'gu'), () => [iso(...addMonths(ty, tm, td, -12)), todayIso]],
    [R(String.raw`(?:za\s+|w\s+)?(?:zeszly|zeszlym|zeszlego|poprzedni|poprzednim|poprzedniego|ubiegly|ubieglym|ubieglego)\s+(?:rok|roku)|(?:za\s+|w\s+)?(?:roku|rok)\s+(?:zeszly|poprzedni|ubiegly)|last\s+year|previous\s+year|(?:за\s+|у\s+|в\s+)?(?:минулий|минулого|минулому)\s+(?:рік|року|році)`, 'gu'), () => [iso(ty - 1, 1, 1), iso(ty - 1, 12, 31)]],
    [R(String.raw`(?:w\s+|za\s+|z\s+)?(?:tym|tego|biezacym|biezacego|ten|obecnym|obecnego)\s+(?:roku|rok)|this\s+year|(?:за\s+|у\s+|в\s+)?(?:цього|цей|цьому|поточн\p{L}*)\s+(?:року|рік|році)`, 'gu'), () => [iso(ty, 1, 1), todayIso]],
    [R(String.raw`(?:za\s+|w\s+)?(?:zeszly|zeszlym|zeszlego|poprzedni|poprzednim|poprzedniego|ubiegly|ubieglym|ubieglego|ostatni|ostatnim|ostatniego)\s+(?:miesiac|miesiacu|miesiaca)|(?:last|previous|past)\s+month|(?:за\s+|у\s+|в\s+)?(?:минулий|минулого|минулому|останній)\s+(?:місяць|місяця|місяці)`, 'gu'), () => { const [y, mo] = addMonths(ty, tm, 1, -1); return [iso(y, mo, 1), iso(y, mo, lastDay(y, mo))]; }],
    [/(?:w\s+|za\s+|z\s+)?(?:tym|tego|biezacym|biezacego|ten|obecnym)\s+(?:miesiacu|miesiac|miesiaca)|this\s+month|(?:за\s+|у\s+|в\s+)?(?:цього|цей|цьому|поточн\p{L}*)\s+(?:місяця|місяць|місяці)/gu, () => [iso(ty, tm, 1), todayIso]],
    [R(String.raw`(?:(?:w\s+tym\s+samym\s+czasie|wtedy|o\s+tej\s+porze)\s+)?(?:rok\s+temu|sprzed\s+roku)|(?:a\s+)?year\s+ago|рік\s+тому`, 'gu'), () => [iso(...addMonths(ty, tm, td, -24)), iso(...addMonths(ty, tm, td, -12))]],
  ];
  for (let i = 0; i < rel.length; i++) {
    const [re, fn] = rel[i];
    re.lastIndex = 0;
    while ((m = re.exec(f))) {
      if (m.index > 0 && /[\p{L}\p{N}]/u.test(f[m.index - 1])) continue;
      let r = fn();
      if (i === 2 || i === 3) {
        const n = countOf(m[1] ?? m[2] ?? m[3] ?? '');
        if (!Number.isFinite(n) || n <= 0 || n > 120) continue;
        r = [iso(...addMonths(ty, tm, td, i === 2 ? -n : -12 * n)), todayIso];
      }
      if (r) add(m.index, m.index + m[0].length, r[0], r[1], 5);
    }
  }

  // a year: w 2025 / za 2025 rok / in 2025 / 2025
  const year = new RegExp(`${NB}(?:(w|we|za|z|in|for|of|during|у|в|за|rok|roku)\\s+)?(20\\d{2})(?:\\s*(r\\.|rok|roku|year|р\\.|рік|році))?${NA}`, 'gu');
  while ((m = year.exec(f))) {
    const y = Number(m[2]);
    if (y > ty) continue;
    const context = Boolean(m[1] || m[3]);
    add(m.index, m.index + m[0].length, iso(y, 1, 1), y === ty ? todayIso : iso(y, 12, 31), context ? 3 : 1);
  }
}

// ---------------------------------------------------------------- addresses
const STREETS = KATOWICE_STREETS.map((name) => ({ name, key: streetKey(name) }));
const STREET_KEYS = STREETS.map((s) => s.key);
const KEY_TO_NAME = new Map(STREETS.map((s) => [s.key, s.name]));
const snapCache = new Map<string, string | null>();
/** Like closestStreetKey (same distance budget), with a bounded distance and a cache: this runs per word window. */
function snapStreet(key: string): string | null {
  if (KEY_TO_NAME.has(key)) return key;
  const hit = snapCache.get(key);
  if (hit !== undefined) return hit;
  const limit = key.length <= 5 ? 1 : 2;
  let best: string | null = null;
  let bestD = limit + 1;
  for (const known of STREET_KEYS) {
    if (Math.abs(known.length - key.length) > limit) continue;
    const d = osaDistance(key, known, limit);
    if (d < bestD) {
      best = known;
      bestD = d;
    }
  }
  if (snapCache.size > 5000) snapCache.clear();
  snapCache.set(key, best);
  return best;
}
const STREET_PREFIX = /^(?:ul|ulica|ulicy|ulice|ulicę|al|aleja|alei|pl|plac|placu|os|osiedle|osiedlu|street|st|вул|вулиця|вулиці)$/u;
const ADDR_PREP = /^(?:na|przy|z|ze|od|do|u|obok|on|at|in|w)$/u;
const STOP = new Set(['na', 'przy', 'z', 'ze', 'od', 'do', 'u', 'w', 'we', 'i', 'a', 'o', 'jest', 'nie', 'mam', 'czy', 'ul', 'on', 'at', 'in', 'the', 'awaria', 'woda', 'wody', 'brak']);

function findAddresses(original: string, f: string, out: Span[]): void {
  const toks: { w: string; start: number; end: number }[] = [];
  const re = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*\.?/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(f))) toks.push({ w: m[0].replace(/\.$/, ''), start: m.index, end: m.index + m[0].length });
  for (let i = 0; i < toks.length; i++) {
    for (let n = 3; n >= 1; n--) {
      if (i + n > toks.length) continue;
      const words = toks.slice(i, i + n);
      if (STOP.has(words[0].w) || STREET_PREFIX.test(words[0].w) || STOP.has(words[n - 1].w)) continue;
      if (n === 1 && /^\d/.test(words[0].w)) continue;
      if (words.slice(1).some((t) => /^\d/.test(t.w))) continue;
      const raw = words.map((t) => t.w).join(' ');
      const key = streetKey(raw);
      if (key.length < 4) continue;
      const exact = STREET_KEYS.includes(key);
      const snapped = exact ? key : snapStreet(key);
      if (!snapped) continue;
      // what follows: a building number (12, 30a, 12/3, 12 m 3)
      const next = toks[i + n];
      let building: string | undefined;
      let end = words[n - 1].end;
      if (next && /^\d{1,4}[a-z]?$/u.test(next.w) && next.start - end <= 2) {
        building = next.w;
        end = next.end;
        const rest = /^[a-z]?\s*\/\s*\d{1,4}/u.exec(f.slice(end));
        if (rest) end += rest[0].length;
      }
      const prev = toks[i - 1]?.w ?? '';
      const prev2 = toks[i - 2]?.w ?? '';
      const introduced = STREET_PREFIX.test(prev) || ADDR_PREP.test(prev) || (STREET_PREFIX.test(prev2) && /^\d+$/u.test(prev));
      const capitalised = /^\p{Lu}/u.test(original.slice(words[0].start, words[0].end)) || /^\d/.test(words[0].w);
      if (!exact && !building && !STREET_PREFIX.test(prev)) continue;
      if (exact && !building && !introduced && !capitalised) continue;
      let start = words[0].start;
      if (STREET_PREFIX.test(prev)) start = toks[i - 1].start;
      out.push({
        start,
        end,
        prio: building ? 6 : 3,
        entity: { type: 'address', street: KEY_TO_NAME.get(snapped) ?? raw, streetKey: snapped, ...(building ? { building } : {}), text: '' },
      });
      i += n - 1;
      break;
    }
  }
}

// ---------------------------------------------------------------- the rest
const READING_CONTEXT = /(?:stan|odczyt|licznik|wodomierz|wodomiez|wodomiesz|lcznik|podlicznik|pokazuje|pokazywal|meter|reading|показ|лічильник|лiчильник|водомір|водомiр|m3|m³|kubik)/u;
const NOT_WATER = /(?:prad|pradu|gaz|gazu|gazomierz|kwh|electric|gas|газ|світл|электр)/u;

export function extractEntities(text: string, language: Lang, today: Date = new Date()): NluEntity[] {
  void language;
  const f = foldSameLength(text);
  const spans: Span[] = [];
  let m: RegExpExecArray | null;

  const caseRe = new RegExp(`${NB}kw\\s*[-/ ]?\\s*(\\d{4})\\s*[-/ ]?\\s*(\\d{6})${NA}`, 'gu');
  while ((m = caseRe.exec(f))) spans.push({ start: m.index, end: m.index + m[0].length, prio: 10, entity: { type: 'caseNumber', value: `KW-${m[1]}-${m[2]}`, text: '' } });

  const invRe = new RegExp(`${NB}fv\\s*[/ -]\\s*(\\d{4})\\s*[/ -]\\s*(\\d{1,2})\\s*[/ -]\\s*(\\d{1,8})${NA}`, 'gu');
  while ((m = invRe.exec(f))) spans.push({ start: m.index, end: m.index + m[0].length, prio: 10, entity: { type: 'invoiceNumber', value: `FV/${m[1]}/${pad(Number(m[2]))}/${m[3]}`, text: '' } });

  const codeRe = new RegExp(`${NB}(${LC}{4})[- ]?(${LC}{4})${NA}`, 'giu');
  while ((m = codeRe.exec(text))) {
    const code = (m[1] + m[2]).toUpperCase();
    if (!/\d/.test(code) || !/[A-Z]/.test(code) || /^\d+M3$/.test(code)) continue;
    if (/^\d{4}$/.test(m[1]) && /^\d/.test(m[2])) continue;
    spans.push({ start: m.index, end: m.index + m[0].length, prio: 9, entity: { type: 'linkCode', value: `${code.slice(0, 4)}-${code.slice(4)}`, text: '' } });
  }

  const NUM = '(\\d{1,3}(?:[ \\u00a0]\\d{3})+|\\d+)(?:[.,](\\d{1,3}))?';
  const moneyRe = new RegExp(`${NB}${NUM}\\s*(zl|pln|zlotych|zlote|zloty|zloti|złotych|grn|uah|грн|злот\\p{L}*)${NA}`, 'gu');
  while ((m = moneyRe.exec(f))) {
    const whole = Number(m[1].replace(/[\s\u00a0]/g, ''));
    const frac = m[2] ? Number(m[2].padEnd(2, '0').slice(0, 2)) : 0;
    spans.push({ start: m.index, end: m.index + m[0].length, prio: 8, entity: { type: 'money', grosze: whole * 100 + frac, text: '' } });
  }

  const custRe = /(?:(?:nr|numer|numeru|number|no\.?|номер)\s*(?:klienta|odbiorcy|customer|клієнта|клiєнта|абонента)|(?:klient|customer|клієнт)\s*(?:nr|numer|number|no\.?|номер)|customer\s*(?:id|#))\s*(?:is|to|jest|это|це)?\s*[:.#]?\s*(\d{6})(?!\d)/gu;
  while ((m = custRe.exec(f))) {
    const s = m.index + m[0].length - 6;
    spans.push({ start: s, end: s + 6, prio: 8, entity: { type: 'customerNumber', value: m[1], text: '' } });
  }

  findPeriods(f, today, spans);
  findAddresses(text, f, spans);

  // meter values: with a unit, in a reading context, or a bare number on its own
  const bare = /^\s*(?:(?:odczyt|stan|reading|показання|показники)\s*[:=-]?\s*)?[\d\s.,]+\s*(?:m3|m³|m\^3|м3|м³)?\s*$/u.test(f);
  const readingCtx = READING_CONTEXT.test(f) && !NOT_WATER.test(f);
  const meterRe = new RegExp(`${NB}${NUM}(?:\\s*(m3|m³|m\\^3|м3|м³|metr\\p{L}*\\s+szesc\\p{L}*|kubik\\p{L}*|cubic\\s+met\\p{L}*))?${NA}`, 'gu');
  // hours ("na wtorek 8-12", "w godz. 8–15") are not readings
  const hours: [number, number][] = [];
  for (const h of f.matchAll(new RegExp(`${NB}([01]?\\d|2[0-4])(?::00)?\\s*[-–]\\s*([01]?\\d|2[0-4])(?::00)?${NA}`, 'gu'))) hours.push([h.index, h.index + h[0].length]);
  while ((m = meterRe.exec(f))) {
    const unit = Boolean(m[3]);
    if (!unit && !bare && !readingCtx) continue;
    const at = m.index;
    if (!unit && hours.some(([a, b]) => at >= a && at < b)) continue;
    const value = parseNumber(m[1] + (m[2] ? '.' + m[2] : ''));
    if (!Number.isFinite(value) || value > 999999) continue;
    spans.push({ start: m.index, end: m.index + m[0].length, prio: unit ? 7 : bare ? 6 : 2, entity: { type: 'meterValue', litres: Math.round(value * 1000), text: '' } });
  }

  // resolve overlaps: higher priority first, then longer spans; bare numbers may be both a year and a reading
  spans.sort((a, b) => b.prio - a.prio || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Span[] = [];
  for (const s of spans) {
    const clash = kept.some((k) => s.start < k.end && k.start < s.end && !(bare && k.entity.type !== s.entity.type && (k.entity.type === 'period' || s.entity.type === 'period') && (k.entity.type === 'meterValue' || s.entity.type === 'meterValue')));
    if (!clash) kept.push(s);
  }
  kept.sort((a, b) => a.start - b.start);
  return kept.map((s) => ({ ...s.entity, text: text.slice(s.start, s.end).trim() }));
}
