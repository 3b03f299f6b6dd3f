/**
 * Task cues: what a message names outright, for when NLU is unsure. "czy faktura z października jest
 * opłacona?" names an invoice and its payment; "ok, prześlij mi FV/2026/11/000007" names an invoice
 * by number; "i podajcie konto" asks for the account number. A strong cue (an emergency, the word
 * "reklamacja") wins even over a confident guess of a lighter task.
 */
import type { NluResult } from '../src/nlu';
import { foldDiacritics } from '../src/domain/streets';

/** [intent, words that name it, strong]. Order matters: the first that applies wins. */
const TASK_CUES: Array<[string, RegExp, boolean]> = [
  ['outage.report', /\b(cofa|cofn|cofo|zalew|zalal|zalan|pekl|pekla rura|wybil|wybilo|leje sie|tryska|wyplywa|wylewa|gnojow|szambo|studzienk|burst|flood|прорив|затоп)/, true],
  // "zgłaszałam wyciek pod domem, czy ktoś się tym zajął?", "co się dzieje z moją reklamacją?": a filed case, not a new report or complaint.
  ['case.status', /\b(?:zglaszal|zglosil|zgloszon|skladal|zlozyl|pisal|wysylal|wyslal)\w*\b.{0,80}\b(?:czy ktos|czy cos|co z tym|co sie z tym|zajal|zajeli|zajmie|zalatwil|zalatwi|rozpatrz|naprawil|naprawi|usunel|usuneli|odpisal|odpowiedzial)|(?:co sie dzieje|co slychac|na jakim etapie|jak idzie|jaki jest status|status|co z|czy jest juz|czy rozpatrz|kiedy odpowie|what.?s happening with|status of)\s+(?:\w+\s+){0,3}(?:reklamac|sprawa|sprawy|sprawie|sprawa|zgloszeni|wiadomosci|pism|complaint|case|скарг|заяв)|(?:reklamac|sprawa|zgloszeni)\w*\s+(?:\w+\s+){0,3}(?:rozpatrzon|status|etap|odpowiedz)/, true],
  ['complaint.file', /reklamac|reklamow|zareklamow|\bskarg|complain|скарг/, true],
  ['submeter.legalization', /legaliz|do kiedy .*wazn|wazn\w* podlicznik/, false],
  // "faktury mają teraz przychodzić na x@y.pl": the e-invoice's address.
  ['einvoice.activate', /e-?faktur|faktur\w* elektron|e-invoice|е-рахун|faktur\w*(?: \S+){0,5} na (?:\S+ )?\S+@|invoices?(?: \S+){0,5} to \S+@/, false],
  ['readings.history', /(?:jakie|historia|historie|historii|liste|lista|poprzednie|wczesniejsze|ostatnie|dawne|moje)\s+(?:\w+\s+)?odczyt|odczyty (?:z|za|w|od)\b|reading history|past readings|історі\w* показ/, false],
  // "wyłączcie te powiadomienia", "wypisz mnie z alertów": stopping alerts, before the words of turning them on.
  ['outage.unsubscribe', /(?:wylacz|wypisz|wypisac|wypisal|rezygnuj|zrezygnowa|anuluj|usun|stop)\w*\s+(?:\w+\s+){0,3}(?:powiadom|alert|sms|informacj\w* o (?:awari|wylacz))|(?:nie chce|nie potrzebuje)\s+(?:\w+\s+){0,2}(?:powiadom|alert)|unsubscribe|stop (?:the |these |all )?(?:alerts|notifications)|(?:turn|switch) off (?:the |these |all )?(?:alerts|notifications)|відписат|вимкн\w* (?:сповіщ|оповіщ)/, false],
  ['outage.subscribe', /alert|powiadom|informowa|info o (przerw|awari|wylacz)|dostawac info|dawajcie znac|dajcie znac|notify|let me know|keep me (?:posted|informed)|inform me|сповіщ/, false],
  // "czy będzie wyłączenie wody na Gliwickiej w tym tygodniu?", "nie mam wody": works, planned or not, at an address.
  ['outage.check', /wylaczeni\w* wody|wylacza\w* wod|przerw\w* w dostaw|(?:czy|kiedy|jakie) (?:bedzie|beda|jest|sa|planuj\w*) (?:\w+ ){0,2}(?:wylacz|przerw|awari|prace)|planowan\w* (?:wylacz|prac|przerw)|(?:water )?shut-?offs?\b|shutdowns?\b|planned works|is there an outage|nie mam wody|nie ma wody|brak wody|nie leci woda|woda nie leci|nie plynie woda|bez wody|niy ma wody|no water|немає води/, false],
  ['invoices.list', /faktur|invoice|\bbills\b|\bpdf\b|(?<!номер )рахун|\bfv\s*\//, false],
  ['consumption.report', /zuzy|zuzyc|ile wody|consumption|how much water|споживан/, false],
  ['payment.info', /\bqr\b|numer konta|nr konta|na jakie konto|numer rachunku|dane do przelewu|account number|bank account|номер рахунку|реквізит|(?:podaj\w*|jakie|jaki|ktore|numer|nr|dane)\s+(?:\w+\s+)?(?:konto|konta)\b/, false],
  // "ile trzeba zapłacić", "czy coś jesteśmy winni", "скільки мені треба заплатити": the amount due.
  ['balance.check', /wplat|doszl|saldo|zaleg|do zaplat|do zaplac|wiela|dlug|\bowe\b|balance|борг|баланс|ile (?:\w+ )?(?:trzeba|musze|mam|mamy|nalezy|powinienem|powinnam) (?:\w+ )?(?:za)?placic|(?:jestesmy|jestem) (?:\w+ )?(?:winni|winien|winna|dluzni)|how much do i (?:owe|have to pay|need to pay)|скільки (?:\S+ )?(?:треба|потрібно|маю) (?:за)?платити/, false],
  ['message.send', /wiadomosc\w* (?:do|dla)|napis\w* do (?:was|biura|bok)|napisac wiadomosc|pismo do (?:was|biura|bok)|przekaz\w* (?:do biura|do bok|wiadomosc|prosbe|informacj)|pytanie do (?:biura|bok|pracownik)|prosze o (?:zmiane|aktualizacje) (?:danych|adresu|nazwiska|numeru)/, false],
  // The office's address, e-mail, phone or opening hours ("podajcie maila do biura", "is your office open on saturdays?").
  ['contact.info', /(?:mail\w*|e-mail\w*|adres\w*|telefon\w*|numer\w*|nr) (?:\w+ )?(?:do|of|for) (?:biura|bok\b|was\b|your office|the office)|godzin\w* (?:otwarcia|pracy) (?:biura|bok)|(?:biuro|bok)\w* (?:\w+ )?(?:czynne|otwarte)|(?:office|you) (?:\w+ )?open (?:on|at|in)|opening hours|office hours|години роботи/, false],
  ['forms.download', /wniosek|wniosku|formularz|\bdruk|заяв/, false],
  ['reading.submit', /(stan|odczyt)\w* (licznika|wodomierza|podlicznika)|podaj\w* (stan|odczyt|licznik|wodomierz)/, false],
];

/** The message names `intent` in words (its cue), whatever NLU guessed. */
export function namesTask(folded: string, intent: string): boolean {
  return TASK_CUES.some(([i, re]) => i === intent && re.test(folded));
}

/** An emergency happening now, not a story told ("zalało łazienkę" in a complaint is past). */
export const HAPPENING_NOW = /teraz|wlasnie|leje sie|tryska|wyplywa|zalewa|right now|is (?:flooding|leaking|pouring)|зараз/;

/** Asking outright to pass something to the office: a message, whatever else the sentence names ("…proszę przekazać do biura, żeby sprawdzili adres"). */
const TO_THE_OFFICE = /(?:przekaz\w*|napisa\w*|napisz\w*|wysla\w*|wysl\w*|zostawi\w*)\s+(?:\w+\s+){0,2}(?:do biura|do bok|do was\b|do pracownik)|(?:prosb\w*|wiadomosc\w*|pismo|zapytani\w*) (?:do|dla) (?:biura|bok|pracownik)/;

/** Asking whether something is paid: with a month or an invoice, the invoice's status is meant. */
const PAID_RE = /oplacon|zaplacon|zaplacil|oplacil|placil|uregulowa|\bpaid\b|сплачен|оплачен/;

/** The message asks whether something is paid. */
export function asksIfPaid(folded: string): boolean {
  return PAID_RE.test(folded);
}

/** Below this NLU score a named task is taken even when NLU did not list it among its guesses. */
const UNSURE = 0.5;

/**
 * The task a message names when NLU is unsure (`confident` false), or a strong cue; null when none
 * applies. `loose` (default): a named task counts even when NLU did not guess it — off when
 * cutting a message into requests, where a side remark ("bo faktury skaczą") is not a request.
 */
export function cuedTask(nlu: NluResult, confident: boolean, opts: { loose?: boolean } = {}): string | null {
  const loose = opts.loose ?? true;
  const f = foldDiacritics(nlu.text);
  const top = nlu.intents.slice(0, 4).map((i) => i.intent);
  // A number said with "licznik"/"odczyt" is a reading.
  // (Unless a strong cue names another task: "umówiłam się na wymianę wodomierza na 8-12… chcę złożyć skargę" is a complaint.)
  if (!confident && nlu.entities.some((e) => e.type === 'meterValue') && /licznik|wodomierz|odczyt|stan|meter|reading|лічильн|показ/.test(f) && !TASK_CUES.some(([i, re, strong]) => strong && i !== 'reading.submit' && re.test(f))) return 'reading.submit';
  const lighter = !['complaint.file', 'message.send', 'einvoice.activate', 'case.status'].includes(nlu.intent);
  // An invoice by its number ("prześlij FV/2026/11/000007"), or "is October's invoice paid?".
  if (lighter && (!confident || nlu.intent === 'None') && nlu.entities.some((e) => e.type === 'invoiceNumber')) return 'invoices.list';
  if (!confident && asksIfPaid(f) && (nlu.entities.some((e) => e.type === 'period') || /faktur|invoice|рахун/.test(f))) return 'invoices.list';
  // "czy mam zapłacone za wrzesień?": a month's invoice status, even when NLU is sure it is the balance.
  if (nlu.intent === 'balance.check' && asksIfPaid(f) && nlu.entities.some((e) => e.type === 'period')) return 'invoices.list';
  if (TO_THE_OFFICE.test(f) && !['complaint.file', 'outage.report', 'case.status', 'agent.handoff'].includes(nlu.intent) && !TASK_CUES.some(([i, re, strong]) => strong && i !== 'case.status' && re.test(f))) return 'message.send';
  // "Chcę złożyć reklamację… zalało nam łazienkę": a complaint about past damage, not an emergency now.
  const cue = (intent: string) => TASK_CUES.find(([i]) => i === intent)?.[1];
  if (cue('complaint.file')?.test(f) && cue('outage.report')?.test(f) && !HAPPENING_NOW.test(f)) return 'complaint.file';
  // NLU's own guess, when the message names it too, wins over the other named tasks ("…proszę o wysyłanie faktur na jego adres" is a message).
  const own = TASK_CUES.find(([intent, re, strong]) => intent === nlu.intent && !strong && re.test(f));
  const firstStrong = TASK_CUES.find(([, re, strong]) => strong && re.test(f));
  if (!confident && own && !firstStrong) return own[0];
  for (const [intent, re, strong] of TASK_CUES) {
    if (!re.test(f)) continue;
    if (strong && (!confident || ['outage.report', 'message.send', 'outage.check'].includes(nlu.intent))) return intent;
    if (!confident && (top.includes(intent) || (loose && nlu.score < UNSURE))) return intent;
  }
  return null;
}
