/** Reading a street and house number from what the customer typed ("na Mikołowskiej 12", "ul. 3 Maja 5"). */
import type { App } from '../src/app';
import type { NluResult } from '../src/nlu';

export interface TypedAddress {
  street: string;
  building: string | null;
}

/** The address in an NLU result, or a best effort "street words + number" parse of the text. */
export function addressFrom(app: App, text: string, nlu?: NluResult | null): TypedAddress | null {
  const result = nlu ?? app.recognizer.recognize(text);
  const e = result.entities.find((x) => x.type === 'address');
  if (e?.type === 'address') return { street: e.street, building: e.building ?? null };
  const m = /^\s*(?:(?:ul|al|pl|os)\.?\s+)?([\p{L}][\p{L}\s.-]{2,60}?)\s+(\d{1,4}\s*[a-zA-Z]?)\b/u.exec(text);
  if (m) return { street: m[1].trim(), building: m[2].replace(/\s+/g, '') };
  const s = /^\s*(?:(?:ul|al|pl|os)\.?\s+)?([\p{L}][\p{L}\s.-]{2,60})\s*$/u.exec(text);
  if (s && s[1].trim().split(/\s+/).length <= 4) return { street: s[1].trim(), building: null };
  return null;
}
