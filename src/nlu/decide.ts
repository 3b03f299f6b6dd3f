/**
 * From one language model's probabilities to the answer: deterministic rules for bare numbers
 * and codes, the None decision (domain classifier folded into the probabilities, a score floor,
 * the share of unknown words), then the calibrated score. Shared by `recognize` and by the
 * cross-validation that fits the calibration, so both measure the same thing.
 */
import type { LangModel } from './model';
import type { NluEntity } from './types';

/** Below this ensemble score the answer is None (measured on held-out folds of the training corpus). */
export const NONE_THRESHOLD = 0.3;
/** Share of unknown words (after typo correction) above which a message is out of scope. */
export const OOV_THRESHOLD = 0.75;
/** Score of an answer given by a rule (a bare meter value, link code or case number). */
export const RULE_SCORE = 0.97;

const READING_ONLY = /^[\s\d.,:=-]*(?:m3|m³|м3|м³)?[\s.]*$/u;

/** When a message names another provider and no utility word, P(None) ≥ this × P(not the utility's). */
export const OTHER_ONLY_FLOOR = 1;

export interface Decision {
  intents: { intent: string; score: number }[];
  domain?: { utility: number; other: string[] };
  /** top score before calibration */
  raw: number;
  rule: boolean;
}

export function decide(model: LangModel, input: string, entities: NluEntity[]): Decision {
  const { probs, unknownRatio, content, inDomain, other, utilityWord } = model.classify(input);
  // another provider's or service's words and none of the utility's: None is at least as likely
  // as the domain classifier says the message is not ours
  if (other.length > 0 && !utilityWord) {
    const none = probs.get('None') ?? 0;
    const floor = OTHER_ONLY_FLOOR * (1 - inDomain);
    if (floor > none) {
      const rest = 1 - none;
      for (const [c, v] of probs) probs.set(c, c === 'None' ? floor : rest > 0 ? (v * (1 - floor)) / rest : 0);
    }
  }
  const domain = { utility: Math.round(inDomain * 1e4) / 1e4, other };
  let intents = [...probs.entries()].map(([intent, score]) => ({ intent, score })).sort((a, b) => b.score - a.score);
  const rule = ruleIntent(input, entities);
  if (rule) {
    intents = [{ intent: rule, score: RULE_SCORE }, ...intents.filter((i) => i.intent !== rule).map((i) => ({ ...i, score: i.score * (1 - RULE_SCORE) }))];
    return { intents, raw: RULE_SCORE, rule: true, domain };
  }
  if (intents[0].intent !== 'None') {
    const oov = content >= 2 && unknownRatio >= OOV_THRESHOLD && entities.length === 0;
    if (oov || intents[0].score < NONE_THRESHOLD) {
      const none = intents.find((i) => i.intent === 'None');
      const s = Math.max(none?.score ?? 0, 1 - intents[0].score);
      intents = [{ intent: 'None', score: s }, ...intents.filter((i) => i.intent !== 'None')];
    }
  }
  const raw = intents[0].score;
  // calibration only ever lowers a score: where the raw ensemble is under-confident (short, vague
  // messages) the dialogs' thresholds stay as cautious as they were
  const cal = Math.min(raw, model.calibration.apply(raw));
  // the runner-ups keep their proportions within what the calibrated top score leaves
  const scale = raw < 1 ? (1 - cal) / (1 - raw) : 0;
  intents = [{ intent: intents[0].intent, score: cal }, ...intents.slice(1).map((i) => ({ intent: i.intent, score: Math.min(cal, i.score * scale) }))];
  return { intents, raw, rule: false, domain };
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
