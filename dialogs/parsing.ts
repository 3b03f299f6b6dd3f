/** Reading free-text answers: yes/no, a choice among options, in Polish, English and Ukrainian. */
import { foldDiacritics } from '../src/domain/streets';

const YES = ['tak', 'tak jest', 'jasne', 'pewnie', 'oczywiscie', 'ok', 'okej', 'okay', 'dobrze', 'zgoda', 'zgadzam sie', 'potwierdzam', 'no tak', 'tak prosze', 'yes', 'yeah', 'yep', 'sure', 'y', 'так', 'звичайно', 'добре', 'згоден', 'згодна', 'авжеж', 'ага', 'da', 'tak tak', 'zapisz', 'wyslij', 'poprosze'];
const NO = ['nie', 'nie teraz', 'nie dziekuje', 'nie trzeba', 'niee', 'raczej nie', 'no', 'nope', 'not now', 'no thanks', 'n', 'ні', 'нi', 'не треба', 'не зараз', 'ni', 'nie chce', 'rezygnuje', 'pomin'];

function norm(s: string): string {
  return foldDiacritics(s).replace(/[!?.…,;:"'()]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** `true` for yes, `false` for no, `null` when the text is neither. */
export function parseYesNo(text: string): boolean | null {
  const n = norm(text);
  if (!n) return null;
  if (YES.includes(n)) return true;
  // Silesian "ja" / "jo" is a yes when it stands alone or before a comma ("ja, tak", "jo, zgłoś"); "ja nie wiem" is not.
  if (/^\s*(?:ja|jo)\s*(?:$|[,.!]|\s+tak\b)/i.test(foldDiacritics(text))) return true;
  if (NO.includes(n)) return false;
  const words = n.split(' ');
  // "tak, poproszę" is yes; "nie mam wody na Mikołowskiej" is not an answer at all.
  if (words.length > 3) return null;
  const first = words[0];
  if (['tak', 'jasne', 'yes', 'так', 'ok', 'pewnie', 'oczywiscie', 'dobrze'].includes(first)) return true;
  if (['nie', 'no', 'ні', 'не'].includes(first)) return false;
  return null;
}

/**
 * Index of the chosen option: by its number ("2"), its exact title, or a title that the
 * answer contains (or that contains the answer, for answers of 3+ letters). -1 when unclear.
 */
export function matchChoice(text: string, titles: string[]): number {
  const n = norm(text);
  if (!n) return -1;
  const num = /^(\d{1,2})\.?$/.exec(n);
  if (num) {
    const i = Number(num[1]) - 1;
    return i >= 0 && i < titles.length ? i : -1;
  }
  const folded = titles.map(norm);
  const exact = folded.indexOf(n);
  if (exact >= 0) return exact;
  const containing = folded.map((f, i) => (n.includes(f) ? i : -1)).filter((i) => i >= 0);
  if (containing.length === 1) return containing[0];
  // A yes or a no is never a partial match ("nie" is not "Telefonicznie").
  if (n.length >= 3 && parseYesNo(n) === null) {
    // Whole words only: the answer starts a word of the title, or shares a word of 4+ letters with it.
    const partial = folded.map((f, i) => (f.split(' ').some((w) => w.startsWith(n)) || ` ${f} `.includes(` ${n} `) || f.split(' ').some((w) => w.length >= 4 && n.split(' ').includes(w)) ? i : -1)).filter((i) => i >= 0);
    if (partial.length === 1) return partial[0];
  }
  return -1;
}
