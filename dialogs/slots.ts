/**
 * One registry of what a prompt can take as an answer, per slot (the journey schema's slot names):
 * how to read the value out of a whole sentence ("sorki, pomyłka, powinno być 512,7", "nie, mam nowy
 * mail: x@y.pl", "numer klienta mam 100777"). The prompts' validators, the answer-understanding step
 * (dialogs/understanding.ts) and slot filling from any message all use these readers, so they
 * can never disagree about what counts as an answer.
 */
import type { TurnContext } from 'botbuilder';
import type { PromptOptions } from 'botbuilder-dialogs';
import type { NluResult } from '../src/nlu';
import { MAX_METER_LITRES, parseMeterValue } from '../src/services/ReadingService';
import { normalizeLinkCode } from '../src/services/LinkService';
import { normalizeCaseNumber } from '../src/services/CaseService';
import { foldDiacritics } from '../src/domain/streets';
import type { KroplaMarks, Slot } from './context';
import { matchChoice, parseYesNo } from './parsing';

/** What a reader sees: the message, what NLU made of it, and the prompt's options (button titles). */
export interface SlotInput {
  text: string;
  nlu: NluResult | null;
  titles: string[];
  attachments: number;
  /** What a yes or a no means for this question: `neighbours` = "do the neighbours have no water either?". */
  answers?: string;
  /** `answer`: the message answers this prompt; `prefill`: the message was said before the prompt (only clear values count). */
  mode: 'answer' | 'prefill';
}

/** A value read for a slot: booleans for yes/no, litres for readings, a button title for choices, text otherwise. */
export type SlotValue = string | number | boolean;

const norm = (s: string): string => foldDiacritics(s).replace(/[!?.…,;:"'()]+/g, ' ').replace(/\s+/g, ' ').trim();

/** A value the customer does not have: "nie mam kodu", "no code". Kept as this marker text. */
export const NO_CODE = 'nie mam kodu';
const NO_CODE_RE = /nie mam (?:\w+ )?(?:kodu|ibok)|(?:kodu|ibok\w*) (?:tez )?nie mam|brak kodu|bez kodu|nie dostal\w* kodu|nie mam (?:\w+ )?konta w ibok|nie (?:korzystam|uzywam) (?:z )?ibok|no code|don.?t have (?:a |the )?code|haven.?t got|no ibok|don.?t have ibok|немає коду|не маю коду|немає ibok|не маю ibok/;

const EMAIL_RE = /[\p{L}0-9._%+-]+@[\p{L}0-9.-]+\.[\p{L}]{2,}/u;
const PHONE_RE = /(?:\+?48[\s-]?)?(?<!\d)(\d{3}[\s-]?\d{3}[\s-]?\d{3}|\d{2}[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}|\d{2}[\s-]\d{2}[\s-]\d{2}[\s-]\d{3})(?!\d)/;

/** Words that name the customer number. */
const CUSTOMER_NUMBER_WORDS = /(?:numer\w*|nr) (?:\w+ )?klienta|(?:numer|nr) (?:to |mam )?\d{6}\b|customer (?:number|no)|client number|номер клієнта/;

/** The numbers in a sentence that could be a meter reading (decimal comma or point, "m3"). */
function meterNumbers(text: string): number[] {
  const out: number[] = [];
  // dates (15.11.2026, 15.11) and times are not readings
  const cleaned = text.replace(/\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b/g, ' ').replace(/\b\d{1,2}:\d{2}\b/g, ' ');
  for (const m of cleaned.matchAll(/(?<![\d,.-])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,](\d{1,3}))?(?![\d])/g)) {
    const litres = parseMeterValue(m[0]);
    if (litres !== null && litres >= 0 && litres <= MAX_METER_LITRES) out.push(litres);
  }
  return out;
}

/** Words that mean the garden sub-meter, or the main meter. */
const SUBMETER_RE = /podlicznik|pod licznik|ogrod|ogrod|dzialk|podlewan|sub-?meter|garden|second meter|субліч|садов|полив/;
const MAIN_RE = /glown|glowny|main|domow|w domu|mieszkani|основн|головн/;

/** The meter a label names ("główny", "ogrodowy podlicznik"), or null. */
export function meterKindOf(label: string): 'main' | 'submeter' | null {
  const n = norm(label);
  return SUBMETER_RE.test(n) ? 'submeter' : MAIN_RE.test(n) ? 'main' : null;
}

