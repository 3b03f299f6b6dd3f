/**
 * Messages that are more than one request, and follow-ups that lean on the last answer:
 * "jaki mam dług i termin, no i od razu podaję licznik 733,4" → balance, then the reading;
 * "a za październik?" after the invoices → the invoices of October; "a pod numerem 8?" after an
 * outage answer for Mikołowska 12 → Mikołowska 8.
 */
import type { NluEntity, NluResult, Recognizer } from '../src/nlu';
import type { Locale } from '../src/i18n/i18n';
import { foldDiacritics, streetKey } from '../src/domain/streets';
import type { ConversationContext } from '../src/bot/state';
import { knowledgeBase } from './knowledge';
import { parseMeterValue } from '../src/services/ReadingService';
import { HAPPENING_NOW } from './cues';
import { questionHit } from './understanding';

/** One part of a message: a task (intent) or a question for the knowledge base. */
export interface RequestPart {
  text: string;
  nlu: NluResult;
  kind: 'task' | 'question';
  intent: string;
}

/** Where a message may be cut into requests: sentence ends, and words that join requests (a colon after a short heading, "odczyty na dziś: …", only introduces what follows). */
const CUT = /(?<=[.?!;])\s+|\n+|,?\s+(?:no i|a takze|a także|oraz|i jeszcze|a jeszcze|a do tego|i od razu|a od razu|a przy okazji|i przy okazji|przy okazji|plus|and also|and|also|а також|і ще|також)\s+|,\s+(?:a|i)\s+|(?<!^\s*(?:\S+\s+){0,2}\S+):\s+|,\s+(?=(?:do kiedy|czy|jak|ile|kiedy|gdzie|kto|prosze|prosz\w*|chce|wlacz\w*|wysl\w*|przesl\w*|pokaz\w*|sprawdz\w*|zglos\w*|podaj\w*|odczyt|stan)\b)|\s+i\s+(?=(?:czy|jak|jaki|jaka|jakie|na jakie|na jaki|na ktore|na ktory|ile|kiedy|gdzie|kto|co)\b|(?:podaj|prosz|chc|wysl|przesl|pokaz|sprawdz|zglas|zglos|wlacz|dajcie|daj)\p{L}*)|\s+і\s+(?=(?:на\s+який|який|яка|яке|скільки|де|коли|як|чи)\s)/giu;

/** Tasks whose words, told before a message to the office or a complaint, are only the story of it. */
const STORY_OF_A_MESSAGE = ['invoices.list', 'balance.check', 'payment.info', 'consumption.report', 'readings.history', 'einvoice.activate'];

/**
 * A part told (not asked) around a complaint or a message that is only its story: the words of a
 * lighter task, a past emergency (`after` it), a reading without a value ("umówiłam się na wymianę
 * wodomierza na 8-12…").
 */
function toldStory(p: { text: string; kind: string; intent: string }, recognizer: Recognizer, opts: { language: Locale; today: Date }, after: boolean): boolean {
  if (/\?\s*$/.test(p.text)) return false;
  if (p.intent === 'outage.report') return after && !HAPPENING_NOW.test(foldDiacritics(p.text));
  if (p.intent === 'reading.submit') return after || !recognizer.recognize(p.text, opts).entities.some((e) => e.type === 'meterValue');
  return STORY_OF_A_MESSAGE.includes(p.intent) || p.kind === 'question';
}

/** A task part must be this sure; a vaguer part belongs to its neighbour. */
const PART_SCORE = 0.75;

/**
 * Splits a message into the requests it makes, in order; [] when it makes fewer than two
 * different ones (then the message is handled as a whole).
 */
