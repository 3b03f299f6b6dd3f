/**
 * The answer-understanding step: what a message means while a prompt waits for a slot. One table,
 * read top to bottom, in the spirit of Rasa CALM's conversation-repair patterns (cancel, human
 * handoff, a value — the corrected one when the customer corrects themself —, a question answered
 * first with the prompt repeated (chitchat / knowledge), a switch to another task with an offer to
 * resume (continue_interrupted), and a re-ask that says what is wanted (cannot_handle)).
 *
 * The readers are the slot registry's (dialogs/slots.ts), the same ones the prompts validate with.
 */
import type { NluResult } from '../src/nlu';
import { foldDiacritics } from '../src/domain/streets';
import type { Locale } from '../src/i18n/i18n';
import type { Slot } from './context';
import { knowledgeBase, type KnowledgeHit } from './knowledge';
import { FREE_TEXT_SLOTS, readAnswer, type Correction, type SlotValue } from './slots';

export type Understanding =
  | { kind: 'help' }
  | { kind: 'cancel' }
  | { kind: 'handoff' }
  | { kind: 'value'; value: SlotValue | Correction }
  | { kind: 'question'; hit: KnowledgeHit }
  | { kind: 'switch'; intent: string }
  | { kind: 'reask' };

export interface AnswerInput {
  slot: Slot;
  titles: string[];
  corrects?: Slot | readonly Slot[];
  correctTitles?: string[];
  answers?: string;
  text: string;
  nlu: NluResult | null;
  attachments: number;
  /** The task the prompt belongs to (bottom of the dialog stack). */
  task: string;
  locale: Locale;
  /** Intents that start a task. */
  tasks: readonly string[];
}

