/**
 * The trained model: per language, NLP.js's neural network and our linear model over the same
 * normalised text, plus the vocabulary for typo correction. Training, (de)serialisation, caching.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// NLP.js's neural classifier, required alone: the whole node-nlp index costs ~0.7 s of start-up.
import { NeuralNetwork } from 'node-nlp/src/classifiers';
import { Calibration } from './calibration';
import { decide } from './decide';
import { extractEntities } from './entities';
import { linearFeatures, neuralFeatures, prepare } from './features';
import { Knowledge, type KnowledgeJson, loadKnowledge } from './knowledge';
import { LinearModel, type LinearModelJson } from './linear';
import { Speller, deepFold, mostlyLatin, tokenize, translitUkLatin } from './text';
import type { Lang } from './types';
import { LABELLED_FILE } from './labelled';
import { LatinLangId, type LatinLangIdJson, romanizeUk } from './langid';

export const LANGS: Lang[] = ['pl', 'en', 'uk'];
export const MODEL_VERSION = 5;

/** The part of NLP.js's NeuralNetwork we use. */
interface NlpJsNeuralNetwork {
  train(corpus: { input: Record<string, number>; output: Record<string, number> }[]): unknown;
  run(input: Record<string, number>): Record<string, number> | undefined;
  toJSON(): unknown;
  fromJSON(json: unknown): void;
}
type NeuralCtor = new (settings?: Record<string, unknown>) => NlpJsNeuralNetwork;
const Neural = NeuralNetwork as NeuralCtor;

export interface Corpus {
  language: Lang;
  intents: Record<string, string[]>;
}

export interface LangModelJson {
  vocab: [string, number][];
  neural: unknown;
  linear: LinearModelJson;
  gate: LinearModelJson;
  knowledge: KnowledgeJson;
  /** isotonic map from the raw top score to the share of right answers (out-of-fold) */
  calibration: [number, number][];
}

/** What one language's model says about a message before the None rules. */
export interface Classified {
  probs: Map<string, number>;
  /** P(the message is the water utility's) from the domain classifier */
  inDomain: number;
  unknownRatio: number;
  content: number;
  /** other providers/services named (domain.json categories) and whether a utility word is there */
  other: string[];
  utilityWord: boolean;
}
export interface ModelJson {
  version: number;
  hash: string;
  langs: Partial<Record<Lang, LangModelJson>>;
  /** Polish / English / Ukrainian-in-Latin-letters n-gram model for language detection (langid.ts) */
  langid?: LatinLangIdJson;
}

export class LangModel {
  readonly speller: Speller;
  readonly knowledge: Knowledge;
  calibration: Calibration;
  constructor(
    readonly lang: Lang,
    readonly vocab: Map<string, number>,
    readonly neural: NlpJsNeuralNetwork,
    readonly linear: LinearModel,
    readonly gate: LinearModel,
    knowledge: KnowledgeJson,
    calibration: [number, number][] = [],
  ) {
    this.speller = new Speller(vocab);
    this.knowledge = new Knowledge(knowledge);
    this.calibration = new Calibration(calibration);
  }

  /**
   * Intent probabilities: the intent ensemble (linear + neural), then the domain decision
   * folded in — P(None) is a mix of the intent model's None and the domain classifier's
   * "not the utility's"; the other intents share the rest in their own proportions.
   */
  classify(text: string): Classified {
    const full = this.classifyOne(text);
    // a long story usually ends with the request: the last question (or the last sentence) gets its own say
    if (full.tokens >= LONG_TOKENS) {
      const sentences = text.split(/(?<=[.!?;\n])\s+/u).filter((x) => /[\p{L}]{3}/u.test(x));
      if (sentences.length >= 2) {
        const asked = [...sentences].reverse().find((x) => x.includes('?')) ?? sentences[sentences.length - 1];
        const seg = this.classifyOne(asked);
        if (seg.tokens >= 3) {
          for (const [c, v] of full.probs) full.probs.set(c, (1 - SEGMENT_WEIGHT) * v + SEGMENT_WEIGHT * (seg.probs.get(c) ?? 0));
          full.inDomain = (1 - SEGMENT_WEIGHT) * full.inDomain + SEGMENT_WEIGHT * seg.inDomain;
        }
      }
    }
    return full;
  }

