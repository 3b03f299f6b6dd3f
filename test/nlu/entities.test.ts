import { extractEntities, type NluEntity } from '../../src/nlu';

const today = new Date(Date.UTC(2026, 5, 15)); // 15 June 2026
const ents = (t: string, lang: 'pl' | 'en' | 'uk' = 'pl'): NluEntity[] => extractEntities(t, lang, today);
const one = <T extends NluEntity['type']>(t: string, type: T, lang: 'pl' | 'en' | 'uk' = 'pl'): Extract<NluEntity, { type: T }> => {
  const found = ents(t, lang).filter((e): e is Extract<NluEntity, { type: T }> => e.type === type);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('meter values → litres', () => {
  test.each([
    ['stan licznika 1312,5', 1312500],
    ['1 312,500 m3', 1312500],
    ['1312.5', 1312500],
    ['licznik pokazuje 1312 m³', 1312000],
    ['odczyt: 00987', 987000],
    ['mam 245,34 na liczniku', 245340],
  ])('%s', (text, litres) => {
    expect(one(text, 'meterValue').litres).toBe(litres);
  });
  test('a number with no reading context is not a meter value', () => {
    expect(ents('mam 3 dzieci i mieszkam tu od lat').some((e) => e.type === 'meterValue')).toBe(false);
  });
  test('an electricity meter is not ours', () => {
    expect(ents('licznik pradu 4567').some((e) => e.type === 'meterValue')).toBe(false);
  });
});

describe('money → grosze', () => {
  test.each([
    ['zaplacilem 245,67 zł', 24567],
    ['245.67 PLN', 24567],
    ['faktura na 1 234,50 zl', 123450],
    ['przelalem 300 zł', 30000],
  ])('%s', (text, grosze) => {
    expect(one(text, 'money').grosze).toBe(grosze);
  });
});

describe('numbers and codes', () => {
  test('invoice number', () => {
    expect(one('kopia faktury FV/2026/10/004411 prosze', 'invoiceNumber').value).toBe('FV/2026/10/004411');
    expect(one('fv/2026/3/000123', 'invoiceNumber').value).toBe('FV/2026/03/000123');
  });
  test('customer number only when named', () => {
    expect(one('mój nr klienta 100234', 'customerNumber').value).toBe('100234');
    expect(one('numer klienta: 100876', 'customerNumber').value).toBe('100876');
    expect(one('my customer number is 100345', 'customerNumber', 'en').value).toBe('100345');
    expect(ents('100234').some((e) => e.type === 'customerNumber')).toBe(false);
  });
  test.each([
    ['status KW-2026-000123', 'KW-2026-000123'],
    ['kw 2026 000123', 'KW-2026-000123'],
    ['KW/2026/000123', 'KW-2026-000123'],
    ['kw-2026-000124?', 'KW-2026-000124'],
  ])('case number %s', (text, value) => {
    expect(one(text, 'caseNumber').value).toBe(value);
  });
  test.each([
    ['K7PM-4QX9', 'K7PM-4QX9'],
    ['mój kod to k7pm4qx9', 'K7PM-4QX9'],
    ['kod 8hjk-2mnp', '8HJK-2MNP'],
  ])('link code %s', (text, value) => {
    expect(one(text, 'linkCode').value).toBe(value);
  });
  test('ordinary words, digits-only and letters outside the alphabet are not link codes', () => {
    for (const t of ['zaplacic', 'zapłacić rachunek', '12345678', 'K0PM-4QX9', 'KIPM-4QX9', 'dokumenty']) {
      expect(ents(t).some((e) => e.type === 'linkCode')).toBe(false);
    }
  });
});

describe('periods (today = 2026-06-15)', () => {
  test.each([
    ['za ostatni rok', '2025-06-15', '2026-06-15'],
    ['od stycznia do marca', '2026-01-01', '2026-03-31'],
    ['w październiku', '2025-10-01', '2025-10-31'],
    ['w pazdzierniku', '2025-10-01', '2025-10-31'],
    ['zeszły miesiąc', '2026-05-01', '2026-05-31'],
    ['ostatnie pół roku', '2025-12-15', '2026-06-15'],
    ['zuzycie w 2025', '2025-01-01', '2025-12-31'],
    ['od 1.03.2026 do 31.05.2026', '2026-03-01', '2026-05-31'],
    ['w tym roku', '2026-01-01', '2026-06-15'],
    ['ostatnie 3 miesiące', '2026-03-15', '2026-06-15'],
    ['w czerwcu', '2026-06-01', '2026-06-30'],
    ['od listopada do lutego', '2025-11-01', '2026-02-28'],
    ['w zeszłym roku', '2025-01-01', '2025-12-31'],
  ])('pl: %s', (text, from, to) => {
    const p = one(text, 'period');
    expect([p.from, p.to]).toEqual([from, to]);
  });
  test.each([
    ['usage last year', '2025-01-01', '2025-12-31'],
    ['from January to March', '2026-01-01', '2026-03-31'],
    ['in October', '2025-10-01', '2025-10-31'],
    ['last 3 months', '2026-03-15', '2026-06-15'],
  ])('en: %s', (text, from, to) => {
    const p = one(text, 'period', 'en');
    expect([p.from, p.to]).toEqual([from, to]);
  });
  test.each([
    ['за минулий місяць', '2026-05-01', '2026-05-31'],
    ['за минулий рік', '2025-01-01', '2025-12-31'],
    ['з січня по березень', '2026-01-01', '2026-03-31'],
  ])('uk: %s', (text, from, to) => {
    const p = one(text, 'period', 'uk');
    expect([p.from, p.to]).toEqual([from, to]);
  });
  test('a bare year is a period', () => {
    expect(ents('2025').find((e) => e.type === 'period')).toMatchObject({ from: '2025-01-01', to: '2025-12-31' });
  });
});

describe('addresses', () => {
  test.each([
    ['awaria na Mikołowskiej 12', 'Mikołowska', 'mikolowska', '12'],
    ['przy ul. 3 Maja 5', '3 Maja', '3 maja', '5'],
    ['Kosciuszki 30a', 'Kościuszki', 'kosciuszki', '30a'],
    ['na mikolowskej 7/3 nie ma wody', 'Mikołowska', 'mikolowska', '7'],
    ['ul. Stawowa 5', 'Stawowa', 'stawowa', '5'],
  ])('%s', (text, street, key, building) => {
    expect(one(text, 'address')).toMatchObject({ street, streetKey: key, building });
  });
  test('street without number after a preposition', () => {
    const a = one('czy jest awaria na mikolowskiej', 'address');
    expect(a.streetKey).toBe('mikolowska');
    expect(a.building).toBeUndefined();
  });
  test('common words that look like streets are not addresses', () => {
    expect(ents('karta bankowa nie dziala').some((e) => e.type === 'address')).toBe(false);
  });
});