/** Complaint categories by what people say about them (order as COMPLAINT_CATEGORIES). */
const CATEGORY_WORDS: Array<[string, RegExp]> = [
  ['invoice', /faktur|rachun|oplat|naliczy|za duzo|za wysok|kwot|zaplac|rozlicz|invoice|bill|charge|рахун|фактур|платіж|нарах/],
  ['meter', /licznik|wodomierz|odczyt|meter|reading|лічильн|показ/],
  ['water_quality', /jakosc|brazow|rdzaw|mętn|metn|zolt|smierdz|smak|zapach|brudn|kolor|osad|chlor|quality|brown|rusty|smell|cloudy|dirty|якіст|брудн|іржав|запах|колір|каламут/],
  ['pressure', /cisnien|slabo leci|ledwo leci|kapie|pressure|тиск/],
  ['staff', /pracownik|obsług|obslug|monter|inkasent|konsultant|niemil|niegrzecz|robotni|fachowc|ekipa|staff|employee|worker|fitter|technician|plumber|installer|rude|працівник|персонал|майстер/],
  ['other', /inne|cos innego|other|інше/],
];
/** Nobody came at the agreed time: the service, whatever the visit was for. */
const NO_SHOW_RE = /nikt (?:sie )?nie (?:przyszed|przyjecha|pojawi|zjawi)|nie przyszed\w*|nie przyjecha\w*|no one (?:came|showed)|nobody (?:came|showed)|didn.?t (?:come|show)|ніхто не прийш/;
/** Damage done to property ("koparką rozwalili płot", "a floor tile is cracked"): a claim, filed as another matter whoever did it. */
const DAMAGE_RE = /zniszcz|rozwal|uszkodz|zepsul|popsul|szkod|pekniet|zalal\w* (?:mi |nam )?(?:lazienk|mieszkan|piwnic|podlog)|damage|broke|cracked|ruined|flooded|пошкод|зламал/;

/** Contact preferences by their words (order chat, email, phone). */
const CONTACT_WORDS: Array<[string, RegExp]> = [
  ['chat', /czat|chat|tutaj|tu na|w tym oknie|wiadomosc|тут|чат/],
  ['email', /mail|e-mail|email|poczt|пошт|імейл|мейл/],
  ['phone', /telefon|zadzwon|dzwon|komork|phone|call|телефон|дзвін|зателефон/],
];

function choiceByWords(n: string, titles: string[], words: Array<[string, RegExp]>, keys: string[]): string | null {
  const hits = words.filter(([, re]) => re.test(n)).map(([k]) => k);
  if (words === CATEGORY_WORDS && NO_SHOW_RE.test(n)) hits.unshift('staff');
  if (words === CATEGORY_WORDS && DAMAGE_RE.test(n)) hits.unshift('other');
  // The most specific hit wins: "faktura za wodę jest za wysoka" is about the invoice, "brązowa woda" about quality, damage is a claim.
  const k = hits.find((h) => h === 'water_quality') ?? hits.find((h) => h === 'pressure') ?? hits[0];
  if (!k) return null;
  const i = keys.indexOf(k);
  return i >= 0 && i < titles.length ? titles[i] : null;
}

/** A title chosen by number, its words, or (for two-option yes/no prompts) a yes or a no. */
function chosen(input: SlotInput): string | null {
  if (!input.titles.length) return null;
  const i = matchChoice(input.text, input.titles);
  return i >= 0 ? input.titles[i] : null;
}

/** A yes or a no anywhere a person puts it: "tak proszę zapisać", "nie, mam nowy mail: …", "yes that's right". */
export function readYesNo(text: string): boolean | null {
  const direct = parseYesNo(text);
  if (direct !== null) return direct;
  const n = norm(text);
  if (/^(tak|jasne|pewnie|oczywiscie|ok|okej|dobrze|zgoda|zgadza sie|potwierdzam|yes|yeah|yep|sure|correct|right|так|звісно|звичайно|добре|авжеж|ага)\b/.test(n)) return true;
  // Silesian "ja" is a yes ("ja, tak, wysyłać"); "ja nie wiem" is not.
  if (n === 'ja' || /^\s*ja\s*[,.!;]/i.test(text)) return true;
  // "poproszę" is a yes; "proszę dzwonić na 512 300 400" is a request of its own.
  if (/^(prosze|poprosze)\b/.test(n) && n.split(' ').length <= 3) return true;
  // "nie, mam nowy mail…" is a no; "nie mam wody na Mikołowskiej…" is not an answer at all.
  if (/^(nie|no|nope|ні|не)\b/.test(n) && (n.split(' ').length <= 3 || /^\s*(nie|no|nope|ні|не)\s*[,.;:!—–-]/i.test(text))) return false;
  if (/\b(zgadza sie|wszystko sie zgadza|dokladnie tak|tak jest|wysylaj|wysylac|wyslijcie|wyslij|zapisz|zapisuj|wlacz|zglos|potwierdzam|that.?s right|go ahead|please do|так,? )\b/.test(n) && !/\b(nie|not|don.?t|ні|не)\b/.test(n)) return true;
  if (/\b(jednak nie|raczej nie|nie chce|nie trzeba|nie teraz|nie wysylaj|nie zapisuj|never mind|not now|no thanks)\b/.test(n)) return false;
  return null;
}

