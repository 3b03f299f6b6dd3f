/**
 * Which language a message in Latin letters is: Polish, English, or Ukrainian typed in Latin
 * letters. A character n-gram naive Bayes model trained at build time on the corpora — the
 * Ukrainian corpus romanised in the ways people type it (the national system, the informal one,
 * Polish-style letters) — so it knows Ukrainian words the word list in lang.ts has never seen
 * ("prorvalo trubu v pidvali"). lang.ts asks it only about Latin text its own cues leave open.
 */
import { fold } from './text';

export type LatinLang = 'pl' | 'en' | 'uk';
const CLASSES: LatinLang[] = ['pl', 'en', 'uk'];
const MAX_N = 3;
/** n-grams seen fewer times than this in a class are dropped from the stored model */
const MIN_COUNT = 2;

export interface LatinLangIdJson {
  counts: Record<LatinLang, [string, number][]>;
}

/** Letter n-grams (1..3) of the words (without digits) of folded Latin text, each word padded with spaces. */
export function latinGrams(text: string): string[] {
  const out: string[] = [];
  // words with digits are codes and numbers ("K7PM-4QX9", "m3"): they say nothing about the language
  for (const w of fold(text).split(/[^a-z0-9']+/)) {
    if (!w || /\d/.test(w)) continue;
    const s = ` ${w.replace(/'/g, '')} `;
    for (let n = 1; n <= MAX_N; n++) for (let i = 0; i + n <= s.length; i++) if (s.slice(i, i + n).trim()) out.push(s.slice(i, i + n));
  }
  return out;
}

const START = new Set(['', ' ', '-', "'"]);
/** Cyrillic → Latin, one table per way of typing it (after the first letter of a word some letters change). */
const SCHEMES: { base: Record<string, string>; initial?: Record<string, string> }[] = [
  // the national romanisation (2010)
  {
    base: { а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ie', ж: 'zh', з: 'z', и: 'y', і: 'i', ї: 'i', й: 'i', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ь: '', ю: 'iu', я: 'ia', ы: 'y', э: 'e', ё: 'io', ъ: '' },
    initial: { є: 'ye', ї: 'yi', й: 'y', ю: 'yu', я: 'ya' },
  },
  // informal: ya/yu/ye/yi, h for х
  { base: { а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ye', ж: 'zh', з: 'z', и: 'y', і: 'i', ї: 'yi', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', ш: 'sh', щ: 'sch', ь: '', ю: 'yu', я: 'ya', ы: 'y', э: 'e', ё: 'yo', ъ: '' } },
  // Polish-style letters
  { base: { а: 'a', б: 'b', в: 'w', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'je', ж: 'z', з: 'z', и: 'y', і: 'i', ї: 'ji', й: 'j', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'ch', ц: 'c', ч: 'cz', ш: 'sz', щ: 'szcz', ь: '', ю: 'ju', я: 'ja', ы: 'y', э: 'e', ё: 'jo', ъ: '' } },
];

/** Ukrainian text as someone without a Cyrillic keyboard types it; Latin parts (Polish words) stay. */
export function romanizeUk(text: string, scheme: number): string {
  const { base, initial } = SCHEMES[scheme % SCHEMES.length];
  const lower = text.toLowerCase();
  let out = '';
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i];
    const first = START.has(i === 0 ? '' : lower[i - 1]) || !/[\u0400-\u04ff]/.test(lower[i - 1]);
    const t = (first ? initial?.[ch] : undefined) ?? base[ch];
    out += t ?? (ch === 'ʼ' || ch === '’' ? "'" : ch);
  }
  return out;
}

export class LatinLangId {
  private readonly logp: Record<LatinLang, Map<string, number>>;
  private readonly unseen: Record<LatinLang, number>;

  constructor(readonly json: LatinLangIdJson) {
    this.logp = { pl: new Map(), en: new Map(), uk: new Map() };
    this.unseen = { pl: 0, en: 0, uk: 0 };
    const vocab = new Set<string>();
    for (const c of CLASSES) for (const [g] of json.counts[c]) vocab.add(g);
    for (const c of CLASSES) {
      const total = json.counts[c].reduce((s, [, n]) => s + n, 0);
      const denom = total + 0.5 * (vocab.size + 1);
      for (const [g, n] of json.counts[c]) this.logp[c].set(g, Math.log((n + 0.5) / denom));
      this.unseen[c] = Math.log(0.5 / denom);
    }
  }

  static train(texts: { lang: LatinLang; text: string }[]): LatinLangId {
    const counts: Record<LatinLang, Map<string, number>> = { pl: new Map(), en: new Map(), uk: new Map() };
    for (const { lang, text } of texts) for (const g of latinGrams(text)) counts[lang].set(g, (counts[lang].get(g) ?? 0) + 1);
    const json = { counts: {} as Record<LatinLang, [string, number][]> };
    for (const c of CLASSES) json.counts[c] = [...counts[c].entries()].filter(([, n]) => n >= MIN_COUNT).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return new LatinLangId(json);
  }

  /** Mean log-likelihood per n-gram of each language (higher is likelier); null without Latin letters. */
  score(text: string): Record<LatinLang, number> | null {
    const grams = latinGrams(text);
    if (grams.length === 0) return null;
    const s: Record<LatinLang, number> = { pl: 0, en: 0, uk: 0 };
    for (const g of grams) for (const c of CLASSES) s[c] += this.logp[c].get(g) ?? this.unseen[c];
    for (const c of CLASSES) s[c] /= grams.length;
    return s;
  }
}
