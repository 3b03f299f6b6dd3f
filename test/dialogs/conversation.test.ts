/**
 * Transcript tests of the conversation layer (issue 12): customers answering in their own words.
 * Real bot, real NLU, real SQLite; every example is our own, not taken from the journey sets.
 */
import type { Activity } from 'botbuilder';
import type { App } from '../../src/app';
import { AlertSubscription, CaseRecord, Customer, Reading } from '../../models';
import { KnowledgeBase } from '../../dialogs/knowledge';
import { readSlot, readYesNo } from '../../dialogs/slots';
import { understand } from '../../dialogs/understanding';
import { TASK_INTENTS } from '../../dialogs';
import { buttonsOf, chat, linkedChat, sharedRecognizer, testApp, type TestChat } from '../support/botHarness';

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.stop();
});

const linked = (customerNumber = '100234'): Promise<TestChat> => linkedChat(app, customerNumber);

const expects = (a: Partial<Activity> | undefined): string | undefined => (a?.channelData as { kropla?: { expects?: string } } | undefined)?.kropla?.expects;
const refusal = (a: Partial<Activity> | undefined): string | undefined => (a?.channelData as { kropla?: { refusal?: string } } | undefined)?.kropla?.refusal;
const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1];

async function lastMainLitres(customerNumber: string): Promise<number> {
  const customer = await app.services.customers.byNumber(customerNumber);
  const meters = await app.services.readings.metersOf(customer!.id);
  const main = meters.find((m) => m.kind === 'main')!;
  return (await app.services.readings.lastReading(main.id))!.valueLitres;
}
const m3 = (litres: number): string => (litres / 1000).toFixed(3).replace('.', ',');

async function casesOfChat(c: TestChat): Promise<CaseRecord[]> {
  const chatRow = await app.services.chats.touch({ channel: 'webchat', conversationId: c.conversationId, userId: c.userId, reference: {} });
  return app.ds.getRepository(CaseRecord).find({ where: { chatId: chatRow.id } });
}

describe('prompts are marked with what they expect', () => {
  test('the reading prompt says it waits for meterValue; a fallback is marked as not understood', async () => {
    const c = await linked('100008');
    const replies = await c.say('chcę podać stan wodomierza');
    expect(expects(last(replies))).toBe('meterValue');
    const other = chat(app);
    const r = await other.say('qwrty zxcv bnm');
    expect(['notUnderstood', 'outOfScope']).toContain(refusal(last(r)));
  });
});

describe('sentence answers, for every kind of slot', () => {
  test.each([
    ['meterValue', 'no to będzie jakieś 512,7 chyba', 512_700],
    ['meterValue', 'nie 521, tylko 512,7', 512_700],
    ['email', 'proszę na adres ewa.k@example.org, dziękuję', 'ewa.k@example.org'],
    ['phone', 'najlepiej dzwonić pod 601 234 567 po południu', '601 234 567'],
    ['customerNumber', 'numer klienta mam 100777', '100777'],
    ['linkCode', 'przyszedł kod abcd-2345 na maila', 'ABCD-2345'],
    ['linkCode', 'nie mam żadnego kodu', 'nie mam kodu'],
    ['yesNo', 'tak, proszę zapisać', true],
    ['yesNo', 'nie, mam nowy mail: a.b@example.com', false],
    ['caseNumber', 'chodzi o sprawę KW 2026 000012', 'KW-2026-000012'],
  ] as const)('%s from "%s"', async (slot, text, value) => {
    const nlu = (await sharedRecognizer()).recognize(text, { language: 'pl' });
    expect(readSlot(slot, { text, nlu, titles: [], attachments: 0, mode: 'answer' })).toEqual(value);
  });

  test('choices by their words: a category, a contact, a meter', async () => {
    const cats = ['Faktura', 'Wodomierz', 'Jakość wody', 'Ciśnienie', 'Obsługa', 'Inne'];
    expect(readSlot('category', { text: 'z kranu leci rdzawa woda', nlu: null, titles: cats, attachments: 0, mode: 'answer' })).toBe('Jakość wody');
    const contacts = ['W tym czacie', 'E-mailem', 'Telefonicznie'];
    expect(readSlot('contact', { text: 'odpiszcie na m.zielinska@wp.pl', nlu: null, titles: contacts, attachments: 0, mode: 'answer' })).toBe('E-mailem');
    expect(readSlot('contact', { text: 'wolę telefon', nlu: null, titles: contacts, attachments: 0, mode: 'answer' })).toBe('Telefonicznie');
    const meters = ['Wodomierz główny WM-1 (Stawowa 9)', 'Podlicznik WM-2 (Stawowa 9)'];
    expect(readSlot('meter', { text: 'ten na działce, od ogrodu', nlu: null, titles: meters, attachments: 0, mode: 'answer' })).toBe(meters[1]);
    expect(readYesNo('yes that is right')).toBe(true);
  });

  test('a reading answered in a sentence is saved (2 turns)', async () => {
    const c = await linked('100009');
    const value = (await lastMainLitres('100009')) + 1_400;
    await c.say('podaję odczyt');
    const reply = await c.text(`no to jest ${m3(value)} m3 dzisiaj rano`);
    expect(reply).toContain('Zapisano odczyt');
    const saved = await app.ds.getRepository(Reading).findOne({ where: { valueLitres: value } });
    expect(saved).not.toBeNull();
  });

  test('e-invoice: "nie, mam nowy mail: …" at the confirmation turns it on for the new address', async () => {
    const c = await linked('100012');
    await c.say('chcę e-fakturę');
    const consent = await c.say('nie, teraz mam inny adres: andrzej.nowy@example.com');
    expect(expects(last(consent))).toBe('yesNo');
    expect(last(consent)?.text).toContain('andrzej.nowy@example.com');
    await c.say('tak');
    const cust = await app.ds.getRepository(Customer).findOneByOrFail({ customerNumber: '100012' });
    expect(cust.eInvoice).toBe(true);
    expect(cust.email).toBe('andrzej.nowy@example.com');
    await app.services.customers.setEInvoice(cust.id, false);
  });

  test('what was said first is not asked again: sub-meter and value in one message', async () => {
    const c = await linked('100011');
    const customer = await app.services.customers.byNumber('100011');
    const sub = (await app.services.readings.metersOf(customer!.id)).find((m) => m.kind === 'submeter')!;
    const last0 = (await app.services.readings.lastReading(sub.id))!.valueLitres;
    const replies = await c.say(`stan podlicznika na działce: ${m3(last0 + 600)}`);
    const texts = replies.map((r) => r.text).join('\n');
    expect(texts).not.toMatch(/Który wodomierz/i);
    expect(texts).toContain('Zapisano odczyt');
  });
});

