/** Reading a street and house number from what the customer typed ("na Mikołowskiej 12", "ul. 3 Maja 5"). */
import type { App } from '../src/app';
import type { NluResult } from '../src/nlu';
import { foldDiacritics } from '../src/domain/streets';

export interface TypedAddress {
  street: string;
  building: string | null;
}

/** Words that take back what was just said ("Szopienickiej 58, a nie czekaj, 85"). */
const TAKE_BACK = /\b(?:a nie|nie czekaj|czekaj|sorry|sorki|sory|przepraszam|pomylk\w*|pomylil\w*|pomylon\w*|poprawka|poprawiam|to znaczy|znaczy sie|tzn|wait|i mean|actually)\b|ні,? чекай|вибачте/;

/** The house number: as corrected after the address ("…58, a nie czekaj, 85, pomyliłem cyfry" → 85), the one given, or one said apart ("mieszkam pod 88"). */
function buildingOf(text: string, e: { text: string; building?: string }): string | null {
  const at = text.indexOf(e.text);
  const rest = at >= 0 ? foldDiacritics(text.slice(at + e.text.length)).toLowerCase() : '';
  const marker = TAKE_BACK.exec(rest);
  if (marker && e.building) {
    const again = /(?<![\d/])(\d{1,4}[a-z]?)(?![\d/])/.exec(rest.slice(marker.index));
    if (again && again[1] !== e.building.toLowerCase()) return again[1];
  }
  if (e.building) return e.building;
  // "na Gliwickiej … mieszkam pod 88": the number said apart from the street.
  const apart = /\b(?:pod|nr|numer|numerem|pod numerem|number|no\.?)\s*(\d{1,4}[a-z]?)(?![\d/,.]\d)\b/.exec(rest);
  return apart ? apart[1] : null;
}

/** The address in an NLU result (with a house number corrected in the same message), or a best effort "street words + number" parse of the text. */
export function addressFrom(app: App, text: string, nlu?: NluResult | null): TypedAddress | null {
  const result = nlu ?? app.recognizer.recognize(text);
  const e = result.entities.find((x) => x.type === 'address');
  if (e?.type === 'address') return { street: e.street, building: buildingOf(result.text || text, e) };
  const m = /^\s*(?:(?:ul|al|pl|os)\.?\s+)?([\p{L}][\p{L}\s.-]{2,60}?)\s+(\d{1,4}\s*[a-zA-Z]?)\b/u.exec(text);
  if (m) return { street: m[1].trim(), building: m[2].replace(/\s+/g, '') };
  const s = /^\s*(?:(?:ul|al|pl|os)\.?\s+)?([\p{L}][\p{L}\s.-]{2,60})\s*$/u.exec(text);
  if (s && s[1].trim().split(/\s+/).length <= 4) return { street: s[1].trim(), building: null };
  return null;
}
