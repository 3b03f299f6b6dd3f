/**
 * Turns a message into classifier features. The same function runs at training time and at
 * recognition time, so the two can never drift apart.
 */
import type { Knowledge } from './knowledge';
import { morphStem } from './morph';
import { Speller, deepFold, stem, tokenize } from './text';
import type { Lang } from './types';

const LINK = /(?<![\p{L}\p{N}])(?=[a-z2-9-]*\d)(?=[a-z2-9-]*[a-z])[a-hj-np-z2-9]{4}-?[a-hj-np-z2-9]{4}(?![\p{L}\p{N}])/gu;

/** Replaces numbers, codes and amounts with placeholder words (zz…), so they generalise. */
export function placeholders(folded: string): string {
  return folded
    .replace(/(?<![\p{L}\p{N}])kw\s*[-/ ]?\s*\d{4}\s*[-/ ]?\s*\d{6}(?!\d)/gu, ' zzcase ')
    .replace(/(?<![\p{L}\p{N}])fv\s*[/ -]\s*\d{4}\s*[/ -]\s*\d{1,2}\s*[/ -]\s*\d{1,8}/gu, ' zzinvoice ')
    .replace(/\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{2}-\d{2}/g, ' zzdate ')
    .replace(/(?<![\p{L}\p{N}])(?:19|20)\d{2}(?!\d|[.,]\d|\s*(?:m3|m³|м3))/gu, ' zzyear ')
    .replace(LINK, ' zzcode ')
    .replace(/\d[\d\s.,]*\s*(?:zl|pln|zlotych|zlote|zloty|grn|грн)(?![\p{L}])/gu, ' zzmoney ')
    .replace(/\d[\d\s.,]*\s*(?:m3|m³|m\^3|м3|м³|kubik\p{L}*)(?![\p{L}])/gu, ' zznum zzunit ')
    .replace(/\d{1,3}(?:\s\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?/g, (m) => (/^\d{6}$/.test(m) ? ' zznum6 ' : ' zznum '));
}

/** Polish street names are adjectives (Gliwicka, Chorzowskiej, Mikołowskiego): -ska/-cka/-dzka and their cases. */
const PL_STREET_ADJECTIVE = /^[a-z]{3,}(?:sk|ck|dzk)(?:a|iej|iego|ie|im)$/;

export interface Prepared {
  tokens: string[]; // folded surface tokens after lexicon normalisation and typo correction
  stems: string[];
  morph: string[]; // NLP.js's real stemmer (StemmerPl / StemmerUk / Porter) of the same tokens
  domain: string[]; // domain features (knowledge.ts)
  cues: string[]; // request cues (knowledge.ts, cues.json)
  unknown: number; // tokens (≥3 letters) not in the vocabulary even after correction
  content: number; // tokens considered for the unknown ratio
}

export function prepare(text: string, lang: Lang, speller?: Speller, knowledge?: Knowledge): Prepared {
  const folded = placeholders(deepFold(text));
  const raw = tokenize(knowledge ? knowledge.normalize(folded) : folded);
  const tokens: string[] = [];
  let unknown = 0;
  let content = 0;
  for (const t of raw) {
    let w = t;
    if (speller && !t.startsWith('zz') && !/\d/.test(t)) {
      if (t.length >= 3) content++;
      // words the domain lexicon knows ("kanal") and Polish street adjectives ("chorzowska") are real
      // words, not typos of the corpus's ("kawal", "chorzowa")
      if (!speller.has(t) && (knowledge?.protects(t) || (lang === 'pl' && PL_STREET_ADJECTIVE.test(t)))) {
        tokens.push(w);
        continue;
      }
      const c = speller.correct(t);
      if (c) w = c;
      else if (t.length >= 3) unknown++;
    }
    tokens.push(w);
  }
  return {
    tokens,
    stems: tokens.map((t) => stem(t, lang)),
    morph: tokens.map((t) => morphStem(t, lang)),
    domain: knowledge ? knowledge.domainFeatures(tokens) : [],
    cues: knowledge ? knowledge.cueFeatures(tokens) : [],
    unknown,
    content,
  };
}

/** Sparse features for the linear model: stems, stem bigrams and character 3–5-grams. */
export function linearFeatures(p: Prepared, rawFolded: string): Map<string, number> {
  const f = new Map<string, number>();
  const inc = (k: string, v = 1): void => {
    f.set(k, (f.get(k) ?? 0) + v);
  };
  for (const s of p.stems) inc('w:' + s);
  for (const s of p.morph) inc('m:' + s, 0.5);
  for (const d of p.domain) inc(d);
  for (const c of p.cues) inc(c);
  for (let i = 0; i + 1 < p.stems.length; i++) inc('b:' + p.stems[i] + '_' + p.stems[i + 1]);
  for (const t of tokenize(rawFolded).concat(p.tokens)) {
    if (t.startsWith('zz') || /\d/.test(t)) continue;
    const s = ` ${t} `;
    for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= s.length; i++) inc('c:' + s.slice(i, i + n), 0.5);
  }
  if (p.stems.length === 0) inc('empty');
  return f;
}

/** Features for NLP.js's neural network: the set of stems. */
export function neuralFeatures(p: Prepared): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of p.stems) out[s] = 1;
  for (const d of p.domain) out[d] = 1;
  for (const c of p.cues) out[c] = 1;
  return out;
}