describe('corrections and cancel in words', () => {
  test('a corrected value at "save anyway?" replaces the suspicious one (3 turns)', async () => {
    const c = await linked('100010');
    const lastValue = await lastMainLitres('100010');
    await c.say('podaję stan licznika');
    const warn = await c.say(m3(lastValue + 90_000));
    expect(expects(last(warn))).toBe('yesNo');
    const fixed = await c.text(`sorki, pomyłka, powinno być ${m3(lastValue + 1_200)}`);
    expect(fixed).toContain('Zapisano odczyt');
    expect(await app.ds.getRepository(Reading).findOne({ where: { valueLitres: lastValue + 1_200 } })).not.toBeNull();
    expect(await app.ds.getRepository(Reading).findOne({ where: { valueLitres: lastValue + 90_000 } })).toBeNull();
  });

  test.each(['jednak nie, wodomierz jest w zamkniętej piwnicy', 'nie teraz', 'daj spokój'])('"%s" in the reading prompt cancels, saving nothing', async (text) => {
    const c = await linked('100013');
    await c.say('chcę podać odczyt wodomierza');
    const replies = await c.say(text);
    expect(last(replies)?.text).toMatch(/Anulowano/);
    expect(refusal(last(replies))).toBeUndefined();
  });
});

describe('follow-ups, several requests, knowledge in the middle of a task', () => {
  test('"a za październik?" after the November invoice as PDF sends October\'s', async () => {
    const c = await linked('100005');
    const first = await c.say('proszę fakturę za listopad w pdf');
    expect(first.some((a) => a.attachments?.[0]?.name?.startsWith('FV-2026-11'))).toBe(true);
    const second = await c.say('a za październik?');
    expect(second.some((a) => (a.text ?? '').includes('FV/2026/10'))).toBe(true);
  });

  test('"a pod numerem 8?" after an outage answer checks the same street', async () => {
    const c = chat(app);
    const first = await c.text('czy jest jakaś awaria wody na Gliwickiej 88?');
    expect(first).toMatch(/Gliwicka 88/);
    const follow = await c.text('a pod numerem 8?');
    expect(follow).toMatch(/Gliwicka 8\b/);
  });

  test('balance and a reading in one message are both done, in order', async () => {
    const c = await linked('100014');
    const value = (await lastMainLitres('100014')) + 1_100;
    const replies = await c.say(`ile mam do zapłaty, no i od razu podaję licznik ${m3(value)}`);
    const texts = replies.map((r) => r.text ?? '');
    const balanceAt = texts.findIndex((t) => /zapłaty|nadpłata|Nie ma nic/.test(t));
    const readingAt = texts.findIndex((t) => t.includes('Zapisano odczyt'));
    expect(balanceAt).toBeGreaterThanOrEqual(0);
    expect(readingAt).toBeGreaterThan(balanceAt);
  });

  test('a question in the middle of a reading is answered, then the reading is asked again', async () => {
    const c = await linked('100001');
    await c.say('podaję odczyt');
    const replies = await c.say('a czy mogę w ogóle zapłacić gotówką w biurze?');
    expect(replies[0].text).toMatch(/gotówką/);
    expect(expects(last(replies))).toBe('meterValue');
  });

  test('knowledge survives missing diacritics and inflection', () => {
    const kb = KnowledgeBase.load();
    expect(kb.find('co sie stanie z nadplata ktora mam', 'pl')?.entry.id).toBe('overpayment');
    expect(kb.find('czy naliczacie odsetki jak sie spoznie', 'pl')?.entry.id).toBe('latePayment');
    expect(kb.find('jak liczycie oplate za scieki z podlicznikiem', 'pl')?.entry.id).toBe('sewage');
    expect(kb.find('can I pay cash at your office', 'en')?.entry.id).toBe('howToPay');
  });

  test('a water question is never refused as out of scope; hot water names who handles it', async () => {
    const c = chat(app);
    const a = await c.say('kto mi spisuje licznik i kiedy?');
    expect(refusal(last(a))).not.toBe('outOfScope');
    expect(last(a)?.text).toMatch(/dniu rozliczenia/);
    const b = await c.say('od rana kaloryfery zimne i nie ma ciepłej wody');
    expect(refusal(last(b))).toBe('notOurs');
    expect(last(b)?.text).toMatch(/administratora budynku|dostawcy ciepła/);
  });
});