/** "chcę napisać do was wiadomość", "chca napisać do wos wiadomość", "I want to send a message": saying that a text will follow. */
const ANNOUNCE_RE = /(?:chce|chcialbym|chcialabym|chca|chcialem|chcialam|musze|potrzebuje|chcemy|bede)\s+(?:\w+\s+){0,3}?(?:napisac|nopisac|wyslac|przekazac|zostawic|skierowac)\s+(?:\w+\s+){0,3}?(?:wiadomosc\w*|pismo|list|prosbe|zapytanie)\b|i (?:want|would like|need) to (?:write|send|leave)\s+(?:\w+\s+){0,3}?(?:message|note|letter)\b|хочу (?:написати|надіслати|залишити)/;

/**
 * A first message that only announces a message to the office ("Chca napisać do wos wiadomość, bo
 * łod nowego roku bede mioł inny adres"): what follows the announcement gives no detail to pass on —
 * no number, address or e-mail, nothing after a colon, and not a long story. Then it is not the text.
 */
export function onlyAnnounces(text: string): boolean {
  const f = norm(text);
  const m = ANNOUNCE_RE.exec(f);
  if (!m) return false;
  const rest = f.slice((m.index ?? 0) + m[0].length).trim();
  if (/\d|@/.test(text) || /[:–]\s*\S+\s+\S+/.test(text)) return false;
  return rest.split(' ').filter(Boolean).length < 12;
}

type Reader = (input: SlotInput) => SlotValue | null;