const norm = (s: string): string => foldDiacritics(s).replace(/[!?.…,;:"'()]+/g, ' ').replace(/\s+/g, ' ').trim();

/** Always a cancel, in any prompt. */
export const CANCEL_RE = /^(?:(?:no |to |a )?(?:anuluj|anulowac|anuluje|anulujmy|stop|koniec|przerwij|przerwijmy|rezygnuje|rezygnuje z tego|wyjdz|cancel|quit|exit|nevermind|never mind|forget it|скасувати|скасуй|відміна|стоп)(?: to| wszystko| prosze| sprawe| please)?|(?:jednak )?(?:nie chce juz|juz nie chce|daj spokoj|dajmy spokoj|zostaw to|niewazne|nie wazne|nie bede|nie bede podawac|zrezygnuje|odpuszczam|nie trzeba juz)\b.*)$/;
/** A no that cancels a prompt which is not a yes/no question ("jednak nie, licznik jest w piwnicy", "nie teraz"). */
const SOFT_CANCEL_RE = /^(?:a |no |to )?(?:jednak nie|nie teraz|nie|niee|nie wiem|pozniej|potem|innym razem|moze pozniej|not now|later|no|nope|ні|не зараз|пізніше)\b/;
export const HELP_RE = /^(pomoc|pomocy|help|допомога|\/pomoc|\/help|co umiesz|jak to dziala|nie rozumiem pytania|o co chodzi)\??$/;
/** A message phrased as a question. */
const QUESTION_RE = /\?\s*$|^(?:a |i |no |to )?(?:czy|jak|jaki|jaka|jakie|ile|kiedy|gdzie|kto|co|dlaczego|czemu|po co|skad|what|how|why|when|where|who|can|do|does|is|are|чи|як|коли|де|хто|що|чому|скільки)\b/;

/** Slots whose answer may be a plain "no" (so a "no" is not a cancel there). */
const NO_IS_AN_ANSWER: readonly Slot[] = ['yesNo', 'terms', 'invoice', 'attachments', 'contact'];

/** Score from which NLU's intent counts as a new task inside a prompt. */
export const SWITCH_SCORE = 0.6;

/** A knowledge answer for a question asked inside a task (strict: it must really be a question). */
export function questionHit(text: string, nlu: NluResult | null, locale: Locale): KnowledgeHit | null {
  const asked = nlu?.intent === 'info.question' || QUESTION_RE.test(norm(text)) || text.trim().endsWith('?');
  if (!asked) return null;
  return knowledgeBase().find(text, locale, nlu?.intent === 'info.question' ? {} : { minScore: 4, minCoverage: 0.5 });
}

/** Decides what a message means for the waiting prompt. */
export function understand(i: AnswerInput): Understanding {
  const n = norm(i.text);
  const nlu = i.nlu;
  if (!n && i.attachments === 0) return { kind: 'reask' };
  if (HELP_RE.test(n)) return { kind: 'help' };
  if (CANCEL_RE.test(n)) return { kind: 'cancel' };
  const freeText = FREE_TEXT_SLOTS.includes(i.slot);
  if (nlu && nlu.intent === 'agent.handoff' && nlu.score >= 0.85 && !freeText) return { kind: 'handoff' };

  const value = readAnswer(i.slot, { text: i.text, nlu, titles: i.titles, answers: i.answers, attachments: i.attachments, mode: 'answer' }, i.corrects, i.correctTitles);
  const strongTask = nlu && i.tasks.includes(nlu.intent) && nlu.intent !== i.task && nlu.score >= 0.8;
  if (value !== null) {
    // Free text takes anything — except a clear question to answer first, or (for an address) a clearly different task.
    if (freeText || i.slot === 'address') {
      const words = n.split(' ').length;
      // A message to the office is often itself a question: it is the message. A complaint's description answers only a question that names its topic.
      const asksFirst = i.slot !== 'description' || (i.task !== 'message.send' && i.task !== 'complaint.file');
      const hit = words <= 12 && i.task !== 'message.send' ? questionHit(i.text, nlu, i.locale) : null;
      if (hit && (asksFirst || hit.cued)) return { kind: 'question', hit };
      if (i.slot === 'address' && strongTask && !nlu?.entities.some((e) => e.type === 'address')) return { kind: 'switch', intent: nlu.intent };
    }
    return { kind: 'value', value };
  }
  const hit = questionHit(i.text, nlu, i.locale);
  // "nie mam wody na Mikołowskiej 12, czy jest awaria?" is the outage check itself, not a question about rules.
  if (strongTask && nlu && !hit?.cued && nlu.intent !== 'help') return { kind: 'switch', intent: nlu.intent };
  if (hit) return { kind: 'question', hit };
  if (!NO_IS_AN_ANSWER.includes(i.slot) && SOFT_CANCEL_RE.test(n)) return { kind: 'cancel' };
  if (nlu && nlu.intent === 'help' && nlu.score >= 0.8) return { kind: 'help' };
  if (nlu && i.tasks.includes(nlu.intent) && nlu.intent !== 'help' && nlu.intent !== i.task && nlu.score >= SWITCH_SCORE) return { kind: 'switch', intent: nlu.intent };
  return { kind: 'reask' };
}

/**
 * Words that take back a value just said in the same message ("daj fakturę za wrzesień. albo nie,
 * sorry, za październik", "stan 521, sorki pomyłka, 512,7"). Folded text, whole words.
 */
const TAKE_BACK_RE = /(?<![\p{L}\p{N}])(?:albo nie|a nie|nie nie|sorry|sorki|sory|przepraszam|pomylka|pomylilem|pomylilam|to znaczy|znaczy sie|poprawiam|poprawka|i mean|actually|correction|oops|вибачте|тобто|ой)(?![\p{L}\p{N}])/gu;

/** `text` folded one character at a time, so that positions stay those of the original. */
function foldInPlace(text: string): string {
  return text.split('').map((c) => (foldDiacritics(c) || ' ').slice(0, 1)).join('');
}

/**
 * A correction inside one message: when the customer names a value, takes it back and names
 * another of the same kind, only the new one stays (the first value of that kind after the first
 * take-back word that has one on each side). Entities of other kinds, and messages without a
 * take-back, are left as they are.
 */
export function correctedInMessage(nlu: NluResult): NluResult {
  if (nlu.entities.length < 2) return nlu;
  const folded = foldInPlace(nlu.text);
  const marks = [...folded.matchAll(TAKE_BACK_RE)].map((m) => m.index ?? 0);
  if (!marks.length) return nlu;
  let cursor = 0;
  const placed = nlu.entities.map((e) => {
    const at = folded.indexOf(foldInPlace(e.text), cursor);
    if (at >= 0) cursor = at + 1;
    return { e, at };
  });
  let entities = nlu.entities;
  for (const type of new Set(nlu.entities.map((e) => e.type))) {
    const same = placed.filter((p) => p.e.type === type && p.at >= 0);
    const mark = marks.find((m) => same.some((p) => p.at < m) && same.some((p) => p.at > m));
    if (mark === undefined) continue;
    const kept = same.find((p) => p.at > mark)?.e;
    entities = entities.filter((e) => e.type !== type || e === kept);
  }
  return entities === nlu.entities ? nlu : { ...nlu, entities };
}
