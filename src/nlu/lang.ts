/**
 * Language detection for short chat messages: Ukrainian (Cyrillic) vs Polish vs English.
 * Polish typed without diacritics must still come out as Polish, so Latin text is decided
 * by function words and letter patterns, not by the presence of ą/ę/ł.
 */
import type { LatinLangId } from './langid';
import { fold } from './text';
import type { Lang } from './types';

const PL_WORDS = new Set(
  ('a aby ale bo by byc byl byla bylo chce chcialbym chcialabym chcę co czy czemu dla do dzien dobry dzieki dziekuje gdzie ' +
    'ile i ja jak jaki jaka jakie jest juz kiedy ktory ktora mam mnie moge moj moja moje mojego moim my na nie nic ' +
    'niz no o od po pod prosze przez przy sie siema czesc tak ten to tu tylko twoj ty w we wam was z za ze zeby ' +
    'witam hej pa narazie mi mamy jestem jestes mozna mozesz prosze zaplaty zaplacic faktura faktury rachunek licznik ' +
    'licznika wody woda odczyt stan awaria konto polacz usun pomoc pomocy reklamacja wiadomosc zglosic sprawa ' +
    'dobrze nowy teraz jutro wczoraj dzisiaj juz jeszcze bardzo troche ostatni zeszly miesiac rok tego tej tym ' +
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
/** Ukrainian written in Latin letters: words that are neither Polish nor English in that spelling. */
const UK_LATIN_WORDS = new Set(
  ('meni mene mnoyu ya vy vam vas vashoho vashi nashomu nashoho ne nemaye nemae nemaie yak yaka yake yaki yakyi yakyy shcho scho shcho shchos ' +
    'chy koly chomu skilky tse tsei tsey tsia tsya tsyu tut mozhna mozhu mozhete mozhe khochu hochu khotiv khotila khotilosia ' +
    'treba potribno bud budlaska laska buly bulo bula dyakuyu diakuiu dyakuju dyakuiu spasybi spasibo pryvit pryvitannia dobryi dobryy dobryj dobroho ' +
    'dobrogo dobroho vechir ranok vechora pobachennya pobachennia vody vodu voda vodoyu vodi rakhunok rakhunky rakhunku rakhunkiv ' +
    'lichylnyk lichylnyka lichylnyku pokaznyky pokaznyk pokaznykiv pokazannya pokazannia oplatyty zaplatyty zaplatyv borh borhu ' +
    'zaborhovanist zaborgovanist avariya avariia avarii avariyu vidkliuchennia vidklyuchennya vidkliuchennya skarha skarhu skargu zayava zayavu zaiavu ' +
    'povidomlennya povidomlennia povidomte sprava spravy spravu kvartyra kvartyri budynok vulytsi vulytsia dlya dlia pislya pislia ' +
    'shchob shob nadishlit nadishly pokazhit pokazhy daite dayte dai zvyazatysya zviazatysia operatorom lyudynoyu liudynoiu lyudyna mii miy moya moye ' +
    'moyi moho mogo moiei moyeyi svoyi svii ye yest sohodni vchora zavtra tyzhden misyats misiats rik ' +
    'potriben potribna dopomoha dopomohu dopomozhit dopomozhy vidpovid pidpysatysia pidpyshit vidpyshit vidpysatysia spovishchennia spovishchennya ' +
    'pidkliuchit pidklyuchit elektronnyi elektronnyy hroshi hroshei koshtuye koshtuie tsina pobachennya buvai buvay znaity znayty zaiavy zayavy vmiesh vmiyesh robyty mozhesh dopomohty tsoho tsiei yoho yikh vzhe shche bilshe tilky duzhe harazd otrymaty otrymuvaty podaty podavav vykorystaly szczo szczos szo prywit diakuju dziakuju dyakuju nemaje chochu choczu wodu rachunok licznyk liczylnyk pokazannja kwartyra wulyci bude tezh susidiv susidy pidiizdi pidjizdi vytratyly potribna povidomliaite pidkazhit rahunok rahunky rahunku rahunkiv borg borgu dopomogu dopomoga pogovoryty zdrastuyte zdravstvuyte svitlo svitla vyiti vyity akaunt akauntu akaunta dani danni nomer').split(' '),
);
const UK_LATIN_PATTERNS = /(?:kh|zh|shch|yi|yy|iy\b|yu|ia\b|iu|ye\b|ts[iy])/g;

/** How strongly Latin text reads as Ukrainian written in Latin letters (0: not at all). */
export function ukLatinScore(text: string): number {
  const lower = fold(text.toLowerCase());
  const words = lower.match(/[a-z']+/g) ?? [];
  let uk = 0;
  for (const w of words) if (UK_LATIN_WORDS.has(w.replace(/'/g, ''))) uk += 2;
  uk += (lower.match(UK_LATIN_PATTERNS) ?? []).length * 0.5;
  return uk;
}

const PL_PATTERNS = /(?:sz|cz|rz|dz|prz|ie|ow|wy|ać|ść|ę|ą|ł|ż|ź|ó|ń|ś|ć|yc\b|ic\b|ac\b)/g;
const EN_PATTERNS = /(?:th|wh|ee|oo|ou|ing\b|ght|ea|'s|'t|'m|\bi\b)/g;

/** Mean log-likelihood margin per n-gram above which the n-gram model's "Ukrainian" wins (2 words / 3 or more). */
export const UK_MARGIN_SHORT = 0.8;
export const UK_MARGIN = 0.3;
/** Below this word-list margin between Polish and English, an n-gram margin of PL_EN_MARGIN decides. */
export const WEAK_MARGIN = 3;
export const PL_EN_MARGIN = 0.5;

/**
 * Polish, English or Ukrainian; `hint` (e.g. Telegram's language_code) wins unless the text clearly
 * says otherwise. `latin` (the n-gram model trained with the corpora, langid.ts) recognises Ukrainian
 * typed in Latin letters beyond the word list; one-word messages are left to the word lists.
 */
export function detectLanguage(text: string, hint?: Lang, latin?: LatinLangId): Lang {
  const cyr = (text.match(/[\u0400-\u04ff]/g) ?? []).length;
  const lat = (text.match(/[a-zA-Z\u00c0-\u024f]/g) ?? []).length;
  if (cyr > 0 && cyr >= lat) return 'uk';
  if (lat === 0) return hint ?? 'pl';
  const lower = text.toLowerCase();
  const words = fold(lower).match(/[a-z']+/g) ?? [];
  // Polish letters weigh heavily but do not decide alone: English messages name Polish streets
  // and documents ("is there an outage on ulica Mikołowska?")
  let pl = 3 * (lower.match(/[\p{L}]*[ąćęłńśźż][\p{L}]*/gu) ?? []).length;
  let en = 0;
  for (const w of words) {
    if (PL_WORDS.has(w)) pl += 2;
    if (EN_WORDS.has(w)) en += 2;
  }
  pl += (lower.match(PL_PATTERNS) ?? []).length * 0.5;
  en += (lower.match(EN_PATTERNS) ?? []).length * 0.5;
  // Ukrainian typed in Latin letters ("skilky ya vynen za vodu"): its own words, none of Polish's or English's
  const uk = ukLatinScore(text);
  const ngram = latin && words.length >= 2 ? latin.score(text) : null;
  if (ngram && ngram.uk - Math.max(ngram.pl, ngram.en) > (words.length >= 3 ? UK_MARGIN : UK_MARGIN_SHORT)) return 'uk';
  if ((uk >= 4 || (uk >= 2 && pl < 2 && en < 2)) && uk > pl && uk > en) return 'uk';
  if (hint === 'uk' && uk >= 2 && uk >= Math.max(pl, en) / 2) return 'uk';
  const margin = Math.abs(pl - en);
  if (hint && hint !== 'uk' && margin < 2) return hint;
  // the word lists barely decide ("unsubscribe alerts", "delete my data"): the n-gram model does, when it is sure
  if (ngram && margin < WEAK_MARGIN && Math.abs(ngram.pl - ngram.en) >= PL_EN_MARGIN) return ngram.pl > ngram.en ? 'pl' : 'en';
  if (pl === en) return hint === 'en' ? 'en' : hint === 'uk' ? 'uk' : 'pl';
  return pl > en ? 'pl' : 'en';
}
