import { join } from 'node:path';
import { KroplaRecognizer, detectLanguage } from '../../src/nlu';
import { evaluate } from '../../src/nlu/eval';
import { loadItems } from '../../src/nlu/model';
import { romanizeUk } from '../../src/nlu/langid';
import { translitUkLatin } from '../../src/nlu/text';

jest.setTimeout(120_000);

describe('Ukrainian typed in Latin letters', () => {
  test('is detected as Ukrainian, while Polish without diacritics and English stay what they are', () => {
    expect(detectLanguage('skilky ya vynen za vodu?')).toBe('uk');
    expect(detectLanguage('nemaye vody z ranku, shcho stalosya?')).toBe('uk');
    expect(detectLanguage('pryvit')).toBe('uk');
    expect(detectLanguage('ile mam do zaplaty za wode')).toBe('pl');
    expect(detectLanguage('administrator budynku nie odbiera')).toBe('pl');
    expect(detectLanguage('how much do i owe')).toBe('en');
  });
  test('is transliterated to (folded) Cyrillic, codes and units kept', () => {
    expect(translitUkLatin('pokazhit meni rakhunky')).toBe('покажит мени рахунки');
    expect(translitUkLatin('yakyi shchos zhovten')).toBe('якии щос жовтен');
    expect(translitUkLatin('zv\'yazatysya 12 m3 kw')).toBe('звязатися 12 m3 kw');
  });
  test('our own set of Latin-script Ukrainian messages: ≥ 90% right', async () => {
    const rec = await KroplaRecognizer.load();
    const items = loadItems(join(__dirname, 'uk-latin.json'));
    const r = evaluate(rec, items);
    expect(items.length).toBeGreaterThanOrEqual(30);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(rec.recognize('pokazhit moi rakhunky').language).toBe('uk');
  });
  test('the romanisations the language model learns from: national, informal, Polish-style', () => {
    expect(romanizeUk('щоб підключити з\'єднання', 0)).toBe("shchob pidkliuchyty z'yednannia");
    expect(romanizeUk('щоб підключити', 1)).toBe('schob pidklyuchyty');
    expect(romanizeUk('щоб підключити', 2)).toBe('szczob pidkljuczyty');
    expect(romanizeUk('надішліть fakturę', 0)).toBe('nadishlit fakturę');
  });
  test('the n-gram model finds Ukrainian beyond the word list; Polish, Silesian and English stay', async () => {
    const rec = await KroplaRecognizer.load();
    for (const t of ['prorvalo trubu v pidvali, zalyvaie', 'yak ty pratsyuiesh? shcho ty vmiiesh', 'chomu ne ide voda']) expect(rec.recognize(t).language).toBe('uk');
    for (const t of ['pyrsk', 'halo', 'dokumenty do pobrania', 'daj kod qr do zaplaty', 'niy mom wody od rana', 'ile mam do zaplaty za wode']) expect(rec.recognize(t).language).toBe('pl');
    expect(rec.recognize('is there a water outage on ulica Mikołowska?').language).toBe('en');
    expect(rec.recognize('prorvalo trubu v pidvali, zalyvaie').intent).toBe('outage.report');
  });
});