const READERS: Record<Slot, Reader> = {
  meterValue: (i) => {
    const e = i.nlu?.entities.find((x) => x.type === 'meterValue');
    if (e?.type === 'meterValue') return e.litres;
    if (i.mode === 'prefill') return null;
    const nums = meterNumbers(i.text);
    if (nums.length === 0) return null;
    // "nie 521, tylko 512,7" / "sorki, powinno być 512,7": the last number is the one meant.
    return nums[nums.length - 1];
  },
  meter: (i) => {
    const n = norm(i.text);
    const pick = (re: RegExp) => {
      const idx = i.titles.findIndex((t) => re.test(norm(t)));
      return idx >= 0 ? i.titles[idx] : null;
    };
    if (SUBMETER_RE.test(n)) return pick(/podlicznik|sub-?meter|субліч|ogrod|garden/);
    if (i.mode === 'answer') {
      if (MAIN_RE.test(n)) return pick(/glown|main|основн|головн/);
      return chosen(i);
    }
    return null;
  },
  yesNo: (i) => {
    if (i.mode === 'prefill') return null;
    if (i.answers === 'neighbours') {
      const n = norm(i.text);
      if (/(tez nie|tez brak|tyz niy|nikt nie ma|nikt niy ma|nikt w|caly blok|calym bloku|calym budynku|cal\w* ulic|cal\w* blok|niy mo|niy majo|nigdzie|u wszystkich|neither|nobody|whole (?:building|street)|ніде|ні в кого)/.test(n)) return true;
      if (/(sasiedzi maja|sasiad\w* (ma|maja|jest)|u sasiad\w* (jest|leci|normalnie)|tylko u mnie|tylko w moim|u nich jest|neighbou?rs have|only (my|in my)|тільки в мене)/.test(n)) return false;
    }
    if (i.titles.length) {
      const c = chosen(i);
      if (c) return c;
      const yn = readYesNo(i.text);
      if (yn !== null && i.titles.length === 2) return yn ? i.titles[0] : i.titles[1];
      return null;
    }
    return readYesNo(i.text);
  },
  category: (i) => {
    if (i.mode === 'answer') {
      const c = chosen(i);
      if (c) return c;
    }
    return choiceByWords(norm(i.text), i.titles, CATEGORY_WORDS, ['invoice', 'meter', 'water_quality', 'pressure', 'staff', 'other']);
  },
  contact: (i) => {
    if (i.mode === 'answer') {
      const c = chosen(i);
      if (c) return c;
    }
    const n = norm(i.text);
    if (EMAIL_RE.test(i.text)) return i.titles[1] ?? null;
    if (i.mode === 'answer' && PHONE_RE.test(i.text)) return i.titles[2] ?? null;
    if (i.mode === 'prefill' && !/(odpowiedz|kontakt|odpisz|odezwij|reply|contact|answer)/.test(n)) return null;
    return choiceByWords(n, i.titles, CONTACT_WORDS, ['chat', 'email', 'phone']);
  },
  email: (i) => EMAIL_RE.exec(i.text)?.[0].replace(/[.,;:]+$/, '').toLowerCase() ?? null,
  phone: (i) => {
    const m = PHONE_RE.exec(i.text);
    return m ? m[0].trim() : null;
  },
  customerNumber: (i) => {
    const e = i.nlu?.entities.find((x) => x.type === 'customerNumber');
    if (e?.type === 'customerNumber') return e.value;
    // Said before the question, a number counts when the sentence calls it the customer number ("numer klienta mam na fakturze: 100007").
    if (i.mode === 'prefill' && !CUSTOMER_NUMBER_WORDS.test(norm(i.text))) return null;
    const nums = [...i.text.matchAll(/(?<!\d)(\d[\d ]{3,22}\d)(?!\d)/g)].map((m) => m[1].replace(/\s+/g, '')).filter((d) => d.length >= 4 && d.length <= 20);
    return nums.length ? nums[nums.length - 1] : null;
  },
  linkCode: (i) => {
    const e = i.nlu?.entities.find((x) => x.type === 'linkCode');
    if (e?.type === 'linkCode') return e.value;
    const whole = normalizeLinkCode(i.text);
    if (whole) return whole;
    if (NO_CODE_RE.test(norm(i.text))) return NO_CODE;
    return null;
  },
  terms: (i) => {
    if (i.mode === 'prefill') return null;
    const c = chosen(i);
    if (c) return c;
    const n = norm(i.text);
    if (/akcept|zgadzam|zgoda|przyjmuj|accept|agree|приймаю|погоджу/.test(n) && !/nie akcept|nie zgadzam|don.?t accept|не приймаю/.test(n)) return i.titles[0] ?? null;
    const yn = readYesNo(i.text);
    if (yn !== null) return (yn ? i.titles[0] : i.titles[1]) ?? null;
    return null;
  },
  address: (i) => {
    const e = i.nlu?.entities.find((x) => x.type === 'address');
    if (e?.type === 'address') return i.text;
    if (i.mode === 'prefill') return null;
    return i.text.trim().length >= 3 ? i.text : null;
  },
  period: (i) => {
    const e = i.nlu?.entities.find((x) => x.type === 'period');
    return e?.type === 'period' ? e.text : null;
  },
  invoice: (i) => {
    if (i.mode === 'prefill') return null;
    // An invoice named by its number is that invoice, offered or not ("nie, prześlij FV/2026/11/000007").
    const named = i.nlu?.entities.find((x) => x.type === 'invoiceNumber');
    if (named?.type === 'invoiceNumber') return named.value;
    const c = chosen(i);
    if (c) return c;
    // "ta z listopada": the offered invoice issued in that month (its number says the month: FV/2026/11/…).
    const period = i.nlu?.entities.find((x) => x.type === 'period');
    if (period?.type === 'period') {
      const inMonth = i.titles.filter((t) => {
        const m = /FV\/(\d{4})\/(\d{2})\//.exec(t);
        return m !== null && `${m[1]}-${m[2]}-01` >= period.from.slice(0, 7) + '-01' && `${m[1]}-${m[2]}-01` < period.to;
      });
      if (inMonth.length === 1) return inMonth[0];
    }
    const yn = readYesNo(i.text);
    if (yn === false && i.titles.length) return i.titles[i.titles.length - 1];
    // "tak, poproszę": the newest of the offered invoices (the first button; the last is "no, thanks")
    if (yn === true && i.titles.length >= 2) return i.titles[0];
    if (/ostatni|najnowsz|latest|last|newest|остан/.test(norm(i.text)) && i.titles.length >= 2) return i.titles[0];
    return null;
  },
  caseNumber: (i) => {
    const e = i.nlu?.entities.find((x) => x.type === 'caseNumber');
    if (e?.type === 'caseNumber') return e.value;
    return normalizeCaseNumber(i.text);
  },
  description: (i) => {
    const t = i.text.trim();
    if (i.mode === 'prefill') return t.split(/\s+/).length >= 6 && !onlyAnnounces(t) ? t : null;
    return t.length >= 3 || i.attachments > 0 ? t : null;
  },
  attachments: (i) => (i.attachments > 0 ? 'photo' : i.mode === 'answer' && i.text.trim() ? i.text : null),
  form: (i) => (i.mode === 'answer' ? chosen(i) ?? (i.text.trim() || null) : null),
  choice: (i) => (i.mode === 'answer' ? chosen(i) : null),
};

