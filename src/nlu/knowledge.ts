/**
 * Knowledge kept as data in locales/<lang>/nlu/: the colloquial/Silesian lexicon (lexicon.json)
 * and the domain lexicon (domain.json: the words that make a message the water utility's, and
 * those of other providers and services). Both are folded once at load time and embedded in the
 * trained model, so training and recognition see exactly the same normalisation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deepFold, tokenize } from './text';
import type { Lang } from './types';

export interface KnowledgeJson {
  /** folded word or phrase → its standard form ('' drops it) */
  words: Record<string, string>;
  /** word ending → standard ending, for words of ≥ 6 letters */
  suffixes: Record<string, string>;
  /** word beginning → a whole standard word (e.g. Polish words inside Ukrainian text: faktur… → рахунок) */
  prefixes: Record<string, string>;
  utility: string[];
  other: Record<string, string[]>;
  /** request cues (cues.json): words that turn a request around or say what kind it is (stop, start, status, arrival…) */
  cues?: Record<string, string[]>;
  /** sentences without a request (fillers.json), put around some training examples; not kept in the model */
  fillers?: { before: string[]; after: string[]; other?: string[] };
}

const EMPTY: KnowledgeJson = { words: {}, suffixes: {}, prefixes: {}, utility: [], other: {} };

/** Reads lexicon.json and domain.json of one language (missing files: empty knowledge). */
export function loadKnowledge(root: string, lang: Lang): KnowledgeJson {
  const dir = join(root, 'locales', lang, 'nlu');
  const read = (name: string): Record<string, unknown> => {
    const f = join(dir, name);
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>) : {};
  };
  const lex = read('lexicon.json');
  const dom = read('domain.json');
  const f = (s: string): string => deepFold(s).replace(/'/g, '');
  const words: Record<string, string> = {};
  for (const [k, v] of Object.entries((lex.words as Record<string, string> | undefined) ?? {})) words[f(k)] = f(v);
  const suffixes: Record<string, string> = {};
  for (const [k, v] of Object.entries((lex.suffixes as Record<string, string> | undefined) ?? {})) suffixes[f(k)] = f(v);
  const prefixes: Record<string, string> = {};
  for (const [k, v] of Object.entries((lex.prefixes as Record<string, string> | undefined) ?? {})) prefixes[f(k)] = f(v);
  const other: Record<string, string[]> = {};
  for (const [k, v] of Object.entries((dom.other as Record<string, string[]> | undefined) ?? {})) other[k] = v.map(f);
  const cues: Record<string, string[]> = {};
  for (const [k, v] of Object.entries((read('cues.json').cues as Record<string, string[]> | undefined) ?? {})) cues[k] = v.map(f);
  const fil = read('fillers.json') as { before?: string[]; after?: string[]; other?: string[] };
  const fillers = { before: fil.before ?? [], after: fil.after ?? [], other: fil.other ?? [] };
  return { ...EMPTY, words, suffixes, prefixes, utility: ((dom.utility as string[] | undefined) ?? []).map(f), other, cues, fillers };
}

/** Matches folded tokens against word prefixes (≤ 3 letters or ending in '$': the whole word) and phrases. */
class PrefixSet {
  private readonly exact = new Set<string>();
  private readonly prefixes = new Set<string>();
  private readonly phrases: string[] = [];
  private minLen = Infinity;
  private maxLen = 0;

  constructor(entries: string[]) {
    for (const e of entries) {
      if (e.includes(' ')) this.phrases.push(e.endsWith('$') ? e.slice(0, -1) + ' ' : e);
      else if (e.endsWith('$')) this.exact.add(e.slice(0, -1));
      else if (e.length <= 3) this.exact.add(e);
      else {
        this.prefixes.add(e);
        this.minLen = Math.min(this.minLen, e.length);
        this.maxLen = Math.max(this.maxLen, e.length);
      }
    }
  }

  count(tokens: string[], joined: string): number {
    let n = 0;
    for (const t of tokens) {
      if (this.exact.has(t)) {
        n++;
        continue;
      }
      for (let l = this.minLen; l <= Math.min(this.maxLen, t.length); l++) {
        if (this.prefixes.has(t.slice(0, l))) {
          n++;
          break;
        }
      }
    }
    for (const p of this.phrases) if (joined.includes(' ' + p)) n++;
    return n;
  }