export function splitRequests(text: string, recognizer: Recognizer, opts: { language: Locale; today: Date; tasks: readonly string[]; cue?: (nlu: NluResult) => string | null }): RequestPart[] {
  if (text.length < 12) return [];
  const pieces = text.split(CUT).map((s) => (s ?? '').trim()).filter((s) => s.length > 0);
  if (pieces.length < 2) return [];
  const parts: Array<{ text: string; kind: 'task' | 'question' | 'none'; intent: string }> = [];
  for (const p of pieces) {
    const nlu = recognizer.recognize(p, { language: opts.language, today: opts.today });
    const words = p.split(/\s+/).length;
    let kind: 'task' | 'question' | 'none' = 'none';
    let intent = nlu.intent;
    const cue = opts.cue?.(nlu) ?? null;
    // A question about the rules of a task ("Mogę zapłacić na poczcie?") is answered, whatever task NLU guesses (as for a whole message).
    const rules = words >= 3 ? questionHit(p, nlu, opts.language) : null;
    if (rules?.cued) {
      kind = 'question';
      intent = `kb:${rules.entry.id}`;
    } else if (opts.tasks.includes(nlu.intent) && nlu.score >= PART_SCORE && words >= 2) kind = 'task';
    else if (cue && words >= 2) {
      kind = 'task';
      intent = cue;
    } else if (words >= 3) {
      const hit = knowledgeBase().find(p, opts.language);
      if (hit && (hit.cued || nlu.intent === 'info.question' || /\?\s*$/.test(p))) {
        kind = 'question';
        intent = `kb:${hit.entry.id}`;
      }
    }
    // "…nie mam iBOK-a, numer klienta to 100234" is not a request of its own: it fills the linking that the task next to it needs.
    if (kind === 'task' && intent === 'account.link') kind = 'none';
    const prev = parts[parts.length - 1];
    if (kind === 'none' && prev) prev.text += ` ${p}`;
    else if (prev && prev.kind === 'none') parts[parts.length - 1] = { text: `${prev.text} ${p}`, kind, intent };
    else if (prev && prev.kind === kind && prev.intent === intent) prev.text += ` ${p}`;
    // The same request said again later ("Скільки мені треба заплатити … Маю якусь zaległość") is answered once.
    else if (kind === 'task' && parts.some((q) => q.kind === kind && q.intent === intent)) {
      const same = parts.find((q) => q.kind === kind && q.intent === intent);
      if (same) same.text += ` ${p}`;
    }
    else parts.push({ text: p, kind, intent });
  }
  let real = parts.filter((p): p is { text: string; kind: 'task' | 'question'; intent: string } => p.kind !== 'none');
  // "nie dostaję faktur od 3 miesięcy… proszę przekazać do biura, żeby sprawdzili adres", "…faktura prawie 2 razy większa. chcę to zareklamować":
  // what is told (not asked) before a message to the office or a complaint is part of it.
  const office = real.findIndex((p) => p.intent === 'message.send' || p.intent === 'complaint.file');
  if (office > 0) {
    const told = real.slice(0, office).filter((p) => toldStory(p, recognizer, opts, false));
    if (told.length === office) real = [{ ...real[office], text: [...told.map((p) => p.text), real[office].text].join(' ') }, ...real.slice(office + 1)];
  }
  // "Chcę złożyć reklamację. Monter zostawił przeciek, zalało łazienkę…": what is told right after it is its description, too.
  const filed = real.findIndex((p) => p.intent === 'message.send' || p.intent === 'complaint.file');
  while (filed >= 0 && filed + 1 < real.length && toldStory(real[filed + 1], recognizer, opts, true)) {
    real[filed] = { ...real[filed], text: `${real[filed].text} ${real[filed + 1].text}` };
    real.splice(filed + 1, 1);
  }
  if (real.length < 2) return [];
  return real.map((p) => ({ ...p, nlu: recognizer.recognize(p.text, { language: opts.language, today: opts.today }) }));
}

