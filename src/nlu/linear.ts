/**
 * Our second classifier: multinomial logistic regression on TF-IDF features
 * (stems, stem bigrams, character n-grams), trained by SGD at build time. Pure TypeScript.
 */

export interface LinearModelJson {
  classes: string[];
  features: string[];
  idf: number[];
  weights: string; // base64 Float32Array, features × classes
  bias: number[];
}

export class LinearModel {
  private readonly index = new Map<string, number>();
  private constructor(
    readonly classes: string[],
    private readonly features: string[],
    private readonly idf: Float32Array,
    private readonly weights: Float32Array,
    private readonly bias: Float64Array,
  ) {
    features.forEach((f, i) => this.index.set(f, i));
  }

  static fromJSON(j: LinearModelJson): LinearModel {
    const buf = Buffer.from(j.weights, 'base64');
    const w = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    return new LinearModel(j.classes, j.features, Float32Array.from(j.idf), w, Float64Array.from(j.bias));
  }

  toJSON(): LinearModelJson {
    return {
      classes: this.classes,
      features: this.features,
      idf: Array.from(this.idf, (x) => Math.round(x * 1e4) / 1e4),
      weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64'),
      bias: Array.from(this.bias),
    };
  }

  private vectorize(raw: Map<string, number>): [number[], number[]] {
    const idx: number[] = [];
    const val: number[] = [];
    let norm = 0;
    for (const [k, tf] of raw) {
      const i = this.index.get(k);
      if (i === undefined) continue;
      const v = (tf >= 1 ? 1 + Math.log(tf) : tf) * this.idf[i];
      idx.push(i);
      val.push(v);
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < val.length; j++) val[j] /= norm;
    return [idx, val];
  }

  private scores(idx: number[], val: number[]): Float64Array {
    const C = this.classes.length;
    const z = Float64Array.from(this.bias);
    for (let j = 0; j < idx.length; j++) {
      const base = idx[j] * C;
      const v = val[j];
      for (let c = 0; c < C; c++) z[c] += this.weights[base + c] * v;
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (z[c] > max) max = z[c];
    let sum = 0;
    for (let c = 0; c < C; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (let c = 0; c < C; c++) z[c] /= sum;
    return z;
  }

  /** Class probabilities (softmax). */
  predict(raw: Map<string, number>): Float64Array {
    const [idx, val] = this.vectorize(raw);
    return this.scores(idx, val);
  }

  static train(
    samples: { x: Map<string, number>; y: string }[],
    classes: string[],
    opts: { epochs?: number; lr?: number; l2?: number; minDf?: number; seed?: number } = {},
  ): LinearModel {
    const { epochs = 40, lr = 0.8, l2 = 1e-5, minDf = 1, seed = 7 } = opts;
    const df = new Map<string, number>();
    for (const s of samples) for (const k of s.x.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    const features = [...df.entries()].filter(([, n]) => n >= minDf).map(([k]) => k).sort();
    const N = samples.length;
    const idf = Float32Array.from(features, (k) => Math.log((1 + N) / (1 + (df.get(k) ?? 0))) + 1);
    const C = classes.length;
    const model = new LinearModel(classes, features, idf, new Float32Array(features.length * C), new Float64Array(C));
    const data = samples.map((s) => ({ v: model.vectorize(s.x), y: classes.indexOf(s.y) }));
    let rnd = seed;
    const rand = (): number => {
      rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
      return rnd / 0x7fffffff;
    };
    const order = data.map((_, i) => i);
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const rate = lr / (1 + e * 0.15);
      for (const k of order) {
        const { v, y } = data[k];
        const [idx, val] = v;
        const p = model.scores(idx, val);
        for (let c = 0; c < C; c++) {
          const g = p[c] - (c === y ? 1 : 0);
          model.bias[c] -= rate * g * 0.1;
          for (let j = 0; j < idx.length; j++) {
            const wi = idx[j] * C + c;
            model.weights[wi] -= rate * (g * val[j] + l2 * model.weights[wi]);
          }
        }
      }
    }
    return model;
  }
}
