/**
 * Staff labels of misunderstood messages (issue 18) as a corpus file per language,
 * `locales/<lang>/nlu/labelled.json` (corpus-shaped: `{"language", "intents": {name: [texts]}}`),
 * reviewed like code in a pull request and taken in by the corpus build with the `corpus-*` files.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LABELLED_FILE = 'labelled.json';

interface LabelledCorpus {
  language: string;
  intents: Record<string, string[]>;
}

export function labelledPath(root: string, lang: string): string {
  return join(root, 'locales', lang, 'nlu', LABELLED_FILE);
}

/** The labelled examples of a language, when its file exists. */
export function readLabelled(root: string, lang: string): LabelledCorpus {
  const file = labelledPath(root, lang);
  if (!existsSync(file)) return { language: lang, intents: {} };
  const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<LabelledCorpus>;
  return { language: lang, intents: j.intents ?? {} };
}

/**
 * Adds labels to each language's file: a text takes the intent of its newest label (moving from
 * another intent if it was labelled before); intents and texts sorted so that a review diff is small.
 * Returns how many texts each language's file holds.
 */
export function writeLabelled(root: string, labels: { locale: string; text: string; intent: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const lang of [...new Set(labels.map((l) => l.locale))].sort()) {
    const corpus = readLabelled(root, lang);
    const intentOf = new Map<string, string>();
    for (const [intent, texts] of Object.entries(corpus.intents)) for (const text of texts) intentOf.set(text, intent);
    for (const l of labels) if (l.locale === lang) intentOf.set(l.text, l.intent);
    const intents: Record<string, string[]> = {};
    for (const [text, intent] of [...intentOf].sort(([a], [b]) => a.localeCompare(b, lang))) (intents[intent] ??= []).push(text);
    const sorted = Object.fromEntries(Object.keys(intents).sort().map((k) => [k, intents[k]]));
    writeFileSync(labelledPath(root, lang), JSON.stringify({ language: lang, intents: sorted }, null, 1) + '\n');
    out[lang] = intentOf.size;
  }
  return out;
}
