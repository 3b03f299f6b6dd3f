/**
 * The catalogue of the company's application forms: what each is for, keyword search for the
 * dialogs ("gdzie znajdę wniosek o podlicznik?"), and a printable PDF of each (header, fields with
 * lines to write on, tick boxes, declaration, signature place), in Polish by default.
 *
 * @example
 * const [best] = findForms('wodomierz ogrodowy', 'pl'); // → podlicznik
 * const pdf = await renderFormPdf(best.slug);
 */
import { t, type Locale, LOCALES } from '../i18n/i18n';
import { foldDiacritics } from '../domain/streets';
import { DEFAULT_COMPANY, type CompanyInfo } from './company';
import { createPdf, pageNumbers, paragraph, PDF_COLOURS, PDF_FONT, rule, textAt } from './pdf';

/** One field of a printed form: a line (or several) to write on, or tick boxes. */
export type FormField = { key: string; lines?: number } | { key: string; options: string[] };

interface FormSpec {
  slug: string;
  code: string;
  /** Folded (lower case, no diacritics) search words in Polish, English and Ukrainian. */
  keywords: string[];
  fields: FormField[];
  attachments: boolean;
}

/** The public description of a form, in one language. */
export interface FormSummary {
  slug: string;
  code: string;
  title: string;
  description: string;
  /** Path under this server: `/forms/<slug>.pdf`. */
  url: string;
}

/** A form with its texts in every language. */
export interface FormInfo {
  slug: string;
  code: string;
  title: Record<Locale, string>;
  description: Record<Locale, string>;
  keywords: string[];
}