/** The one request of a long story ("…mam wrażenie, że wody idzie więcej. Ile zużyliśmy w październiku?"): its last sentence that names a task. */
export function requestOfStory(text: string, recognizer: Recognizer, opts: { language: Locale; today: Date; tasks: readonly string[] }): NluResult | null {
  const sentences = text.split(/(?<=[.?!;])\s+|\n+/).map((s) => s.trim()).filter((s) => s.split(/\s+/).length >= 2);
  if (sentences.length < 2) return null;
  for (const s of sentences.reverse()) {
    const nlu = recognizer.recognize(s, { language: opts.language, today: opts.today });
    if (opts.tasks.includes(nlu.intent) && nlu.score >= PART_SCORE) return { ...nlu, text, entities: recognizer.recognize(text, { language: opts.language, today: opts.today }).entities };
  }
  return null;
}

/** Tasks that take a period, and tasks that take an address. */
const PERIOD_TASKS = ['invoices.list', 'consumption.report', 'readings.history'];
const ADDRESS_TASKS = ['outage.check', 'outage.subscribe'];
/** How long a context stays usable. */
const CONTEXT_MS = 30 * 60_000;

/** "a rok temu?", "rok wcześniej", "a year before": the last period a year back. */
const YEAR_BACK_RE = /rok temu|rok wczesniej|sprzed roku|(?:zeszl|ubiegl|poprzedni)\w* roku? (?:w tym samym|o tej samej)|w tym samym czasie|(?:a )?year (?:ago|before|earlier)|рік тому|роком раніше/;
/** Asking by when a case is answered ("do kiedy macie czas?", "kiedy dostanę odpowiedź?", "how long will it take?"). */
const DEADLINE_RE = /do kiedy|kiedy (?:\w+ )?(?:odpowie|odpisz|odpisze|dostane|bedzie odpowiedz|rozpatrz|zalatwi)|ile (?:\w+ )?(?:czasu|dni)|jaki termin|by when|how long|when will (?:i|you)|до коли|скільки часу/;
/** Asking for the chart of what was just shown. */
const CHART_RE = /wykres|graf|diagram|chart|graph|графік|діаграм/;

/** An ISO date one year earlier (29 February → 28 February). */
function yearEarlier(iso: string): string {
  const y = Number(iso.slice(0, 4)) - 1;
  return iso.slice(5) === '02-29' ? `${y}-02-28` : `${y}${iso.slice(4)}`;
}

/** Correcting what was just given (a number after "nie" / "not" is the one taken back). */
const FIX_RE = /zle|pomyl|pomylk|ma byc|powinno byc|popraw|blad|nie tak|sorry|sorki|mistake|wrong|should be|i meant|помил|має бути/;

/** Asking what an amount is for ("a za co to?", "z czego to wynika?", "what is it for?"). */
const WHAT_FOR = /(?:^|\s)(?:za co|z czego|skad (?:ta|taka|sie wziela)|what (?:is it|is that|are they) for|what for|за що)(?:\s|$)/;
/** Asking for a document again: the PDF, a copy, sending it. */
const INVOICE_AGAIN = /\b(?:pdf|plik\w*|kopi\w*|wysl\w*|przesl\w*|wrzuc\w*|daj|dawaj|podeslij|send|mail\w*|e-?mail\w*)\b|надішл|pdf/;
/** A word pointing back at what was just shown ("ją", "tę", "it", "її"). */
const IT = /(?:^|\s)(?:ja|jo|je|ta|te|tej|tego|ją|tę|it|that one|this one|її|його|цей|цю)(?:\s|$)/;

