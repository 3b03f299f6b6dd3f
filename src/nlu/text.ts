/**
 * Text normalisation shared by the classifier, the language detector and the entity extractor.
 * Everything here is deterministic and allocation-light: `recognize` must stay well under 5 ms.
 */

/** Lower case and strip diacritics one character at a time, so indices still match the input. */
export function foldSameLength(text: string): string {
  let out = '';
  for (const ch of text) {
    let c = ch.toLowerCase();
    if (c === 'ł') c = 'l';
    else if (c === 'ё') c = 'е';
    else {
      const d = c.normalize('NFD');
      if (d.length > 1) c = d[0];
    }
    // keep one UTF-16 unit per input unit so offsets line up
    out += c.length === ch.length ? c : ch;
  }
  return out;
}

/** Lower case, no diacritics (ł → l, й → и, ї → і), single spaces. */
export function fold(text: string): string {
  return foldSameLength(text).replace(/\s+/g, ' ').trim();
}

const CYRILLIC = /[\u0400-\u04ff]/;

/** Cyrillic letters a Russian keyboard or a hurried writer swaps (і/и, є/е, ґ/г, ы/и, э/е, ъ/ь). */
const CYR_DEEP: Record<string, string> = { і: 'и', є: 'е', ґ: 'г', ы: 'и', э: 'е', ъ: 'ь' };
/** Latin letters that look like Cyrillic ones, typed inside a Cyrillic word ("скiльки"). */
const HOMOGLYPH: Record<string, string> = { a: 'а', c: 'с', e: 'е', i: 'и', o: 'о', p: 'р', x: 'х', y: 'у', k: 'к' };

/**
 * `fold` plus, inside Cyrillic words, Latin look-alikes → Cyrillic and the letters Ukrainians
 * typing on a Russian layout replace → one form. For the classifiers only (entities keep `fold`).
 */
export function deepFold(text: string): string {
  return fold(text).replace(/[a-z\u0400-\u04ff']+/g, (w) => {
    if (!CYRILLIC.test(w)) return w;
    let out = '';
    for (const ch of w) out += HOMOGLYPH[ch] ?? CYR_DEEP[ch] ?? ch;
    return out;
  });
}

export function isCyrillic(word: string): boolean {
  return CYRILLIC.test(word);
}

/** Splits folded text into word tokens (letters/digits, Latin or Cyrillic). */
export function tokenize(folded: string): string[] {
  return folded.match(/[a-z0-9\u0400-\u04ff']+/g)?.map((t) => t.replace(/'/g, '')).filter(Boolean) ?? [];
}

const PL_SUFFIXES = [
  'owaniami', 'owaniach', 'owania', 'owanie', 'owaniu', 'ujemy', 'ujecie', 'owalem', 'owalam', 'owali',
  'liscie', 'lismy', 'lysmy', 'ilem', 'ilam', 'alem', 'alam', 'elem', 'elam', 'iliscie',
  'ami', 'ach', 'ego', 'emu', 'ymi', 'imi', 'ych', 'ich', 'iej', 'owi', 'owa', 'owe', 'owy', 'ow', 'om',
  'esz', 'emy', 'ecie', 'cie', 'uje', 'ujesz', 'ac', 'ic', 'yc', 'ec', 'ej', 'em', 'ie', 'ia', 'iu', 'ii',
  'y', 'i', 'a', 'e', 'u', 'o', 'c',
];
const EN_SUFFIXES = ['ations', 'ation', 'ings', 'ing', 'ied', 'ies', 'ed', 'es', 's', 'ly'];
const UK_SUFFIXES = [
  'ами', 'ями', 'ого', 'ому', 'ими', 'іми', 'ах', 'ях', 'ів', 'ий', 'ій', 'ої', 'ою', 'ею', 'ом', 'ем',
  'ти', 'ть', 'ся', 'сь', 'ння', 'ні', 'ні', 'ну', 'а', 'я', 'у', 'ю', 'і', 'и', 'о', 'е', 'ь',
];

/**
 * A light stemmer: strips the longest known inflectional ending (keeping a stem of at least
 * 3 letters) and cuts to 6 letters. Crude on purpose — for Polish and Ukrainian, prefix
 * stems of this length conflate most of a word's case and person forms.
 */