  /** Ukrainian typed in Latin letters: Polish words first (lexicon), then the rest transliterated to Cyrillic. */
  private readable(text: string): string {
    if (this.lang !== 'uk' || !mostlyLatin(text)) return text;
    // Czech-style letters (č, š, ž) first: folding would turn them into c, s, z
    const czech = text.replace(/č/gi, 'ch').replace(/š/gi, 'sh').replace(/ž/gi, 'zh');
    return translitUkLatin(this.knowledge.normalize(deepFold(czech)));
  }

  private classifyOne(original: string): Classified & { tokens: number } {
    const text = this.readable(original);
    const p = prepare(text, this.lang, this.speller, this.knowledge);
    const x = linearFeatures(p, deepFold(text));
    const lin = this.linear.predict(x);
    const nnOut = this.neural.run(neuralFeatures(p)) ?? {};
    let nnSum = 0;
    for (const c of this.linear.classes) nnSum += Math.max(0, nnOut[c] ?? 0);
    const mix = new Map<string, number>();
    this.linear.classes.forEach((c, i) => {
      const nn = nnSum > 0 ? Math.max(0, nnOut[c] ?? 0) / nnSum : c === 'None' ? 1 : 0;
      mix.set(c, LINEAR_WEIGHT * lin[i] + (1 - LINEAR_WEIGHT) * nn);
    });
    const inDomain = this.gate.predict(x)[this.gate.classes.indexOf('in')];
    const pNone = mix.get('None') ?? 0;
    const none = GATE_WEIGHT * (1 - inDomain) + (1 - GATE_WEIGHT) * pNone;
    const rest = 1 - pNone;
    const probs = new Map<string, number>();
    for (const [c, v] of mix) probs.set(c, c === 'None' ? none : rest > 0 ? ((1 - none) * v) / rest : 0);
    const other = p.domain.filter((d) => d.startsWith('d:o:')).map((d) => d.slice(4));
    const utilityWord = p.domain.includes('d:u');
    return { probs, inDomain, unknownRatio: p.content ? p.unknown / p.content : 0, content: p.content, tokens: p.tokens.length, other, utilityWord };
  }

  static fromJSON(lang: Lang, j: LangModelJson): LangModel {
    const nn = new Neural();
    nn.fromJSON(j.neural);
    return new LangModel(lang, new Map(j.vocab), nn, LinearModel.fromJSON(j.linear), LinearModel.fromJSON(j.gate), j.knowledge, j.calibration);
  }

  toJSON(): LangModelJson {
    return {
      vocab: [...this.vocab.entries()],
      neural: this.neural.toJSON(),
      linear: this.linear.toJSON(),
      gate: this.gate.toJSON(),
      knowledge: { ...this.knowledge.json, fillers: undefined },
      calibration: this.calibration.knots,
    };
  }
}

export let LINEAR_WEIGHT = 0.6;
/** Weight of the domain classifier in P(None) (5-fold cross-validation, cli-cv.js). */
export let GATE_WEIGHT = 0.5;
/** Messages of at least this many words are long stories; their last question weighs SEGMENT_WEIGHT. */
export const LONG_TOKENS = 18;
export let SEGMENT_WEIGHT = 0.3;
export function setSegmentWeight(w: number): void {
  SEGMENT_WEIGHT = w;
}
export function setLinearWeight(w: number): void {
  LINEAR_WEIGHT = w;
}
export function setGateWeight(w: number): void {
  GATE_WEIGHT = w;
}

/** Intents that are small talk: a long story around them is no longer small talk, so they get no fillers. */
const SMALL_TALK = new Set(['greeting', 'thanks', 'goodbye']);
/** Long-story examples made per intent at training time (None gets three times as many). */
export const LONG_PER_INTENT = 12;