const SPECS: readonly FormSpec[] = [
  {
    slug: 'umowa', code: 'KW-01', attachments: true,
    keywords: ['umowa', 'zawarcie', 'nowy odbiorca', 'przepisanie', 'podpisac umowe', 'wprowadzka', 'contract', 'new customer', 'sign', 'договір', 'укладення', 'новий абонент'],
    fields: [{ key: 'servicePointAddress' }, { key: 'propertyTitle', options: ['ownership', 'coOwnership', 'lease', 'other'] }, { key: 'services', options: ['water', 'sewage'] }, { key: 'meterSerial' }, { key: 'meterReading' }, { key: 'startDate' }],
  },
  {
    slug: 'warunki-przylaczenia', code: 'KW-02', attachments: true,
    keywords: ['warunki', 'przylaczenie', 'przylacze', 'przylaczyc', 'podlaczenie', 'techniczne', 'budowa', 'dzialka', 'dom', 'siec', 'kanalizacja', 'connection', 'connect', 'conditions', 'building', 'plot', 'підключення', 'технічні', 'умови', 'будівництво', 'ділянка'],
    fields: [{ key: 'servicePointAddress' }, { key: 'plotNumber' }, { key: 'buildingType', options: ['singleFamily', 'multiFamily', 'commercial'] }, { key: 'connectionKind', options: ['waterConnection', 'sewerConnection'] }, { key: 'waterDemand' }, { key: 'sewageVolume' }, { key: 'plannedDate' }],
  },
  {
    slug: 'podlicznik', code: 'KW-03', attachments: false,
    keywords: ['podlicznik', 'wodomierz ogrodowy', 'ogrodowy', 'ogrod', 'podlewanie', 'montaz', 'zaplombowanie', 'plomba', 'sub-meter', 'submeter', 'garden', 'watering', 'сублічильник', 'садовий', 'полив', 'лічильник для саду'],
    fields: [{ key: 'servicePointAddress' }, { key: 'submeterSerial' }, { key: 'submeterLegalization' }, { key: 'submeterReading' }, { key: 'mountingDate' }, { key: 'mainMeterReading' }, { key: 'submeterPurpose', options: ['garden', 'noSewer'] }],
  },
  {
    slug: 'rozwiazanie-umowy', code: 'KW-04', attachments: false,
    keywords: ['rozwiazanie', 'rozwiazac', 'wypowiedzenie', 'rezygnacja', 'wyprowadzka', 'koniec umowy', 'terminate', 'termination', 'cancel', 'moving out', 'розірвання', 'припинення', 'переїзд'],
    fields: [{ key: 'servicePointAddress' }, { key: 'endDate' }, { key: 'meterSerial' }, { key: 'meterReading' }, { key: 'reason', lines: 2 }, { key: 'refundAccount' }],
  },
  {
    slug: 'zmiana-danych', code: 'KW-05', attachments: false,
    keywords: ['zmiana danych', 'zmiana', 'dane', 'nazwisko', 'adres korespondencyjny', 'telefon', 'aktualizacja', 'change of data', 'update', 'name', 'address', 'зміна даних', 'прізвище', 'адреса', 'оновлення'],
    fields: [{ key: 'servicePointAddress' }, { key: 'changedData', options: ['nameChange', 'addressChange', 'contactChange'] }, { key: 'newData', lines: 3 }, { key: 'effectiveDate' }],
  },
  {
    slug: 'zmiana-wlasciciela', code: 'KW-06', attachments: true,
    keywords: ['zmiana wlasciciela', 'wlasciciel', 'sprzedaz', 'kupno', 'spadek', 'darowizna', 'przepisanie umowy', 'akt notarialny', 'new owner', 'owner', 'sale', 'bought', 'inheritance', 'власник', 'продаж', 'спадщина', 'купівля'],
    fields: [{ key: 'servicePointAddress' }, { key: 'previousOwner' }, { key: 'newOwner' }, { key: 'transferDate' }, { key: 'meterSerial' }, { key: 'meterReading' }],
  },
  {
    slug: 'reklamacja', code: 'KW-07', attachments: true,
    keywords: ['reklamacja', 'skarga', 'zazalenie', 'niezgodnosc', 'zawyzona', 'bledna', 'complaint', 'dispute', 'wrong invoice', 'скарга', 'рекламація', 'претензія'],
    fields: [{ key: 'servicePointAddress' }, { key: 'complaintSubject', options: ['invoice', 'reading', 'quality', 'pressure', 'service', 'other'] }, { key: 'invoiceNumber' }, { key: 'justification', lines: 4 }, { key: 'expectation', lines: 2 }, { key: 'answerBy', options: ['letter', 'byEmail'] }],
  },
  {
    slug: 'e-faktura', code: 'KW-08', attachments: false,
    keywords: ['e-faktura', 'efaktura', 'faktura elektroniczna', 'elektroniczna', 'mailem', 'zgoda', 'e-invoice', 'einvoice', 'electronic invoice', 'paperless', 'електронний рахунок', 'е-рахунок', 'згода'],
    fields: [{ key: 'servicePointAddress' }, { key: 'invoiceEmail' }],
  },
  {
    slug: 'zwrot-nadplaty', code: 'KW-09', attachments: false,
    keywords: ['zwrot', 'nadplata', 'nadplaty', 'oddac pieniadze', 'przelew zwrotny', 'refund', 'overpayment', 'money back', 'повернення', 'переплата'],
    fields: [{ key: 'refundAmount' }, { key: 'refundAccount' }, { key: 'accountHolder' }, { key: 'reason', lines: 2 }],
  },
  {
    slug: 'ekspertyza-wodomierza', code: 'KW-10', attachments: false,
    keywords: ['ekspertyza', 'sprawdzenie wodomierza', 'badanie', 'wodomierz', 'licznik', 'zle liczy', 'kreci', 'dokladnosc', 'meter test', 'meter accuracy', 'faulty meter', 'експертиза', 'перевірка лічильника', 'лічильник'],
    fields: [{ key: 'servicePointAddress' }, { key: 'meterSerial' }, { key: 'meterReading' }, { key: 'testReason', lines: 3 }],
  },
];

const APPLICANT_FIELDS: readonly FormField[] = [{ key: 'name' }, { key: 'correspondenceAddress' }, { key: 'customerNumber' }, { key: 'phone' }, { key: 'email' }];