export function stem(word: string, lang: 'pl' | 'en' | 'uk'): string {
  if (word.length <= 3 || /\d/.test(word) || word.startsWith('zz')) return word;
  const suffixes = lang === 'en' ? EN_SUFFIXES : isCyrillic(word) ? UK_SUFFIXES : PL_SUFFIXES;
  let w = word;
  for (let pass = 0; pass < 2; pass++) {
    let changed = false;
    for (const s of suffixes) {
      if (w.length - s.length >= 4 && w.endsWith(s)) {
        w = w.slice(0, -s.length);
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  return w.length > 6 ? w.slice(0, 6) : w;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), bounded. */
export function osaDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  let prev2 = new Array<number>(lb + 1).fill(0);
  let prev = new Array<number>(lb + 1);
  let cur = new Array<number>(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= lb; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb];
}

/**
 * Snaps out-of-vocabulary tokens to the closest known word (typo tolerance NLP.js lacks).
 * Distance budget: 1 for words of 4–6 letters, 2 for longer ones; ties go to the more frequent word.
 */
export class Speller {
  private readonly byLength = new Map<string, string[]>();
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly freq: Map<string, number>) {
    for (const w of freq.keys()) {
      // two buckets per word: same length and first letter, same length and second letter
      for (const k of [`${w.length}:0${w[0]}`, `${w.length}:1${w[1] ?? ''}`]) {
        const list = this.byLength.get(k) ?? [];
        list.push(w);
        this.byLength.set(k, list);
      }
    }
  }

  has(word: string): boolean {
    return this.freq.has(word);
  }

  /** The known word closest to `word`, or null when nothing is close enough. */
  correct(word: string): string | null {
    if (this.freq.has(word)) return word;
    if (word.length < 4 || /\d/.test(word)) return null;
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit;
    const max = word.length <= 6 ? 1 : 2;
    let best: string | null = null;
    let bestD = max + 1;
    let bestF = 0;
    for (let len = word.length - max; len <= word.length + max; len++) {
      const a = this.byLength.get(`${len}:0${word[0]}`) ?? [];
      const b = this.byLength.get(`${len}:1${word[1]}`) ?? [];
      for (const cand of a.length || b.length ? a.concat(b) : a) {
        const d = osaDistance(word, cand, Math.min(max, bestD));
        const f = this.freq.get(cand) ?? 0;
        if (d < bestD || (d === bestD && d <= max && f > bestF)) {
          best = cand;
          bestD = d;
          bestF = f;
        }
      }
    }
    const result = bestD <= max ? best : null;
    if (this.cache.size > 20000) this.cache.clear();
    this.cache.set(word, result);
    return result;
  }
}

/**
 * Ukrainian typed in Latin letters ("skilky ya vynen za vodu", "nemaye vody") → Cyrillic, so the
 * Ukrainian model reads it. Covers the national romanisation and the informal ones (kh/h, shch/sch,
 * ya/ia, yu/iu, ye/ie, yi/ji, y/i/j); the result is folded like `deepFold` folds Cyrillic (і/ї/й → и,
 * є → е), so the spelling variants meet. Tokens that are codes or units stay Latin.
 */
const UK_LATIN_KEEP = new Set(['kw', 'fv', 'zl', 'pln', 'grn', 'hrn', 'uah', 'ibok', 'blik', 'sms', 'email', 'mail', 'e', 'pdf', 'www', 'http', 'https', 'iban', 'qr', 'pin', 'id']);
const UK_LATIN_MULTI: [string, string][] = [
  ['shch', 'щ'], ['sch', 'щ'], ['zh', 'ж'], ['kh', 'х'], ['ch', 'ч'], ['sh', 'ш'], ['ts', 'ц'], ['tz', 'ц'],
  ['ya', 'я'], ['ja', 'я'], ['ia', 'я'], ['yu', 'ю'], ['ju', 'ю'], ['iu', 'ю'], ['ye', 'е'], ['je', 'е'], ['ie', 'е'],
  ['yi', 'и'], ['ji', 'и'], ['yo', 'йо'], ['jo', 'йо'], ['iy', 'ий'], ['yy', 'ий'],
];
const UK_LATIN_ONE: Record<string, string> = {
  a: 'а', b: 'б', c: 'ц', d: 'д', e: 'е', f: 'ф', g: 'г', h: 'г', i: 'и', j: 'и', k: 'к', l: 'л', m: 'м', n: 'н', o: 'о',
  p: 'п', q: 'к', r: 'р', s: 'с', t: 'т', u: 'у', v: 'в', w: 'в', x: 'кс', y: 'и', z: 'з', "'": 'ь',
};

/** Ukrainian in Polish letters ("szczo", "choczu", "rachunok"): sz/cz/rz, and ch is х. */
const UK_POLISH_MULTI: [string, string][] = [['szcz', 'щ'], ['sz', 'ш'], ['cz', 'ч'], ['rz', 'ж'], ['ch', 'х']];

export function translitUkLatin(folded: string): string {
  const polishStyle = /sz|cz|rz/.test(folded) && !/kh|zh|sh/.test(folded);
  const multis = polishStyle ? [...UK_POLISH_MULTI, ...UK_LATIN_MULTI] : UK_LATIN_MULTI;
  return folded.replace(/(?<![\p{L}\p{N}])[a-z']+(?![\p{L}\p{N}])/gu, (w) => {
    if (UK_LATIN_KEEP.has(w) || w.startsWith('zz')) return w;
    // "-yi"/"-yy" at the end is the adjective ending -ий (folded "ии"), not ї
    const end = /(?<=.)(?:yi|yy|yj)$/.test(w) ? 'ии' : '';
    if (end) w = w.slice(0, -2);
    let out = '';
    for (let i = 0; i < w.length; ) {
      const multi = multis.find(([from]) => w.startsWith(from, i));
      if (multi) {
        out += multi[1];
        i += multi[0].length;
      } else {
        out += UK_LATIN_ONE[w[i]] ?? '';
        i++;
      }
    }
    // an apostrophe before a vowel is the Ukrainian apostrophe, not a soft sign
    return out.replace(/ь(?=[аеиоуяю])/g, '') + end;
  });
}

/** Whether folded text is written mostly in Latin letters (the Ukrainian-in-Latin case). */
export function mostlyLatin(text: string): boolean {
  const cyr = (text.match(/[\u0400-\u04ff]/g) ?? []).length;
  const lat = (text.match(/[a-z]/gi) ?? []).length;
  return lat > cyr;
}
