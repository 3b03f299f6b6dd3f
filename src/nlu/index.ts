/**
 * Kropla's NLU: text + language → intent, score, runner-ups, entities.
 *
 * Pipeline: language detection → normalisation (fold diacritics, placeholders for numbers and
 * codes, typo snapping to the corpus vocabulary, light stemming) → ensemble of NLP.js's neural
 * classifier and our TF-IDF logistic regression → calibrated None decision → entities.
 */
import { extractEntities } from './entities';
import { detectLanguage } from './lang';
import { LANGS, LangModel, defaultModelDir, loadOrTrain, repoRoot } from './model';
import type { Lang, NluEntity, NluResult, Recognizer } from './types';

export type { Lang, NluEntity, NluResult, Recognizer } from './types';
export { extractEntities } from './entities';
export { detectLanguage } from './lang';

/** Below this ensemble score the answer is None (measured on held-out folds of the training corpus). */
export const NONE_THRESHOLD = 0.3;
/** Share of unknown words (after typo correction) above which a message is out of scope. */
export const OOV_THRESHOLD = 0.75;

const READING_ONLY = /^[\s\d.,:=-]*(?:m3|m³|м3|м³)?[\s.]*$/u;

export class KroplaRecognizer implements Recognizer {
  private constructor(private readonly models: Map<Lang, LangModel>) {}

  /** Loads the model from `modelDir` (default models/nlu-cache/), training it first when missing or stale. */
  static async load(modelDir?: string): Promise<KroplaRecognizer> {
    const root = repoRoot();
    const json = loadOrTrain(modelDir ?? defaultModelDir(root), root);
    const models = new Map<Lang, LangModel>();
    for (const lang of LANGS) {
      const j = json.langs[lang];
      if (j) models.set(lang, LangModel.fromJSON(lang, j));
    }
    return new KroplaRecognizer(models);
  }

  recognize(text: string, opts: { language?: Lang; today?: Date } = {}): NluResult {
    const input = typeof text === 'string' ? text.slice(0, 2000) : '';
    const language = detectLanguage(input, opts.language);
    const entities = extractEntities(input, language, opts.today ?? new Date());
    const model = this.models.get(language) ?? this.models.get('pl');
    let intents: { intent: string; score: number }[] = [];
    if (model && input.trim()) {
      const { probs, unknownRatio, content } = model.classify(input);
      intents = [...probs.entries()].map(([intent, score]) => ({ intent, score })).sort((a, b) => b.score - a.score);
      const rule = ruleIntent(input, entities);
      if (rule) {
        intents = [{ intent: rule, score: 0.97 }, ...intents.filter((i) => i.intent !== rule).map((i) => ({ ...i, score: i.score * 0.03 }))];
      } else if (intents[0].intent !== 'None') {
        const oov = content >= 2 && unknownRatio >= OOV_THRESHOLD && entities.length === 0;
        if (oov || intents[0].score < NONE_THRESHOLD) {
          const none = intents.find((i) => i.intent === 'None');
          const s = Math.max(none?.score ?? 0, 1 - intents[0].score);
          intents = [{ intent: 'None', score: s }, ...intents.filter((i) => i.intent !== 'None')];
        }
      }
    }
    if (intents.length === 0) intents = [{ intent: 'None', score: 1 }];
    while (intents.length < 3) intents.push({ intent: 'None', score: 0 });
    intents = intents.map((i) => ({ intent: i.intent, score: Math.min(1, Math.max(0, Math.round(i.score * 1e4) / 1e4)) }));
    return { text: input, language, intent: intents[0].intent, score: intents[0].score, intents, entities };
  }
}

/** Deterministic answers for messages that are nothing but a number, a link code or a case number. */
function ruleIntent(text: string, entities: NluEntity[]): string | null {
  let rest = text;
  for (const e of entities) rest = rest.replace(e.text, ' ');
  const leftover = rest.replace(/[\s:;.,!?#-]+/g, '');
  const only = (t: NluEntity['type']): boolean => entities.some((e) => e.type === t) && leftover.length === 0;
  if (only('linkCode')) return 'account.link';
  if (only('caseNumber')) return 'case.status';
  if (entities.some((e) => e.type === 'meterValue') && READING_ONLY.test(text)) return 'reading.submit';
  if (/^\s*(?:odczyt|stan|stan licznika|reading|показання)\s*[:=-]?\s*[\d\s.,]+\s*(?:m3|m³|м3)?\s*$/iu.test(text)) return 'reading.submit';
  return null;
}
