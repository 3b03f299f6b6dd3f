import { detectLanguage } from '../../src/nlu';

describe('detectLanguage', () => {
  test.each([
    ['ile mam do zaplaty', 'pl'],
    ['Ile mam do zapłaty?', 'pl'],
    ['chce zlozyc reklamacje', 'pl'],
    ['dzien dobry', 'pl'],
    ['pokaz faktury', 'pl'],
    ['how much do i owe', 'en'],
    ['show me my invoices', 'en'],
    ['thank you', 'en'],
    ['скільки я маю заплатити', 'uk'],
    ['привіт', 'uk'],
    ['дякую', 'uk'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
  test('the hint decides when the text says nothing', () => {
    expect(detectLanguage('1312,5', 'en')).toBe('en');
    expect(detectLanguage('K7PM-4QX9', 'uk')).toBe('uk');
    expect(detectLanguage('1312,5')).toBe('pl');
  });
  test('clear text overrides the hint', () => {
    expect(detectLanguage('chciałbym zapłacić fakturę', 'en')).toBe('pl');
    expect(detectLanguage('where is my last bill', 'pl')).toBe('en');
    expect(detectLanguage('покажи мої рахунки', 'pl')).toBe('uk');
  });
});
