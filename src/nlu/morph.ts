/**
 * Real morphology from NLP.js's stemmers (rule-based, installed with node-nlp): StemmerPl for
 * Polish, StemmerUk for Ukrainian, Porter for English. Required file by file: the packages'
 * indexes pull in tokenizers and sentiment data we do not need (start-up time).
 */
import StemmerEn from '@nlpjs/lang-en-min/src/stemmer-en';
import StemmerPl from '@nlpjs/lang-pl/src/stemmer-pl';
import StemmerUk from '@nlpjs/lang-uk/src/stemmer-uk';
import type { Lang } from './types';

interface NlpJsStemmer {
  stemWord(word: string): string;
}
type StemmerCtor = new () => NlpJsStemmer;

const STEMMERS: Record<Lang, NlpJsStemmer> = {
  pl: new (StemmerPl as StemmerCtor)(),
  uk: new (StemmerUk as StemmerCtor)(),
  en: new (StemmerEn as StemmerCtor)(),
};

/** The stem of one folded token; placeholders and numbers are kept as they are. */
export function morphStem(word: string, lang: Lang): string {
  if (word.length <= 3 || word.startsWith('zz') || /\d/.test(word)) return word;
  const s = STEMMERS[lang].stemWord(word);
  return typeof s === 'string' && s ? s : word;
}