/** Folded, without the commas that do not change a follow-up ("dobra, to wyślij ją"). */
const plain = (text: string): string => foldDiacritics(text).replace(/[,;:!]+/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * A reading after the reading task, put off or done: "dobra, zeszłam, jest 605,85" (after "nie teraz"),
 * "kurcze, źle spisałam, ma być 910,496 a nie 910,696" (today's reading again, with the value meant,
 * not the one taken back). A number needs a decimal part or a correction word to count.
 */
function readingCorrection(nlu: NluResult, context: ConversationContext): { intent: string; nlu: NluResult } | null {
  const f = foldDiacritics(nlu.text);
  const otherTask = nlu.intent !== 'reading.submit' && nlu.intent !== 'None' && nlu.score >= 0.8;
  if (context.task !== 'reading.submit' || otherTask || nlu.entities.some((e) => e.type === 'money' || e.type === 'period')) return null;
  const fix = FIX_RE.test(f);
  const meant = [...f.matchAll(/(?<![\d,.])\d{1,6}(?:[.,]\d{1,3})?(?![\d])/g)]
    .filter((m) => (fix || /[.,]/.test(m[0])) && !/(?:\bnie|\bnot|не)\s*$/.test(f.slice(Math.max(0, (m.index ?? 0) - 8), m.index)));
  const litres = meant.length ? parseMeterValue(meant[0][0]) : null;
  if (litres === null) return null;
  return { intent: 'reading.submit', nlu: { ...nlu, intent: 'reading.submit', score: 1, entities: [...nlu.entities.filter((e) => e.type !== 'meterValue'), { type: 'meterValue', litres, text: meant[0][0] }] } };
}

/** Looks like a follow-up: short, or opening with "a", "i", "and", "what about". */
function followUpShape(text: string): boolean {
  const f = plain(text);
  return f.split(/\s+/).length <= 9 && (/^(?:(?:ok|okej|dobra|dobrze|super|no|okay)\s+)?(?:a|i|oraz|to|no to|and|what about|how about|а|і|та)\b/.test(f) || f.split(/\s+/).length <= 5);
}

/**
 * The last task again with what the follow-up adds (a period, a house number, a street), or null
 * when the message is not such a follow-up. The returned NLU result carries the merged entities.
 */
export function resolveFollowUp(nlu: NluResult, context: ConversationContext | undefined, now: Date): { intent: string; nlu: NluResult; strong?: boolean } | null {
  if (!context || now.getTime() - Date.parse(context.at) > CONTEXT_MS) return null;
  const fixed = readingCorrection(nlu, context);
  if (fixed) return fixed;
  if (!followUpShape(nlu.text)) return null;
  const f = plain(nlu.text);
  const entities: NluEntity[] = [...nlu.entities];
  let intent: string | null = null;
  if (PERIOD_TASKS.includes(context.task) && context.period && YEAR_BACK_RE.test(f)) {
    // "a rok temu w tym samym czasie?": the same period a year earlier.
    const p = context.period;
    const at = entities.findIndex((e) => e.type === 'period');
    const shifted: NluEntity = { type: 'period', from: yearEarlier(p.from), to: yearEarlier(p.to), text: p.text };
    if (at >= 0) entities[at] = shifted;
    else entities.push(shifted);
    intent = context.task;
  } else if (['consumption.report', 'readings.history'].includes(context.task) && CHART_RE.test(f) && !entities.some((e) => e.type === 'period')) {
    // "a pokaż to na wykresie": the same figures again (with their chart).
    if (context.period) entities.push({ type: 'period', ...context.period });
    intent = context.task;
  }
  const period = entities.find((e) => e.type === 'period');
  if (period && PERIOD_TASKS.includes(context.task)) intent = context.task;
  if (ADDRESS_TASKS.includes(context.task)) {
    const address = entities.find((e) => e.type === 'address');
    const number = /(?:pod|nr|numer(?:em|u)?|number|no\.?|budynek|blok)\s*(\d{1,4}[a-z]?)\b/.exec(f) ?? /^(?:a|i|and)\s+(\d{1,4}[a-z]?)\s*\??$/.exec(f);
    if (address) intent = context.task;
    else if (number && context.address) {
      entities.push({ type: 'address', street: context.address.street, streetKey: context.address.streetKey || streetKey(context.address.street), building: number[1], text: number[0] });
      intent = context.task;
    }
  }
  if (!intent && context.task === 'case.status' && DEADLINE_RE.test(f)) {
    // "a do kiedy macie czas, żeby odpisać?" after a case's status: that case again, with its answer date.
    if (context.caseNumber && !entities.some((e) => e.type === 'caseNumber')) entities.push({ type: 'caseNumber', value: context.caseNumber, text: context.caseNumber });
    intent = 'case.status';
  }
  if (!intent && /(?:oplacon|zaplacon|paid|сплачен)/.test(f) && (period || context.task === 'invoices.list')) intent = 'invoices.list';
  if (!intent && /^(?:a |i )?(?:ile|how much|скільки)\b/.test(f) && ['balance.check', 'payment.info'].includes(context.task)) intent = 'balance.check';
  // "nie, mam nowy mail: x@y.pl" after e-invoice was turned on: the e-invoice's new address.
  // (It wins over NLU's guess: an address given right after the e-invoice is its address.)
  if (!intent && context.task === 'einvoice.activate' && /\S@\S+\.\S/.test(nlu.text)) return { intent: 'einvoice.activate', nlu: { ...nlu, intent: 'einvoice.activate', score: 1 }, strong: true };
  // "a za co to?" after the amount due: the invoices it is made of.
  if (!intent && WHAT_FOR.test(f) && ['balance.check', 'payment.info'].includes(context.task)) intent = 'invoices.list';
  // "ok to wrzuć mi ją w pdf", "a wyślij ją mailem" after an invoice: that invoice again.
  if (!intent && context.invoiceNumber && !period && INVOICE_AGAIN.test(f) && (IT.test(f) || /\bpdf\b/.test(f))) {
    entities.push({ type: 'invoiceNumber', value: context.invoiceNumber, text: context.invoiceNumber });
    intent = 'invoices.list';
  }
  if (!intent) return null;
  return { intent, nlu: { ...nlu, intent, score: 1, entities } };
}

type PeriodEntity = Extract<NluEntity, { type: 'period' }>;
/** What may stand between months named together ("w październiku i listopadzie", "lipiec, sierpień", "lipiec-sierpień"). */
const MONTHS_JOINED = /^\s*(?:,|-|–|\bi\b|\boraz\b|\band\b|\bта\b|\bі\b)?\s*(?:(?:w|we|za|in|у|в)\s+)?$/;

/**
 * The period a message names: of several, the last one (in a story the request comes last: "od
 * września mieszka z nami teściowa… ile zużyliśmy w październiku i listopadzie?"), joined with the
 * months named together with it; null when none.
 */
export function namedPeriod(nlu: NluResult | null): { from: string; to: string; text: string } | null {
  const ps = (nlu?.entities ?? []).filter((e): e is PeriodEntity => e.type === 'period');
  if (!nlu || ps.length === 0) return null;
  const at = (p: PeriodEntity, from = 0) => nlu.text.indexOf(p.text, from);
  let { from, to } = ps[ps.length - 1];
  let start = at(ps[ps.length - 1]);
  for (let i = ps.length - 2; i >= 0; i--) {
    const here = at(ps[i]);
    if (here < 0 || start < 0 || !MONTHS_JOINED.test(nlu.text.slice(here + ps[i].text.length, start))) break;
    from = ps[i].from < from ? ps[i].from : from;
    to = ps[i].to > to ? ps[i].to : to;
    start = here;
  }
  const end = at(ps[ps.length - 1]) + ps[ps.length - 1].text.length;
  return { from, to, text: start >= 0 && end > start ? nlu.text.slice(start, end) : ps[ps.length - 1].text };
}

/** What a finished task leaves as context for follow-ups. */
export function contextOf(task: string, nlu: NluResult | null, now: Date, previous?: ConversationContext): ConversationContext {
  const ctx: ConversationContext = { task, at: now.toISOString() };
  const keep = previous && now.getTime() - Date.parse(previous.at) <= CONTEXT_MS ? previous : undefined;
  const period = namedPeriod(nlu);
  if (period) ctx.period = period;
  for (const e of nlu?.entities ?? []) {
    if (e.type === 'address') ctx.address = { street: e.street, streetKey: e.streetKey, building: e.building };
    if (e.type === 'invoiceNumber') ctx.invoiceNumber = e.value;
    if (e.type === 'caseNumber') ctx.caseNumber = e.value;
  }
  if (!ctx.address && keep?.address) ctx.address = keep.address;
  return ctx;
}
