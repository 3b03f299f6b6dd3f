/**
 * Polish street names as customers type them, reduced to one comparable key.
 *
 * "ul. Mikołowska", "na Mikołowskiej", "MIKOLOWSKA", "przy mikołowskiej" → `mikolowska`;
 * "al. Korfantego" → `korfantego`; "3-go Maja" → `3 maja`; "pl. Wolności" → `wolnosci`.
 *
 * @example streetKey('na ul. Mikołowskiej') === 'mikolowska'
 */
const PREFIXES = /^(?:(?:na|przy|w|we|z|ze|od|do|u|obok)\s+)?(?:ul(?:ica|icy|icę|\.)?|al(?:eja|ei|\.)?|aleje|alejach|pl(?:ac|acu|\.)?|os(?:iedle|iedlu|\.)?|rondo|rondzie)\s*/u;
const LEADING_PREPOSITION = /^(?:na|przy|w|we|z|ze|od|do|u|obok)\s+/u;

/** Lower case, no Polish diacritics (ł → l too), single spaces. */
export function foldDiacritics(text: string): string {
  return text
    .toLowerCase()
    .replace(/ł/g, 'l')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Turns one inflected word of a street name into its base (nominative) form, roughly. */
function baseWord(word: string): string {
  if (/^\d+$/.test(word)) return word;
  // Ordinals: 3-go, 3go, 1-ego → 3, 1
  const ordinal = /^(\d+)-?(?:go|ego|ej|ego)$/.exec(word);
  if (ordinal) return ordinal[1];
  if (word.length <= 4) return word;
  // Adjectival feminine: Mikołowskiej / Mikołowską / Mikołowską → mikolowska
  if (word.endsWith('skiej') || word.endsWith('ckiej') || word.endsWith('dzkiej')) return word.slice(0, -3) + 'a';
  if (word.endsWith('iej')) return word.slice(0, -3) + 'ia';
  if (word.endsWith('ej')) return word.slice(0, -2) + 'a';
  return word;
}

/** The comparable key of a street name: folded, prefix dropped, inflection reduced. */
export function streetKey(raw: string): string {
  let s = foldDiacritics(raw).replace(/[,;]+/g, ' ').replace(/\s+/g, ' ').trim();
  s = s.replace(LEADING_PREPOSITION, '');
  s = s.replace(PREFIXES, '');
  s = s.replace(/(\d+)\s*-\s*(go|ego)\b/g, '$1');
  s = s.replace(/\s*-\s*/g, '-');
  return s
    .split(' ')
    .filter(Boolean)
    .map((w) => w.split('-').map(baseWord).join('-'))
    .join(' ');
}

/** A house number split for comparison: `12a` → { number: 12, suffix: 'a' }. */
export interface BuildingNumber {
  number: number;
  suffix: string;
}

/** Parses a house number such as `12`, `12a`, `12 A`, `12/3` (the part after `/` is the flat). */
export function parseBuilding(raw: string | null | undefined): BuildingNumber | null {
  if (!raw) return null;
  const m = /^\s*(\d{1,4})\s*([a-z]?)\b/i.exec(raw);
  if (!m) return null;
  return { number: Number(m[1]), suffix: m[2].toLowerCase() };
}

function compareBuilding(a: BuildingNumber, b: BuildingNumber): number {
  return a.number - b.number || a.suffix.localeCompare(b.suffix);
}

/**
 * Whether a building lies in an outage range. Missing `from`/`to` mean open ends;
 * parity restricts to odd or even numbers (one side of a street).
 */
export function buildingInRange(
  building: string | null | undefined,
  from: string | null | undefined,
  to: string | null | undefined,
  parity: 'all' | 'odd' | 'even' = 'all',
): boolean {
  const b = parseBuilding(building);
  if (!b) return !from && !to && parity === 'all';
  if (parity === 'odd' && b.number % 2 === 0) return false;
  if (parity === 'even' && b.number % 2 === 1) return false;
  const f = parseBuilding(from);
  const t = parseBuilding(to);
  if (f && compareBuilding(b, f) < 0) return false;
  if (t && compareBuilding(b, { number: t.number, suffix: t.suffix || '\uffff' }) > 0) return false;
  return true;
}

/** Levenshtein distance, small inputs only (street names). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * Snaps a typed street to the closest known street key (typos such as "Mikolowskej"),
 * or returns the key unchanged when nothing is close enough.
 */
export function closestStreetKey(raw: string, knownKeys: Iterable<string>): string {
  const key = streetKey(raw);
  let best = key;
  let bestDist = Infinity;
  for (const known of knownKeys) {
    if (known === key) return key;
    const d = editDistance(key, known);
    const limit = key.length <= 5 ? 1 : 2;
    if (d <= limit && d < bestDist) {
      best = known;
      bestDist = d;
    }
  }
  return best;
}

/** Streets of Katowice used in the demo data and for snapping typed names. */
export const KATOWICE_STREETS: readonly string[] = [
  'Mikołowska', 'Kościuszki', 'Mariacka', '3 Maja', 'Stawowa', 'Dworcowa', 'Warszawska', 'Bankowa',
  'Wojewódzka', 'Francuska', 'Chorzowska', 'Sokolska', 'Gliwicka', 'Bogucicka', 'Piastów', 'Panewnicka',
  'Armii Krajowej', 'Bażantów', 'Szopienicka', 'Obrońców Westerplatte', 'Kołodzieja', '1 Maja', 'Hallera',
  'Korczaka', 'Rataja', 'Kossutha', 'Kolista', 'Gawronów', 'Waltera-Jankego', 'Plac Wyzwolenia',
  'Korfantego', 'Plac Wolności',
];
