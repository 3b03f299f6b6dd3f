/**
 * The knowledge base: answers to questions that are not tasks ("czy mogę zapłacić gotówką?",
 * "co z nadpłatą?"), kept as data the operator edits — texts in `locales/<lang>/knowledge.json`
 * (example questions and the answer), and in `locales/knowledge.json` what does not depend on the
 * language (where the answer comes from, whether it is someone else's matter, the task offered
 * after it). Found by BM25 over the NLU's own folding and stemming, with typos snapped to the
 * index's vocabulary, so "odsetki za zwloke" finds "odsetek za zwłokę".
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fold, osaDistance, stem, tokenize } from '../src/nlu/text';
import type { Locale } from '../src/i18n/i18n';

export interface KnowledgeEntry {
  id: string;
  /** `answer`: the company's answer; `notOurs`: someone else handles it (named in the answer). */
  kind: 'answer' | 'notOurs';
  /** A task offered after the answer (its intent). */
  offer?: string;
  source: string;
  /** A task that shows the customer's own figures when the question is about their own account ("mam jakąś nadpłatę?" → the balance too). */
  check?: string;
  /** Folded word stems that name this topic outright ("gotowk", "odset"): they lift the entry above a task. */
  cues?: string[];
}

export interface KnowledgeHit {
  entry: KnowledgeEntry;
  /** BM25 score of the best entry. */
  score: number;
  /** Share of the question's content words that the entry knows (0..1). */
  coverage: number;
  /** The question names the entry's topic outright (one of its cues). */
  cued?: boolean;
}

/** Words that carry no topic (folded). */
const STOP = new Set([
  'a', 'i', 'w', 'we', 'z', 'ze', 'na', 'do', 'od', 'o', 'u', 'po', 'za', 'ze', 'sie', 'to', 'ten', 'ta', 'te', 'jest', 'sa', 'czy', 'jak', 'co', 'mi', 'mnie', 'moj', 'moja',
  'moje', 'mam', 'ma', 'pan', 'pani', 'panstwo', 'prosze', 'dzien', 'dobry', 'witam', 'hej', 'czesc', 'no', 'bo', 'ze', 'tez', 'juz', 'jeszcze', 'tylko', 'jakis', 'jaki', 'jaka', 'jakie',
  'by', 'bym', 'moge', 'mozna', 'chce', 'chcialbym', 'chcialabym', 'ktory', 'ktora', 'ktore', 'tym', 'tego', 'tej', 'tu', 'tutaj', 'jesli', 'gdy', 'kiedy', 'gdzie', 'ile', 'dlaczego', 'czemu',
  'the', 'is', 'are', 'do', 'does', 'i', 'my', 'me', 'can', 'how', 'what', 'when', 'where', 'why', 'who', 'of', 'to', 'in', 'on', 'for', 'it', 'a', 'an', 'and', 'or', 'if', 'you', 'your',
  'чи', 'як', 'що', 'де', 'коли', 'я', 'мені', 'мій', 'моя', 'це', 'в', 'у', 'на', 'з', 'до', 'і', 'та', 'а', 'не',
]);

const K1 = 1.2;
const B = 0.75;

interface Doc {
  id: string;
  tf: Map<string, number>;
  len: number;
}

class Index {
  private readonly df = new Map<string, number>();
  private readonly avg: number;

  constructor(private readonly lang: Locale, private readonly docs: Doc[]) {
    for (const d of docs) for (const t of d.tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    this.avg = docs.reduce((s, d) => s + d.len, 0) / Math.max(1, docs.length);
  }

  static terms(text: string, lang: Locale): string[] {
    return tokenize(fold(text)).filter((w) => !STOP.has(w) && (w.length > 1 || /\d/.test(w))).map((w) => stem(w, lang));
  }

  static build(lang: Locale, entries: Array<{ id: string; text: string }>): Index {
    return new Index(lang, entries.map((e) => {
      const tf = new Map<string, number>();
      const terms = Index.terms(e.text, lang);
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      return { id: e.id, tf, len: terms.length };
    }));
  }

  /** A query term as the index knows it: itself, or a known term one typo away. */
  private snap(t: string): string | null {
    if (this.df.has(t)) return t;
    if (t.length < 5) return null;
    let best: string | null = null;
    for (const k of this.df.keys()) if (Math.abs(k.length - t.length) <= 1 && osaDistance(k, t, 1) <= 1) best = best ?? k;
    return best;
  }

  idf(t: string): number {
    const n = this.df.get(t) ?? 0;
    return Math.log(1 + (this.docs.length - n + 0.5) / (n + 0.5));
  }

  search(text: string): { id: string; score: number; coverage: number } | null {
    const raw = Index.terms(text, this.lang);
    if (!raw.length) return null;
    const q = raw.map((t) => this.snap(t));
    let best: { id: string; score: number; coverage: number } | null = null;
    for (const d of this.docs) {
      let score = 0;
      let known = 0;
      for (const t of q) {
        if (!t) continue;
        const f = d.tf.get(t) ?? 0;
        if (!f) continue;
        known++;
        score += this.idf(t) * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.len) / this.avg)));
      }
      const coverage = known / raw.length;
      if (!best || score > best.score) best = { id: d.id, score, coverage };
    }
    return best && best.score > 0 ? best : null;
  }
}

