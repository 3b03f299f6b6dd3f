/**
 * Language detection for short chat messages: Ukrainian (Cyrillic) vs Polish vs English.
 * Polish typed without diacritics must still come out as Polish, so Latin text is decided
 * by function words and letter patterns, not by the presence of ą/ę/ł.
 */
import { fold } from './text';
import type { Lang } from './types';

const PL_WORDS = new Set(
  ('a aby ale bo by byc byl byla bylo chce chcialbym chcialabym chcę co czy czemu dla do dzien dobry dzieki dziekuje gdzie ' +
    'ile i ja jak jaki jaka jakie jest juz kiedy ktory ktora mam mnie moge moj moja moje mojego moim my na nie nic ' +
    'niz no o od po pod prosze przez przy sie siema czesc tak tam ten to tu tylko twoj ty w we wam was z za ze zeby ' +
    'witam hej pa narazie mi mamy jestem jestes mozna mozesz prosze zaplaty zaplacic faktura faktury rachunek licznik ' +
    'licznika wody woda odczyt stan awaria konto polacz usun pomoc pomocy reklamacja wiadomosc zglosic sprawa ' +
    'dobrze nowy teraz jutro wczoraj dzisiaj juz jeszcze bardzo troche ostatni zeszly miesiac rok roku tego tej tym ' +
    'potrzebuje wyslij pokaz daj zrob ktos cos gdzies nigdzie wszystko kazdy zadne zadnych bez oraz lub albo dzieki').split(' '),
);
const EN_WORDS = new Set(
  ('a an the is are was were be been am i you he she it we they my your our me us to of for in on at by with from ' +
    'what how much many when where why who which do does did can could would should will want need please ' +
    'hi hello hey thanks thank bye goodbye yes no not dont don\'t im i\'m it\'s whats what\'s there this that these ' +
    'bill bills invoice invoices meter reading water pay payment balance owe account link send message complaint ' +
    'outage leak pipe burst help agent human talk office phone number show me last year month days some any ' +
    'have has had get got just about and or but if so all out up down off over again here see let know tell give').split(' '),
);
const PL_PATTERNS = /(?:sz|cz|rz|dz|prz|ie|ow|wy|ać|ść|ę|ą|ł|ż|ź|ó|ń|ś|ć|yc\b|ic\b|ac\b)/g;
const EN_PATTERNS = /(?:th|wh|ee|oo|ou|ing\b|ght|ea|'s|'t|'m|\bi\b)/g;

/** Polish, English or Ukrainian; `hint` (e.g. Telegram's language_code) wins unless the text clearly says otherwise. */
export function detectLanguage(text: string, hint?: Lang): Lang {
  const cyr = (text.match(/[\u0400-\u04ff]/g) ?? []).length;
  const lat = (text.match(/[a-zA-Z\u00c0-\u024f]/g) ?? []).length;
  if (cyr > 0 && cyr >= lat) return 'uk';
  if (lat === 0) return hint ?? 'pl';
  if (/[ąćęłńśźżĄĆĘŁŃŚŹŻ]/.test(text)) return 'pl';
  const lower = text.toLowerCase();
  const words = fold(lower).match(/[a-z']+/g) ?? [];
  let pl = 0;
  let en = 0;
  for (const w of words) {
    if (PL_WORDS.has(w)) pl += 2;
    if (EN_WORDS.has(w)) en += 2;
  }
  pl += (lower.match(PL_PATTERNS) ?? []).length * 0.5;
  en += (lower.match(EN_PATTERNS) ?? []).length * 0.5;
  const margin = Math.abs(pl - en);
  if (hint && hint !== 'uk' && margin < 2) return hint;
  if (pl === en) return hint === 'en' ? 'en' : hint === 'uk' ? 'uk' : 'pl';
  return pl > en ? 'pl' : 'en';
}
