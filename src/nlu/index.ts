/**
 * Kropla's NLU: text + language → intent, score, runner-ups, entities.
 *
 * Pipeline: language detection → normalisation (fold diacritics, placeholders for numbers and
 * codes, typo snapping to the corpus vocabulary, light stemming) → ensemble of NLP.js's neural
 * classifier and our TF-IDF logistic regression → domain classifier (utility or not) folded
 * into P(None) → None rules → isotonic score calibration → entities.
 */
import { decide } from './decide';
import { extractEntities } from './entities';
import { detectLanguage } from './lang';
import { LatinLangId } from './langid';
import { LANGS, LangModel, defaultModelDir, loadOrTrain, repoRoot } from './model';
import type { Lang, NluResult, Recognizer } from './types';

export type { Lang, NluEntity, NluResult, Recognizer } from './types';
export { extractEntities } from './entities';
export { detectLanguage } from './lang';

export { NONE_THRESHOLD, OOV_THRESHOLD } from './decide';

export class KroplaRecognizer implements Recognizer {
  constructor(
    private readonly models: Map<Lang, LangModel>,
    private readonly latin?: LatinLangId,
  ) {}

  /** Loads the model from `modelDir` (default models/nlu-cache/), training it first when missing or stale. */
  static async load(modelDir?: string): Promise<KroplaRecognizer> {
    const root = repoRoot();
    const json = loadOrTrain(modelDir ?? defaultModelDir(root), root);
    const models = new Map<Lang, LangModel>();
    for (const lang of LANGS) {
      const j = json.langs[lang];
      if (j) models.set(lang, LangModel.fromJSON(lang, j));
    }
    return new KroplaRecognizer(models, json.langid ? new LatinLangId(json.langid) : undefined);
  }

  recognize(text: string, opts: { language?: Lang; today?: Date } = {}): NluResult {
    const input = typeof text === 'string' ? text.slice(0, 2000) : '';
    const language = detectLanguage(input, opts.language, this.latin);
    const entities = extractEntities(input, language, opts.today ?? new Date());
    const model = this.models.get(language) ?? this.models.get('pl');
    let intents: { intent: string; score: number }[] = [];
    let domain: NluResult['domain'];
    if (model && input.trim()) ({ intents, domain } = decide(model, input, entities));
    if (intents.length === 0) intents = [{ intent: 'None', score: 1 }];
    while (intents.length < 3) intents.push({ intent: 'None', score: 0 });
    intents = intents.map((i) => ({ intent: i.intent, score: Math.min(1, Math.max(0, Math.round(i.score * 1e4) / 1e4)) }));
    return { text: input, language, intent: intents[0].intent, score: intents[0].score, intents, entities, ...(domain ? { domain } : {}) };
  }
}