/** Short fields printed two to a row. */
const HALF_WIDTH = new Set([
  'customerNumber', 'phone', 'email', 'meterSerial', 'meterReading', 'startDate', 'waterDemand', 'sewageVolume', 'plannedDate',
  'submeterSerial', 'submeterReading', 'mountingDate', 'mainMeterReading', 'endDate', 'transferDate', 'refundAmount', 'accountHolder', 'effectiveDate',
]);

/** Slugs of every form, in catalogue order. */
export const FORM_SLUGS: readonly string[] = SPECS.map((s) => s.slug);

function spec(slug: string): FormSpec | undefined {
  return SPECS.find((s) => s.slug === slug);
}

function perLocale(key: string): Record<Locale, string> {
  return Object.fromEntries(LOCALES.map((l) => [l, t(l, key)])) as Record<Locale, string>;
}

/** The whole catalogue, with every language's texts. */
export function formsCatalogue(): FormInfo[] {
  return SPECS.map((s) => ({
    slug: s.slug,
    code: s.code,
    title: perLocale(`forms.items.${s.slug}.title`),
    description: perLocale(`forms.items.${s.slug}.description`),
    keywords: [...s.keywords],
  }));
}

/** The whole catalogue (all languages), built once when first imported. */
export const FORMS: readonly FormInfo[] = Object.freeze(formsCatalogue());

/** A form's title in one language. */
export function formTitle(form: { slug: string }, locale: Locale): string {
  return t(locale, `forms.items.${form.slug}.title`);
}

/** The form's texts in one language; null for an unknown slug. */
export function formSummary(slug: string, locale: Locale): FormSummary | null {
  const s = spec(slug);
  if (!s) return null;
  return { slug: s.slug, code: s.code, title: t(locale, `forms.items.${s.slug}.title`), description: t(locale, `forms.items.${s.slug}.description`), url: `/forms/${s.slug}.pdf` };
}

/** Every form in one language, catalogue order. */
export function listForms(locale: Locale): FormSummary[] {
  return SPECS.map((s) => formSummary(s.slug, locale) as FormSummary);
}

/** Words too common in form requests to tell the forms apart. */
const STOPWORDS = new Set([
  'wniosek', 'wniosku', 'wnioski', 'formularz', 'formularza', 'formularze', 'druk', 'druku', 'zgloszenie', 'zgloszenia', 'pobrac', 'pobierz', 'chce', 'chcialbym', 'chcialabym', 'potrzebuje', 'gdzie', 'jak', 'jest', 'mam', 'mozna', 'prosze', 'dla', 'lub', 'albo', 'sie', 'nie', 'moj', 'moja', 'moje', 'oraz',
  'form', 'forms', 'application', 'apply', 'the', 'for', 'and', 'want', 'need', 'where', 'how', 'can', 'get', 'download', 'please',
  'заява', 'заяву', 'заяви', 'форма', 'форму', 'бланк', 'для', 'про', 'хочу', 'потрібна', 'потрібно', 'де', 'як',
]);