function localesDir(): string {
  for (const rel of ['../locales', '../../locales']) {
    const dir = join(__dirname, rel);
    if (existsSync(join(dir, 'knowledge.json'))) return dir;
  }
  throw new Error('locales/knowledge.json not found');
}

/** Minimum BM25 score and share of known words for an answer to be given. */
export const KB_MIN_SCORE = 3;
export const KB_MIN_COVERAGE = 0.34;

export class KnowledgeBase {
  private readonly indexes = new Map<Locale, Index>();

  private constructor(readonly entries: Map<string, KnowledgeEntry>, texts: Map<Locale, Record<string, { questions: string[]; answer: string }>>) {
    for (const [lang, byId] of texts) {
      this.indexes.set(lang, Index.build(lang, Object.entries(byId).filter(([id]) => entries.has(id)).map(([id, e]) => ({ id, text: e.questions.join('\n') }))));
    }
  }

  /** Reads `locales/knowledge.json` and each language's `knowledge.json`. */
  static load(dir = localesDir()): KnowledgeBase {
    const meta = JSON.parse(readFileSync(join(dir, 'knowledge.json'), 'utf8')) as { entries: Record<string, Omit<KnowledgeEntry, 'id'>> };
    const entries = new Map(Object.entries(meta.entries).map(([id, e]) => [id, { id, ...e }]));
    const texts = new Map<Locale, Record<string, { questions: string[]; answer: string }>>();
    for (const lang of ['pl', 'en', 'uk'] as const) {
      const f = join(dir, lang, 'knowledge.json');
      if (existsSync(f)) texts.set(lang, (JSON.parse(readFileSync(f, 'utf8')) as { knowledge: { entries: Record<string, { questions: string[]; answer: string }> } }).knowledge.entries);
    }
    return new KnowledgeBase(entries, texts);
  }

  /** The best entry for a question in `lang` (Polish too, for mixed messages), or null below the thresholds. */
  find(text: string, lang: Locale, opts: { minScore?: number; minCoverage?: number } = {}): KnowledgeHit | null {
    const minScore = opts.minScore ?? KB_MIN_SCORE;
    const minCoverage = opts.minCoverage ?? KB_MIN_COVERAGE;
    let best: KnowledgeHit | null = null;
    for (const l of lang === 'pl' ? ['pl' as const] : [lang, 'pl' as const]) {
      const hit = this.indexes.get(l)?.search(text);
      const entry = hit ? this.entries.get(hit.id) : undefined;
      if (hit && entry && (!best || hit.score > best.score)) best = { entry, score: hit.score, coverage: hit.coverage };
    }
    // A cue names the topic outright: that entry wins ("ciepła woda leci brązowa" is about hot water).
    const f = ` ${fold(text)} `;
    const cued = [...this.entries.values()].find((e) => e.cues?.some((c) => f.includes(c)));
    if (cued && best?.entry.id !== cued.id) best = { entry: cued, score: Math.max(best?.score ?? 0, minScore), coverage: 1, cued: true };
    // The cue names the topic: a long message around it does not dilute the match.
    else if (cued && best) best = { ...best, score: Math.max(best.score, minScore), coverage: 1, cued: true };
    return best && best.score >= minScore && best.coverage >= minCoverage ? best : null;
  }
}

let shared: KnowledgeBase | null = null;

/** The knowledge base of `locales/` (read once). */
export function knowledgeBase(): KnowledgeBase {
  if (!shared) shared = KnowledgeBase.load();
  return shared;
}