/**
 * Long stories made from short examples: a sentence without a request (fillers.json) before
 * and/or after the example. The same fillers go around every intent and None, so the model
 * learns that they say nothing and that a long message is judged by its request.
 * Deterministic (a fixed pseudo-random sequence), so the model and its hash stay reproducible.
 */
export function withLongStories(examples: { text: string; intent: string }[], fillers: KnowledgeJson['fillers']): { text: string; intent: string }[] {
  if (!fillers || fillers.before.length === 0) return examples;
  let rnd = 12345;
  const next = (n: number): number => {
    rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
    return rnd % n;
  };
  const byIntent = new Map<string, string[]>();
  for (const e of examples) if (!SMALL_TALK.has(e.intent) && e.text.split(/\s+/).length <= 12) byIntent.set(e.intent, [...(byIntent.get(e.intent) ?? []), e.text]);
  const out = [...examples];
  for (const [intent, texts] of [...byIntent.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const n = Math.min(texts.length, intent === 'None' ? 3 * LONG_PER_INTENT : LONG_PER_INTENT);
    for (let i = 0; i < n; i++) {
      const t = texts[next(texts.length)];
      const before = fillers.before[next(fillers.before.length)];
      const after = fillers.after.length && next(2) === 0 ? ' ' + fillers.after[next(fillers.after.length)] : '';
      out.push({ text: `${before} ${t}${after}`, intent });
    }
  }
  return out;
}

/** Tasks whose phrasing another provider shares ("ile mam do zapłaty" at the electricity company). */
const SHARED_TASKS = new Set(['balance.check', 'invoices.list', 'payment.info', 'reading.submit', 'readings.history', 'consumption.report', 'complaint.file', 'case.status', 'outage.check', 'outage.report', 'outage.subscribe', 'outage.unsubscribe', 'forms.download', 'einvoice.activate', 'agent.handoff', 'contact.info', 'account.link']);
/** Other-provider near-misses made at training time per task (see withOtherProviders). */
export const OTHER_PER_INTENT = 6;

/**
 * Near-misses made from task examples that carry no utility word: another provider or service
 * named after them (fillers.json "other": "ile mam do zapłaty" + "za prąd") makes them None.
 * Deterministic, like withLongStories.
 */
export function withOtherProviders(examples: { text: string; intent: string }[], knowledge: Knowledge, other: string[] | undefined): { text: string; intent: string }[] {
  if (!other || other.length === 0) return examples;
  let rnd = 54321;
  const next = (n: number): number => {
    rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
    return rnd % n;
  };
  const out = [...examples];
  const byIntent = new Map<string, string[]>();
  for (const e of examples) {
    if (!SHARED_TASKS.has(e.intent) || /\d/.test(e.text) || e.text.split(/\s+/).length > 8) continue;
    const d = knowledge.domainFeatures(tokenize(knowledge.normalize(deepFold(e.text))));
    if (d.includes('d:u') || !d.includes('d:none')) continue;
    byIntent.set(e.intent, [...(byIntent.get(e.intent) ?? []), e.text]);
  }
  for (const [, texts] of [...byIntent.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    for (let i = 0; i < Math.min(OTHER_PER_INTENT, texts.length); i++) {
      const t = texts[next(texts.length)].replace(/[\s?.!]+$/u, '');
      out.push({ text: `${t} ${other[next(other.length)]}`, intent: 'None' });
    }
  }
  return out;
}

/** Trains one language from (text, intent) pairs. */
export function trainLang(lang: Lang, given: { text: string; intent: string }[], knowledge: KnowledgeJson): LangModel {
  const k = new Knowledge(knowledge);
  const examples = withOtherProviders(withLongStories(given, knowledge.fillers), k, knowledge.fillers?.other);
  const vocab = new Map<string, number>();
  for (const e of examples) for (const t of tokenize(k.normalize(deepFold(e.text)))) if (!/\d/.test(t)) vocab.set(t, (vocab.get(t) ?? 0) + 1);
  const classes = [...new Set(examples.map((e) => e.intent))].sort();
  const prepared = examples.map((e) => ({ p: prepare(e.text, lang, undefined, k), e }));
  const xs = prepared.map(({ p, e }) => linearFeatures(p, deepFold(e.text)));
  const linear = LinearModel.train(
    xs.map((x, i) => ({ x, y: prepared[i].e.intent })),
    classes,
  );
  // the domain decision: its own classifier, utility vs not, None weighted up to balance the classes
  const gate = LinearModel.train(
    xs.map((x, i) => ({ x, y: prepared[i].e.intent === 'None' ? 'out' : 'in' })),
    ['in', 'out'],
    { epochs: 30, l2: 1e-4 },
  );
  const nn = new Neural({ log: false });
  nn.train(prepared.map(({ p, e }) => ({ input: neuralFeatures(p), output: { [e.intent]: 1 } })));
  return new LangModel(lang, vocab, nn, linear, gate, knowledge);
}

/** Repository root: the nearest ancestor holding package.json and locales/. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'locales'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

export function corpusFiles(root: string, lang: Lang): string[] {
  const dir = join(root, 'locales', lang, 'nlu');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    // labelled.json: the staff's labels of misunderstood messages (src/nlu/labelled.ts, npm run nlu:labels)
    .filter((f) => f.endsWith('.json') && (f.startsWith('corpus') || f === LABELLED_FILE))
    .sort()
    .map((f) => join(dir, f));
}

export function loadCorpus(root: string, lang: Lang): { text: string; intent: string }[] {
  const out: { text: string; intent: string }[] = [];
  for (const file of corpusFiles(root, lang)) {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Corpus;
    for (const [intent, texts] of Object.entries(c.intents)) for (const text of texts) out.push({ text, intent });
  }
  return out;
}

export function loadTestset(root: string, lang: Lang): { text: string; intent: string }[] {
  const file = join(root, 'locales', lang, 'nlu', 'testset.json');
  if (!existsSync(file)) return [];
  const c = JSON.parse(readFileSync(file, 'utf8')) as Corpus;
  return Object.entries(c.intents).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent })));
}

/** Hash of everything that determines the model: corpora and the training code version. */
export function corporaHash(root: string): string {
  const h = createHash('sha256');
  h.update(String(MODEL_VERSION));
  for (const lang of LANGS) {
    for (const f of corpusFiles(root, lang)) h.update(f.slice(root.length)).update(readFileSync(f));
    h.update(JSON.stringify(loadKnowledge(root, lang)));
    for (const f of calibrationSets(root, lang)) h.update(readFileSync(f));
  }
  // The feature/training code itself: a change there must retrain too. Its TypeScript sources when the
  // tree has them, so that the built code (dist/…/*.js) and the tests (ts-jest, src/…/*.ts) agree on the
  // hash and share one cached model; the compiled files only where the sources are absent (an image of dist/).
  for (const name of ['features', 'linear', 'text', 'model', 'knowledge', 'morph', 'calibration', 'decide', 'langid']) {
    const source = join(root, 'src', 'nlu', `${name}.ts`);
    const p = existsSync(source) ? source : join(__dirname, `${name}.js`);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return h.digest('hex').slice(0, 16);
}

export function defaultModelDir(root = repoRoot()): string {
  return join(root, 'models', 'nlu-cache');
}

/** Sets of messages the model never trains on whose predictions also fit the calibration. */
export function calibrationSets(root: string, lang: Lang): string[] {
  return [join(root, 'locales', lang, 'nlu', 'testset.json'), join(root, 'test', 'nlu-blind', `dev-${lang}.json`)].filter((f) => existsSync(f));
}

/** A set of labelled messages: a corpus-shaped file ({intents: {name: [texts]}}) or a JSON array of {text, intent, tags}. */
export function loadItems(file: string): LabelledItem[] {
  const j = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (Array.isArray(j)) {
    return (j as Partial<LabelledItem>[])
      .filter((x) => typeof x.text === 'string' && typeof x.intent === 'string')
      .map((x) => ({ text: x.text as string, intent: x.intent as string, tags: Array.isArray(x.tags) ? x.tags : [] }));
  }
  const c = j as Corpus;
  return Object.entries(c.intents).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent, tags: [] })));
}