/** Reads `slot` from a message; null when the message does not give it. */
export function readSlot(slot: Slot, input: SlotInput): SlotValue | null {
  return READERS[slot](input);
}

/** An answer that corrects an earlier slot instead ("sorki, pomyłka, powinno być 919,332" at "Czy zapisać?"). */
export interface Correction {
  corrected: SlotValue;
  slot: Slot;
}

/**
 * The answer to a prompt: its own slot's value, or — when the prompt allows correcting an
 * earlier slot (`corrects`) and the message gives that one without a plain yes — the correction.
 */
export function readAnswer(slot: Slot, input: SlotInput, corrects?: Slot | readonly Slot[], correctTitles?: string[]): SlotValue | Correction | null {
  if (corrects) {
    const yes = readYesNo(input.text) === true;
    // The earlier slots are read with their own options (a contact choice at a "send it?" question);
    // after a plain yes only a new address or number counts ("tak, ale proszę na x@y.pl").
    for (const earlier of typeof corrects === 'string' ? [corrects] : corrects) {
      if (yes && earlier !== 'email' && earlier !== 'phone') continue;
      const c = readSlot(earlier, correctTitles ? { ...input, titles: correctTitles } : input);
      if (c !== null) return { corrected: c, slot: earlier };
    }
  }
  return readSlot(slot, input);
}

/** A prompt result that is a correction. */
export function isCorrection(v: unknown): v is Correction {
  return typeof v === 'object' && v !== null && 'corrected' in v;
}

/** The slot and button titles an active prompt was started with (from its stored options). */
export function promptSlot(options: PromptOptions | undefined): PromptSlot | null {
  const marks = (options?.prompt as { channelData?: { kropla?: KroplaMarks } } | undefined)?.channelData?.kropla;
  if (!marks?.expects) return null;
  const v = (options?.validations ?? {}) as Omit<PromptSlot, 'slot'>;
  return { slot: marks.expects, titles: v.titles ?? [], corrects: v.corrects, correctTitles: v.correctTitles, answers: v.answers };
}

/** What a waiting prompt expects: its slot and buttons, and the earlier slots an answer may correct instead (read with `correctTitles`). */
export interface PromptSlot {
  slot: Slot;
  titles: string[];
  corrects?: Slot | readonly Slot[];
  correctTitles?: string[];
  answers?: string;
}

/** Slots whose answer is free text: never mistaken for a new task or a question. */
export const FREE_TEXT_SLOTS: readonly Slot[] = ['description', 'attachments'];

/** The slots filled by this turn's message (each at most once per turn), kept on the turn. */
const USED = Symbol('kropla.usedSlots');

/** A slot's value from the message of this turn, said before the bot asked (slot filling from any message). */
export function slotFromTurn(ctx: TurnContext, slot: Slot, nlu: NluResult | null, titles: string[] = []): SlotValue | null {
  const used = (ctx.turnState.get(USED) as Set<Slot> | undefined) ?? new Set<Slot>();
  if (used.has(slot) || !nlu) return null;
  const v = readSlot(slot, { text: nlu.text, nlu, titles, attachments: ctx.activity.attachments?.length ?? 0, mode: 'prefill' });
  if (v === null) return null;
  used.add(slot);
  ctx.turnState.set(USED, used);
  return v;
}

/** Marks a slot as answered in this turn (its value must not fill another prompt). */
export function markSlotUsed(ctx: TurnContext, slot: Slot): void {
  const used = (ctx.turnState.get(USED) as Set<Slot> | undefined) ?? new Set<Slot>();
  used.add(slot);
  ctx.turnState.set(USED, used);
}

/** Forgets which slots this turn filled (a queued request of the same message starts afresh). */
export function resetTurnSlots(ctx: TurnContext): void {
  ctx.turnState.delete(USED);
}
