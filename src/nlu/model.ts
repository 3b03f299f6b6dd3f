/**
 * The trained model: per language, NLP.js's neural network and our linear model over the same
 * normalised text, plus the vocabulary for typo correction. Training, (de)serialisation, caching.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// NLP.js's neural classifier, required alone: the whole node-nlp index costs ~0.7 s of start-up.
import { NeuralNetwork } from 'node-nlp/src/classifiers';
import { linearFeatures, neuralFeatures, prepare } from './features';
import { LinearModel, type LinearModelJson } from './linear';
import { Speller, fold, tokenize } from './text';
import type { Lang } from './types';

export const LANGS: Lang[] = ['pl', 'en', 'uk'];
export const MODEL_VERSION = 3;

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
}
export interface ModelJson {
  version: number;
  hash: string;
  langs: Partial<Record<Lang, LangModelJson>>;
}

export class LangModel {
  readonly speller: Speller;
  constructor(
    readonly lang: Lang,
    readonly vocab: Map<string, number>,
    readonly neural: NlpJsNeuralNetwork,
    readonly linear: LinearModel,
  ) {
    this.speller = new Speller(vocab);
  }

  /** Ensemble probabilities per intent, plus the share of unknown words. */
  classify(text: string): { probs: Map<string, number>; unknownRatio: number; content: number } {
    const p = prepare(text, this.lang, this.speller);
    const lin = this.linear.predict(linearFeatures(p, fold(text)));
    const nnOut = this.neural.run(neuralFeatures(p)) ?? {};
    let nnSum = 0;
    for (const c of this.linear.classes) nnSum += Math.max(0, nnOut[c] ?? 0);
    const probs = new Map<string, number>();
    this.linear.classes.forEach((c, i) => {
      const nn = nnSum > 0 ? Math.max(0, nnOut[c] ?? 0) / nnSum : c === 'None' ? 1 : 0;
      probs.set(c, LINEAR_WEIGHT * lin[i] + (1 - LINEAR_WEIGHT) * nn);
    });
    return { probs, unknownRatio: p.content ? p.unknown / p.content : 0, content: p.content };
  }

  static fromJSON(lang: Lang, j: LangModelJson): LangModel {
    const nn = new Neural();
    nn.fromJSON(j.neural);
    return new LangModel(lang, new Map(j.vocab), nn, LinearModel.fromJSON(j.linear));
  }

  toJSON(): LangModelJson {
    return { vocab: [...this.vocab.entries()], neural: this.neural.toJSON(), linear: this.linear.toJSON() };
  }
}

export let LINEAR_WEIGHT = 0.6;
export function setLinearWeight(w: number): void {
  LINEAR_WEIGHT = w;
}

/** Trains one language from (text, intent) pairs. */
export function trainLang(lang: Lang, examples: { text: string; intent: string }[]): LangModel {
  const vocab = new Map<string, number>();
  for (const e of examples) for (const t of tokenize(fold(e.text))) if (!/\d/.test(t)) vocab.set(t, (vocab.get(t) ?? 0) + 1);
  const classes = [...new Set(examples.map((e) => e.intent))].sort();
  const prepared = examples.map((e) => ({ p: prepare(e.text, lang), e }));
  const linear = LinearModel.train(
    prepared.map(({ p, e }) => ({ x: linearFeatures(p, fold(e.text)), y: e.intent })),
    classes,
  );
  const nn = new Neural({ log: false });
  nn.train(prepared.map(({ p, e }) => ({ input: neuralFeatures(p), output: { [e.intent]: 1 } })));
  return new LangModel(lang, vocab, nn, linear);
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
    .filter((f) => f.endsWith('.json') && !f.startsWith('testset'))
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
  for (const lang of LANGS) for (const f of corpusFiles(root, lang)) h.update(f.slice(root.length)).update(readFileSync(f));
  // The feature/training code itself: a change there must retrain too. Its TypeScript sources when the
  // tree has them, so that the built code (dist/…/*.js) and the tests (ts-jest, src/…/*.ts) agree on the
  // hash and share one cached model; the compiled files only where the sources are absent (an image of dist/).
  for (const name of ['features', 'linear', 'text', 'model']) {
    const source = join(root, 'src', 'nlu', `${name}.ts`);
    const p = existsSync(source) ? source : join(__dirname, `${name}.js`);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return h.digest('hex').slice(0, 16);
}

export function defaultModelDir(root = repoRoot()): string {
  return join(root, 'models', 'nlu-cache');
}

export function trainAll(root: string): ModelJson {
  const langs: Partial<Record<Lang, LangModelJson>> = {};
  for (const lang of LANGS) {
    const ex = loadCorpus(root, lang);
    if (ex.length) langs[lang] = trainLang(lang, ex).toJSON();
  }
  return { version: MODEL_VERSION, hash: corporaHash(root), langs };
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
  const model = trainAll(root);
  try {
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(file, JSON.stringify(model));
  } catch {
    // read-only tree: keep the model in memory only
  }
  return model;
}