export interface LabelledItem {
  text: string;
  intent: string;
  tags: string[];
}

export interface OofPrediction {
  text: string;
  expected: string;
  got: string;
  raw: number;
  score: number;
  rule: boolean;
}

/** Out-of-fold predictions: K models, each trained without one fold, predicting that fold. */
export function outOfFold(lang: Lang, examples: { text: string; intent: string }[], knowledge: KnowledgeJson, K = 5, today = new Date()): OofPrediction[] {
  const out: OofPrediction[] = [];
  for (let k = 0; k < K; k++) {
    const m = trainLang(lang, examples.filter((_, i) => i % K !== k), knowledge);
    examples.forEach((ex, i) => {
      if (i % K !== k) return;
      const d = decide(m, ex.text, extractEntities(ex.text, lang, today));
      out.push({ text: ex.text, expected: ex.intent, got: d.intents[0].intent, raw: d.raw, score: d.intents[0].score, rule: d.rule });
    });
  }
  return out;
}

/** Folds of the build-time cross-validation whose predictions fit the calibration (3: build time). */
export const CALIBRATION_FOLDS = 3;

export function trainAll(root: string, log: (m: string) => void = () => undefined): ModelJson {
  const langs: Partial<Record<Lang, LangModelJson>> = {};
  const today = new Date();
  for (const lang of LANGS) {
    const ex = loadCorpus(root, lang);
    if (!ex.length) continue;
    const knowledge = loadKnowledge(root, lang);
    const points = outOfFold(lang, ex, knowledge, CALIBRATION_FOLDS, today)
      .filter((p) => !p.rule)
      .map((p) => ({ score: p.raw, ok: p.got === p.expected }));
    const model = trainLang(lang, ex, knowledge);
    for (const f of calibrationSets(root, lang)) {
      for (const it of loadItems(f)) {
        const d = decide(model, it.text, extractEntities(it.text, lang, today));
        if (!d.rule) points.push({ score: d.raw, ok: d.intents[0].intent === it.intent });
      }
    }
    model.calibration = Calibration.fit(points);
    log(`nlu: ${lang}: ${ex.length} examples, calibration on ${points.length} unseen predictions`);
    langs[lang] = model.toJSON();
  }
  return { version: MODEL_VERSION, hash: corporaHash(root), langs, langid: trainLangId(root).json };
}