describe('dead ends', () => {
  test('no water and nothing announced: neighbours too → 994 and an urgent report (3 turns)', async () => {
    const c = chat(app);
    const ask = await c.say('nie mam wody na Korczaka 7, co się dzieje?');
    expect(expects(last(ask))).toBe('yesNo');
    const next = await c.say('u sąsiadów też nie ma, cały blok bez wody');
    expect(next.map((r) => r.text).join('\n')).toContain('994');
    const all = [...next, ...(expects(last(next)) === 'description' ? await c.say('od godziny nie leci woda w całym bloku') : [])];
    expect(all.map((r) => r.text).join('\n')).toMatch(/Przyjęto pilne zgłoszenie/);
    expect((await casesOfChat(c)).some((x) => x.kind === 'outage_report')).toBe(true);
  });

  test('no water only in the flat → the building manager', async () => {
    const c = chat(app);
    await c.say('nie mam wody na Korczaka 9');
    expect(await c.text('u sąsiadów jest normalnie woda')).toMatch(/administratorem budynku/);
  });

  test('"tak" to "Czy włączyć alerty?" turns them on for that address', async () => {
    const c = chat(app);
    const none = await c.say('czy są jakieś wyłączenia wody na Rataja 3?');
    expect(last(none)?.text).toMatch(/Czy włączyć alerty/);
    expect(await c.text('tak')).toMatch(/Włączono alerty/);
    const chatRow = await app.services.chats.touch({ channel: 'webchat', conversationId: c.conversationId, userId: c.userId, reference: {} });
    expect(await app.ds.getRepository(AlertSubscription).count({ where: { chatId: chatRow.id } })).toBe(1);
  });

  test('"ok, to wróćmy do tej reklamacji" after an interruption resumes the complaint', async () => {
    const c = await linked('100006');
    await c.say('chcę złożyć reklamację');
    const balance = await c.say('a w ogóle ile mam do zapłaty?');
    expect(expects(last(balance))).toBe('yesNo');
    const back = await c.say('ok, to wróćmy do tej reklamacji');
    expect(expects(last(back))).toBe('category');
    expect(buttonsOf(last(back))).toContain('Jakość wody');
  });
});

describe('the understanding table', () => {
  test('cancel, question, switch and re-ask are told apart', async () => {
    const r = await sharedRecognizer();
    const base = { titles: [], attachments: 0, task: 'reading.submit', locale: 'pl' as const, tasks: TASK_INTENTS };
    const u = (slot: 'meterValue' | 'yesNo', text: string) => understand({ ...base, slot, text, nlu: r.recognize(text, { language: 'pl' }) }).kind;
    expect(u('meterValue', 'anuluj')).toBe('cancel');
    expect(u('meterValue', 'powinno być 512,7')).toBe('value');
    expect(u('meterValue', 'a jak nie podam odczytu, to co wtedy?')).toBe('question');
    expect(u('meterValue', 'pokaż mi moje faktury')).toBe('switch');
    expect(u('meterValue', 'hmm')).toBe('reask');
    expect(u('yesNo', 'nie')).toBe('value');
  });
});