function words(text: string): string[] {
  return foldDiacritics(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !STOPWORDS.has(w));
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Same word up to an inflected ending: "podlicznika" ~ "podlicznik", "umowy" ~ "umowa", "договору" ~ "договір" (folded). */
function sameStem(a: string, b: string): boolean {
  if (a === b) return true;
  const p = commonPrefix(a, b);
  return p >= 4 && p >= Math.min(a.length, b.length) - 2;
}

interface SearchIndex {
  slug: string;
  keywords: string[];
  title: string[];
  description: string[];
}

let index: SearchIndex[] | null = null;

function searchIndex(): SearchIndex[] {
  if (!index) {
    index = SPECS.map((s) => ({
      slug: s.slug,
      keywords: [...new Set(s.keywords.flatMap(words))],
      title: [...new Set(LOCALES.flatMap((l) => words(t(l, `forms.items.${s.slug}.title`))))],
      description: [...new Set(LOCALES.flatMap((l) => words(t(l, `forms.items.${s.slug}.description`))))],
    }));
  }
  return index;
}

/**
 * Forms matching a free-text query, best first (keywords weigh most, then title, then
 * description); case-, diacritics- and inflection-insensitive, in any of the three languages.
 * An empty or unmatched query gives an empty list.
 */
export function findForms(query: string, locale: Locale): FormSummary[] {
  const q = [...new Set(words(query))];
  if (q.length === 0) return [];
  const scored: { slug: string; score: number; order: number }[] = [];
  searchIndex().forEach((entry, order) => {
    let score = 0;
    for (const w of q) {
      const hit = (list: string[]) => list.some((k) => sameStem(w, k));
      score += hit(entry.keywords) ? 3 : hit(entry.title) ? 2 : hit(entry.description) ? 1 : 0;
    }
    if (score > 0) scored.push({ slug: entry.slug, score, order });
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  // Keep the clear winners: anything far below the best match is noise.
  const best = scored[0]?.score ?? 0;
  return scored.filter((s) => s.score * 2 > best).map((s) => formSummary(s.slug, locale) as FormSummary);
}

/** Unknown form slug (the route answers 404). */
export class UnknownFormError extends Error {
  constructor(readonly slug: string) {
    super(`no form "${slug}"`);
    this.name = 'UnknownFormError';
  }
}

/**
 * A printable A4 form to fill in by hand: header with the company and an office-use box, title,
 * instructions, applicant and form fields with writing lines, tick boxes, declaration, signature
 * place, data-protection note. Polish by default.
 */
export async function renderFormPdf(slug: string, locale: Locale = 'pl', company: CompanyInfo = DEFAULT_COMPANY): Promise<Buffer> {
  const s = spec(slug);
  if (!s) throw new UnknownFormError(slug);
  const tr = (key: string, params?: Record<string, string | number>) => t(locale, `forms.${key}`, params);
  const title = tr(`items.${slug}.title`);
  const { doc, finish } = createPdf({
    title,
    subject: tr(`items.${slug}.description`),
    author: company.name,
    keywords: `${s.code}, ${s.keywords.slice(0, 5).join(', ')}`,
    lang: locale === 'pl' ? 'pl-PL' : locale === 'uk' ? 'uk-UA' : 'en-GB',
  });
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  const width = right - left;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  // Header: company left, office-use box right.
  textAt(doc, company.name, left, 48, { width: 280, size: 13, bold: true, colour: PDF_COLOURS.brand });
  textAt(doc, `${company.street}, ${company.postalCode} ${company.city}`, left, 66, { width: 280, size: 8.5, colour: PDF_COLOURS.muted });
  textAt(doc, `${company.phone} · ${company.email}`, left, 78, { width: 280, size: 8.5, colour: PDF_COLOURS.muted });
  textAt(doc, tr('pdf.formCode', { code: s.code }), left, 90, { width: 280, size: 8.5, bold: true, colour: PDF_COLOURS.muted });
  const boxX = right - 190;
  doc.save().rect(boxX, 44, 190, 62).lineWidth(0.75).strokeColor(PDF_COLOURS.rule).stroke().restore();
  textAt(doc, tr('pdf.officeUse'), boxX + 6, 48, { width: 178, size: 7, colour: PDF_COLOURS.muted });
  textAt(doc, `${tr('pdf.received')}:`, boxX + 6, 66, { width: 178, size: 8 });
  rule(doc, boxX + 70, boxX + 184, 76);
  textAt(doc, `${tr('pdf.caseNumber')}:`, boxX + 6, 86, { width: 178, size: 8 });
  rule(doc, boxX + 70, boxX + 184, 96);

  let y = 124;
  y = paragraph(doc, title, left, y, { width, size: 15, bold: true, colour: PDF_COLOURS.brand, align: 'center' }) + 4;
  y = paragraph(doc, tr(`items.${slug}.description`), left + 20, y, { width: width - 40, size: 9, colour: PDF_COLOURS.muted, align: 'center' }) + 6;
  y = paragraph(doc, tr('pdf.instructions'), left, y, { width, size: 8.5, colour: PDF_COLOURS.muted }) + 8;

  const ensure = (needed: number) => {
    if (y + needed > bottom()) {
      doc.addPage();
      y = doc.page.margins.top;
    }
  };
  const section = (heading: string) => {
    ensure(40);
    doc.save().rect(left, y, width, 17).fill(PDF_COLOURS.fill).restore();
    textAt(doc, heading.toUpperCase(), left + 6, y + 4.5, { width: width - 12, size: 8.5, bold: true, colour: PDF_COLOURS.brand });
    y += 24;
  };
  const options = (f: { key: string; options: string[] }) => {
    ensure(34);
    textAt(doc, tr(`fields.${f.key}`), left, y, { width, size: 9 });
    y += 14;
    let x = left;
    for (const o of f.options) {
      const text = tr(`options.${o}`);
      doc.font(PDF_FONT.regular).fontSize(9);
      const w = 16 + doc.widthOfString(text) + 18;
      if (x + w > right) {
        x = left;
        y += 15;
      }
      doc.save().rect(x, y, 9, 9).lineWidth(0.9).strokeColor(PDF_COLOURS.text).stroke().restore();
      textAt(doc, text, x + 14, y, { width: w - 14, size: 9 });
      x += w;
    }
    y += 18;
  };
  /** One row of writing fields side by side (one full-width, or two halves). */
  const row = (keys: string[], lines: number) => {
    const gap = 20;
    const w = (width - gap * (keys.length - 1)) / keys.length;
    ensure(11 + lines * 16 + 8);
    keys.forEach((key, i) => textAt(doc, tr(`fields.${key}`), left + i * (w + gap), y, { width: w, size: 9 }));
    y += 11;
    for (let l = 0; l < lines; l++) {
      y += 16;
      keys.forEach((_, i) => rule(doc, left + i * (w + gap), left + i * (w + gap) + w, y, PDF_COLOURS.rule, 0.6));
    }
    y += 8;
  };
  const fields = (list: readonly FormField[]) => {
    for (let i = 0; i < list.length; i++) {
      const f = list[i];
      const next = list[i + 1];
      if ('options' in f) options(f);
      else if (HALF_WIDTH.has(f.key) && next && !('options' in next) && HALF_WIDTH.has(next.key)) {
        row([f.key, list[i + 1].key], 1);
        i++;
      } else row([f.key], f.lines ?? 1);
    }
  };

  section(tr('pdf.applicant'));
  fields(APPLICANT_FIELDS);
  section(tr('pdf.details'));
  fields(s.fields);
  if (s.attachments) {
    section(tr('pdf.attachments'));
    fields([{ key: 'attachments', lines: 2 }]);
  }
  section(tr('pdf.statement'));
  ensure(30);
  y = paragraph(doc, tr(`statements.${slug}`), left, y, { width, size: 9 }) + 30;

  // Place and date, signature.
  ensure(60);
  const half = (width - 40) / 2;
  rule(doc, left, left + half, y, PDF_COLOURS.text, 0.6);
  rule(doc, right - half, right, y, PDF_COLOURS.text, 0.6);
  textAt(doc, tr('pdf.placeDate'), left, y + 4, { width: half, size: 8, colour: PDF_COLOURS.muted, align: 'center' });
  textAt(doc, tr('pdf.signature'), right - half, y + 4, { width: half, size: 8, colour: PDF_COLOURS.muted, align: 'center' });
  y += 22;

  doc.font(PDF_FONT.regular).fontSize(7.5);
  const submitH = doc.heightOfString(tr('pdf.submit'), { width });
  doc.fontSize(7);
  ensure(submitH + 3 + doc.heightOfString(tr('pdf.rodo'), { width }));
  y = paragraph(doc, tr('pdf.submit'), left, y, { width, size: 7.5, colour: PDF_COLOURS.muted }) + 3;
  paragraph(doc, tr('pdf.rodo'), left, y, { width, size: 7, colour: PDF_COLOURS.muted });

  pageNumbers(doc, (page, pages) => tr('pdf.page', { page, pages }));
  return finish();
}