/**
 * The language detector's n-gram model: the Polish and English corpora, and the Ukrainian corpus
 * romanised in each of the ways people type it without Cyrillic (langid.ts).
 */
export function trainLangId(root: string): LatinLangId {
  const texts: { lang: Lang; text: string }[] = [];
  for (const lang of ['pl', 'en'] as const) for (const e of loadCorpus(root, lang)) texts.push({ lang, text: e.text });
  for (const e of loadCorpus(root, 'uk')) {
    if (!/[\u0400-\u04ff]/.test(e.text)) texts.push({ lang: 'uk', text: e.text });
    else for (let s = 0; s < 3; s++) texts.push({ lang: 'uk', text: romanizeUk(e.text, s) });
  }
  return LatinLangId.train(texts);
}

/** Loads the cached model when its hash matches the corpora; otherwise trains and writes it. */
export function loadOrTrain(modelDir: string, root = repoRoot(), log: (m: string) => void = () => undefined): ModelJson {
  const file = join(modelDir, 'model.json');
  const hash = corporaHash(root);
  if (existsSync(file)) {
    try {
      const j = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
      if (j.hash === hash && j.version === MODEL_VERSION) {
        log(`nlu: model cache up to date (${hash})`);
        return j;
      }
    } catch {
      // unreadable cache: retrain
    }
  }
  log(`nlu: training (corpora ${hash})`);
  const model = trainAll(root, log);
  try {
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(file, JSON.stringify(model));
  } catch {
    // read-only tree: keep the model in memory only
  }
  return model;
}
