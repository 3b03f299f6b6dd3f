import { hasKey, keys, LOCALES } from '../../src/i18n/i18n';
import { findForms, FORM_SLUGS, FORMS, formSummary, formTitle, listForms, renderFormPdf, UnknownFormError } from '../../src/documents/forms';
import { pdfFonts, pdfInfo, pdfText } from './helpers';

describe('forms catalogue', () => {
  it('has at least 8 forms with unique slugs usable in URLs', () => {
    expect(FORMS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(FORM_SLUGS).size).toBe(FORM_SLUGS.length);
    for (const slug of FORM_SLUGS) expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(FORMS.map((f) => f.slug)).toEqual([...FORM_SLUGS]);
  });

  it('has a real title and description in every language', () => {
    for (const f of FORMS) {
      for (const l of LOCALES) {
        expect(f.title[l]).not.toMatch(/^forms\./);
        expect(f.description[l].length).toBeGreaterThan(20);
      }
      expect(f.title.en).not.toBe(f.title.pl);
      expect(f.title.uk).toMatch(/[\u0400-\u04FF]/);
      expect(f.keywords.length).toBeGreaterThan(3);
      expect(formTitle(f, 'pl')).toBe(f.title.pl);
    }
  });

  it('covers the typical forms of a water utility', () => {
    const titles = listForms('pl').map((f) => f.title).join('\n');
    for (const s of ['zawarcie umowy', 'warunków przyłączenia', 'podlicznika', 'rozwiązanie umowy', 'zmiany danych', 'zmiany właściciela', 'Reklamacja', 'e-faktura', 'zwrot nadpłaty', 'sprawdzenie wodomierza']) {
      expect(titles).toContain(s);
    }
  });

  it('translates every Polish key of its namespaces into English and Ukrainian', () => {
    const own = keys('pl').filter((k) => k.startsWith('forms.') || k.startsWith('documents.'));
    expect(own.length).toBeGreaterThan(100);
    for (const k of own) {
      expect([k, hasKey('en', k)]).toEqual([k, true]);
      expect([k, hasKey('uk', k)]).toEqual([k, true]);
    }
  });

  it('summarises a form with its PDF path; null for an unknown slug', () => {
    expect(formSummary('podlicznik', 'en')).toEqual({
      slug: 'podlicznik', code: 'KW-03', url: '/forms/podlicznik.pdf',
      title: 'Notice of a sub-meter (garden water meter) installation',
      description: expect.stringContaining('sub-meter'),
    });
    expect(formSummary('nope', 'pl')).toBeNull();
  });
});

describe('findForms', () => {
  it.each([
    ['wniosek o podlicznik', 'pl', 'podlicznik'],
    ['Gdzie znajdę formularz zgłoszenia wodomierza ogrodowego?', 'pl', 'podlicznik'],
    ['WODOMIERZ OGRODOWY', 'pl', 'podlicznik'],
    ['chcę rozwiązać umowę', 'pl', 'rozwiazanie-umowy'],
    ['chce rozwiazac umowe', 'pl', 'rozwiazanie-umowy'],
    ['e-faktura', 'pl', 'e-faktura'],
    ['zwrot nadpłaty', 'pl', 'zwrot-nadplaty'],
    ['zwrot nadplaty', 'pl', 'zwrot-nadplaty'],
    ['sprzedałem mieszkanie, nowy właściciel', 'pl', 'zmiana-wlasciciela'],
    ['reklamacja faktury', 'pl', 'reklamacja'],
    ['jak się przyłączyć do sieci kanalizacyjnej', 'pl', 'warunki-przylaczenia'],
    ['zmiana adresu do korespondencji', 'pl', 'zmiana-danych'],
    ['licznik źle liczy, chcę ekspertyzę', 'pl', 'ekspertyza-wodomierza'],
    ['umowa na dostawę wody', 'pl', 'umowa'],
    ['garden meter form', 'en', 'podlicznik'],
    ['refund of overpayment', 'en', 'zwrot-nadplaty'],
    ['заява про повернення переплати', 'uk', 'zwrot-nadplaty'],
    ['сублічильник для поливу', 'uk', 'podlicznik'],
    ['розірвання договору', 'uk', 'rozwiazanie-umowy'],
  ] as const)('"%s" (%s) → %s first', (query, locale, slug) => {
    const hits = findForms(query, locale);
    expect(hits[0]?.slug).toBe(slug);
  });

  it('answers in the asked language', () => {
    const [hit] = findForms('podlicznik', 'uk');
    expect(hit.title).toBe(FORMS.find((f) => f.slug === 'podlicznik')?.title.uk);
    expect(hit.url).toBe('/forms/podlicznik.pdf');
  });

  it('finds nothing for unrelated or empty queries', () => {
    expect(findForms('kto wygrał mecz GKS', 'pl')).toEqual([]);
    expect(findForms('', 'pl')).toEqual([]);
    expect(findForms('wniosek formularz', 'pl')).toEqual([]);
  });
});

describe('renderFormPdf', () => {
  it.each(FORM_SLUGS.map((s) => [s]))('%s: a printable Polish form with fields, a signature place and no missing texts', async (slug) => {
    const pdf = await renderFormPdf(slug);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    const title = FORMS.find((f) => f.slug === slug)?.title.pl as string;
    // a word broken at a hyphen at the end of a line may keep or lose the hyphen: compare without hyphens
    expect(text.replace(/-/g, '')).toContain(title.replace(/-/g, ''));
    for (const s of ['Katowickie Wodociągi S.A.', 'Wypełnia Katowickie Wodociągi S.A.', 'DANE WNIOSKODAWCY', 'Imię i nazwisko albo nazwa firmy', 'Numer klienta', 'Czytelny podpis wnioskodawcy', 'Miejscowość i data', 'OŚWIADCZENIE', 'RODO']) {
      expect(text).toContain(s);
    }
    // no key left untranslated
    expect(text).not.toMatch(/forms\.(fields|options|items|statements|pdf)\./);
    const info = pdfInfo(pdf);
    expect(info.Title).toBe(title);
    expect(Number(info.Pages)).toBeLessThanOrEqual(2);
    expect(pdfFonts(pdf)).toMatch(/DejaVuSans/);
  });

  it('prints tick boxes with their options', async () => {
    const text = pdfText(await renderFormPdf('reklamacja'));
    for (const s of ['faktura lub rozliczenie', 'jakość wody', 'ciśnienie wody', 'listownie', 'e-mailem']) expect(text).toContain(s);
  });

  it('warns about the cost of a meter test on that form', async () => {
    expect(pdfText(await renderFormPdf('ekspertyza-wodomierza'))).toContain('koszt badania');
  });

  it('renders in Ukrainian when asked', async () => {
    const text = pdfText(await renderFormPdf('reklamacja', 'uk'));
    expect(text).toContain('ДАНІ ЗАЯВНИКА');
    expect(text).toContain('Розбірливий підпис заявника');
  });

  it('throws UnknownFormError for an unknown slug', async () => {
    await expect(renderFormPdf('../../etc/passwd')).rejects.toBeInstanceOf(UnknownFormError);
  });
});