  /** Whether one token is an entry (a whole word or a prefix; phrases aside). */
  has(token: string): boolean {
    return this.count([token], '') > 0;
  }

  /** `joined` without this set's phrases (so "hot water" does not also count as "water"). */
  strip(joined: string): string {
    let s = joined;
    for (const p of this.phrases) s = s.split(' ' + p).join(' ');
    return s;
  }
}

export class Knowledge {
  private readonly words: Map<string, string>;
  private readonly phrases: [RegExp, string][] = [];
  private readonly suffixes: [string, string][];
  private readonly prefixes: [string, string][];
  private readonly utility: PrefixSet;
  private readonly other: [string, PrefixSet][];
  private readonly cues: [string, PrefixSet][];

  constructor(readonly json: KnowledgeJson = EMPTY) {
    this.words = new Map(Object.entries(json.words).filter(([k]) => !k.includes(' ')));
    for (const [k, v] of Object.entries(json.words)) {
      if (k.includes(' ')) this.phrases.push([new RegExp(`(?<![\\p{L}\\p{N}])${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu'), v]);
    }
    this.suffixes = Object.entries(json.suffixes).sort((a, b) => b[0].length - a[0].length);
    this.prefixes = Object.entries(json.prefixes ?? {}).sort((a, b) => b[0].length - a[0].length);
    this.utility = new PrefixSet(json.utility);
    this.other = Object.entries(json.other).map(([k, v]) => [k, new PrefixSet(v)]);
    this.cues = Object.entries(json.cues ?? {}).map(([k, v]) => [k, new PrefixSet(v)]);
  }

  /** Whether a token is a word of the domain lexicon (the utility's or another provider's): never "corrected" to another word. */
  protects(token: string): boolean {
    return this.utility.has(token) || this.other.some(([, set]) => set.has(token));
  }

  /** Request cues (cues.json) present in the tokens: 'k:stop', 'k:status'… */
  cueFeatures(tokens: string[]): string[] {
    if (this.cues.length === 0) return [];
    const words = tokens.filter((t) => !t.startsWith('zz'));
    const joined = ' ' + words.join(' ') + ' ';
    const found = this.cues.filter(([, set]) => set.count(words, joined) > 0).map(([name]) => 'k:' + name);
    // a stop cue turns the request around: "cancel my subscription" starts nothing
    return found.includes('k:stop') ? found.filter((c) => c !== 'k:start') : found;
  }

  /** Standard forms for colloquial/Silesian words and phrases in already folded text. */
  normalize(folded: string): string {
    let s = folded;
    for (const [re, v] of this.phrases) s = s.replace(re, v);
    if (this.words.size === 0 && this.suffixes.length === 0 && this.prefixes.length === 0) return s;
    return s.replace(/[a-z\u0400-\u04ff'-]+/g, (w) => {
      const hit = this.words.get(w);
      if (hit !== undefined) return hit;
      for (const [from, to] of this.prefixes) if (w.startsWith(from)) return to;
      if (w.length >= 6) for (const [from, to] of this.suffixes) if (w.endsWith(from)) return w.slice(0, -from.length) + to;
      return w;
    });
  }

  /** Domain features: is this the utility's vocabulary, another provider's, or both? */
  domainFeatures(tokens: string[]): string[] {
    const words = tokens.filter((t) => !t.startsWith('zz'));
    const joined = ' ' + words.join(' ') + ' ';
    const out: string[] = [];
    let o = 0;
    let rest = joined;
    for (const [name, set] of this.other) {
      if (set.count(words, joined) > 0) {
        out.push('d:o:' + name);
        o++;
        rest = set.strip(rest);
      }
    }
    const restWords = rest.split(' ').filter(Boolean);
    const u = this.utility.count(restWords, ' ' + restWords.join(' ') + ' ');
    if (u > 0) out.push('d:u');
    if (u > 1) out.push('d:u2');
    if (o > 0) out.push(u > 0 ? 'd:uo' : 'd:o');
    if (o === 0 && u === 0) out.push('d:none');
    return out;
  }
}

/** Tokenised, lexicon-normalised folded text (used by features and by tests). */
export function normalizedTokens(k: Knowledge, text: string): string[] {
  return tokenize(k.normalize(deepFold(text)));
}
