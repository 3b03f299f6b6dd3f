/**
 * Transcript tests of money, invoice, linking and office tasks finished in the customer's own words
 * (issue 12, third pass): linking details given in the first message, several requests where one
 * is a rules question, a month taken back in the same sentence, "the last three as PDF",
 * follow-ups that lean on the last answer ("a za co to?", "wrzuć mi ją w pdf"), a message to the
 * office that is only announced. Real bot, real NLU, real SQLite; the phrasings are our own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import type { App } from '../../src/app';
import { CaseRecord } from '../../models';
import { t } from '../../src/i18n/i18n';
import { readYesNo, onlyAnnounces } from '../../dialogs/slots';
import { KnowledgeBase } from '../../dialogs/knowledge';
import { correctedInMessage } from '../../dialogs/understanding';
import { chat, linkedChat, sharedRecognizer, testApp, type TestChat } from '../support/botHarness';
import { kropla, last, pdfs, texts } from '../support/replies';

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.stop();
});

const refused = (replies: Partial<Activity>[]): boolean => replies.some((r) => kropla(r).refusal);
const MONTHS_PL = ['styczeń', 'luty', 'marzec', 'kwiecień', 'maj', 'czerwiec', 'lipiec', 'sierpień', 'wrzesień', 'październik', 'listopad', 'grudzień'];

async function latestInvoices(customerNumber: string) {
  const customer = await app.services.customers.byNumber(customerNumber);
  const list = await app.services.billing.latestInvoices(customer!.id, 3);
  return list.map((i) => ({ number: i.number, month: Number(i.issueDate.slice(5, 7)), file: `${i.number.replace(/\//g, '-')}.pdf` }));
}

async function casesOfChat(c: TestChat): Promise<CaseRecord[]> {
  const row = await app.services.chats.touch({ channel: 'webchat', conversationId: c.conversationId, userId: c.userId, reference: {} });
  return app.ds.getRepository(CaseRecord).find({ where: { chatId: row.id } });
}

describe('linking details said in the first message', () => {
  test('"iboka nie mam" and the customer number in the request itself: the code is e-mailed at once, nothing asked again (2 turns → linked)', async () => {
    const customer = await app.services.customers.byNumber('100007');
    const c = chat(app);
    const first = await c.say('chciałabym widzieć tu swoje saldo, ale żadnego iboka nie mam, numer klienta z faktury to 100007');
    expect(kropla(last(first)).expects).toBe('linkCode');
    expect(texts(first)).toMatch(/wysłaliśmy kod/);
    const mails = readdirSync(app.config.mailDir).map((f) => readFileSync(join(app.config.mailDir, f), 'utf8')).filter((m) => m.includes(`To: ${customer!.email}`));
    const code = /([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(mails.at(-1)?.split('\r\n\r\n').slice(1).join('\n') ?? '')?.[1];
    expect(code).toBeDefined();
    expect(kropla(last(await c.say(`mam już maila, kod to ${code!}`))).expects).toBe('terms');
    await c.say('akceptuję');
    expect(await app.services.links.linkedCustomerId('webchat', c.userId)).toBe(customer!.id);
  });
});

describe('several requests, one of them a rules question', () => {
  test('"can I pay at the post office? and which account number?" answers the question and gives the payment details (1 turn)', async () => {
    const c = await linkedChat(app, '100012');
    const replies = await c.say('Nie korzystam z bankowości w internecie. Czy da się zapłacić na poczcie? I jaki numer konta wpisać na blankiecie?');
    const all = texts(replies);
    expect(all).toMatch(/pocztow/);
    expect(all).toMatch(/numer rachunku \(indywidualny\)/);
    expect(refused(replies)).toBe(false);
  });

  test('an emergency number asked about "if a pipe bursts" is answered, and the office hours after it (no address prompt in between)', async () => {
    const c = chat(app, { locale: 'en-US' });
    const replies = await c.say('who do I call if a pipe bursts at night? and is your office open on saturday?');
    const all = texts(replies);
    expect(all).toMatch(/994/);
    expect(all).toMatch(/15:30/);
    expect(replies.some((r) => kropla(r).expects === 'address')).toBe(false);
  });

  test('Ukrainian: how much to pay and the account number are both answered (1 turn)', async () => {
    const c = chat(app, { locale: 'uk-UA' });
    const customer = await app.services.customers.byNumber('100011');
    const { code } = await app.services.links.issueCode(customer!.id, 'ibok');
    await c.say(code);
    const replies = await c.say('Скільки мені потрібно заплатити і на який номер рахунку переказати гроші?');
    const all = texts(replies);
    expect(all).toMatch(/До сплати/);
    expect(all).toMatch(/1090 1014/);
  });

  test('the e-mail of the office asked for in words gets the contact details, not the fallback', async () => {
    const replies = await chat(app).say('podajcie adres mailowy do biura, muszę przesłać skan umowy');
    expect(texts(replies)).toMatch(/bok@wodociagi/);
    expect(refused(replies)).toBe(false);
  });
});

describe('a value taken back in the same message', () => {
  test('"fakturę za <month> … a nie, przepraszam, za <other month>" sends the other month\'s PDF only', async () => {
    const [newest, previous] = await latestInvoices('100018');
    const c = await linkedChat(app, '100018');
    const replies = await c.say(`wyślij pdf faktury za ${MONTHS_PL[previous.month - 1]}, a nie, przepraszam, za ${MONTHS_PL[newest.month - 1]} mi chodzi`);
    expect(pdfs(replies)).toEqual([newest.file]);
  });

  test('only the value after the take-back of its kind is kept; other kinds and messages without one are untouched', async () => {
    const r = await sharedRecognizer();
    const nlu = r.recognize('faktura za wrzesień, sorki, za pazdzirnik', { language: 'pl', today: new Date('2026-12-01') });
    const periods = correctedInMessage(nlu).entities.filter((e) => e.type === 'period');
    expect(periods).toHaveLength(1);
    expect(periods[0].type === 'period' && periods[0].from).toBe('2026-10-01');
    const plain = r.recognize('faktury z września i października', { language: 'pl', today: new Date('2026-12-01') });
    expect(correctedInMessage(plain)).toBe(plain);
  });
});

describe('invoices as documents', () => {
  test('"the last three bills as PDF" sends the three PDFs (1 turn)', async () => {
    const invoices = await latestInvoices('100019');
    const c = await linkedChat(app, '100019');
    const replies = await c.say('my landlord needs copies of the last three water bills, could you send them as pdf?');
    expect(pdfs(replies)).toEqual(invoices.map((i) => i.file));
  });
});

describe('follow-ups that lean on the last answer', () => {
  test('"a za co to?" after the amount due shows the invoices it is made of', async () => {
    const c = await linkedChat(app, '100011');
    await c.say('ile mam do zapłaty?');
    const replies = await c.say('a za co to jest?');
    expect(texts(replies)).toMatch(/FV\/2026\//);
    expect(refused(replies)).toBe(false);
  });

  test('"wrzuć mi ją w pdf" after an invoice was shown sends that invoice again, with its amount', async () => {
    const invoices = await latestInvoices('100234');
    const c = await linkedChat(app, '100234');
    await c.say('pokaż faktury');
    await c.say(`PDF ${invoices[1].number}`);
    const replies = await c.say('dobra, to jeszcze raz wyślij mi ją w pdf');
    expect(pdfs(replies)).toEqual([invoices[1].file]);
    expect(texts(replies)).toMatch(/na kwotę \d+,\d{2} zł/);
    expect(refused(replies)).toBe(false);
  });

  test('"co wpisać w tytule?" after the payment details is answered from the knowledge base', async () => {
    const c = await linkedChat(app, '100014');
    await c.say('na jakie konto mam płacić?');
    const replies = await c.say('a co mam wpisać w tytule przelewu?');
    expect(texts(replies)).toMatch(/W tytule przelewu/);
    expect(refused(replies)).toBe(false);
  });
});

describe('a message to the office that is only announced', () => {
  test('the text is asked for, and the announcement stays with it in the case (Silesian yes "ja, tak")', async () => {
    const c = await linkedChat(app, '100014');
    const first = await c.say('Dzień dobry, chcę napisać do was wiadomość, bo od lutego zmieniam adres do korespondencji');
    expect(kropla(last(first)).expects).toBe('description');
    const draft = await c.say('proszę słać listy na ul. Gawronów 7 w Katowicach');
    expect(kropla(last(draft)).expects).toBe('yesNo');
    expect(texts(await c.say('ja, tak, wysyłać'))).toMatch(/KW-\d{4}-\d+/);
    const [sent] = await casesOfChat(c);
    expect(sent.text).toMatch(/zmieniam adres/);
    expect(sent.text).toMatch(/Gawronów 7/);
    expect(sent.text).not.toMatch(/ja, tak/);
  });

  test('an announcement with the detail in it is the text itself', () => {
    expect(onlyAnnounces('chcę napisać wiadomość do biura')).toBe(true);
    expect(onlyAnnounces('chcę wysłać wiadomość: proszę przysyłać faktury na nowy adres, Gawronów 7')).toBe(false);
    expect(onlyAnnounces('mam pytanie o fakturę z listopada, czemu jest taka wysoka')).toBe(false);
  });

  test('Silesian "ja," is a yes, "ja nie wiem" is not', () => {
    expect(readYesNo('ja, tak, wysyłać')).toBe(true);
    expect(readYesNo('ja')).toBe(true);
    expect(readYesNo('ja nie wiem')).not.toBe(true);
    expect(readYesNo('raczej nie wysyłać tego')).not.toBe(true);
  });
});

describe('wording', () => {
  test('waiting for a person says the staff member reads what the customer writes (not "what I write")', () => {
    expect(t('pl', 'handoff.queued', { caseNumber: 'KW-1' })).not.toMatch(/napiszę/);
    expect(t('pl', 'handoff.queued', { caseNumber: 'KW-1' })).toMatch(/pracownik/);
  });
});

describe('e-invoice in the customer\'s words', () => {
  test('a new address for an e-invoice already on is taken after one yes', async () => {
    const c = await linkedChat(app, '100001');
    const asked = await c.say('zmieniłam skrzynkę, e-faktury mają teraz przychodzić na anna.nowa.skrzynka@example.org');
    expect(kropla(last(asked)).expects).toBe('yesNo');
    expect(texts(asked)).toMatch(/anna\.nowa\.skrzynka@example\.org/);
    await c.say('tak');
    const cust = await app.services.customers.byNumber('100001');
    expect(cust?.eInvoice).toBe(true);
    expect(cust?.email).toBe('anna.nowa.skrzynka@example.org');
  });

  test('"wyłączcie e-fakturę, wolę papierowe" turns it off after a yes', async () => {
    const c = await linkedChat(app, '100001');
    expect(kropla(last(await c.say('proszę wyłączyć mi e-fakturę, wolę znowu papierowe')))).toEqual(expect.objectContaining({ expects: 'yesNo' }));
    expect(texts(await c.say('tak'))).toMatch(/e-faktura jest wyłączona/);
    expect((await app.services.customers.byNumber('100001'))?.eInvoice).toBe(false);
  });

  test('"nie, mam nowy mail: …" right after turning it on moves it to the new address', async () => {
    const c = await linkedChat(app, '100010');
    await c.say('chcę e-fakturę');
    expect(texts(await c.say('tak'))).toMatch(/e-faktura jest włączona/);
    const asked = await c.say('a nie, mam już nowy mail: nowy.adres.100010@example.org');
    expect(kropla(last(asked)).expects).toBe('yesNo');
    await c.say('tak');
    expect((await app.services.customers.byNumber('100010'))?.email).toBe('nowy.adres.100010@example.org');
  });
});

describe('linking with the customer number said first', () => {
  test('"numer 100013" in the request sends the code at once; "nie mam kodu" then is answered that it is on its way', async () => {
    const c = chat(app);
    const first = await c.say('chcę podpiąć konto do czatu, numer 100013');
    expect(kropla(last(first)).expects).toBe('linkCode');
    const again = await c.say('nie mam kodu');
    expect(kropla(last(again)).expects).toBe('linkCode');
    expect(texts(again)).toMatch(/przed chwilą/);
    expect(texts(again)).not.toMatch(/podać numer klienta/);
  });

  test('a mistyped e-mailed code is asked for again (terms not asked twice), and the right one links', async () => {
    const customer = await app.services.customers.byNumber('100015');
    const c = chat(app);
    await c.say('chcę połączyć konto, mój numer klienta to 100015');
    await c.say('K7PM-4QX9');
    const wrong = await c.say('akceptuję regulamin');
    expect(texts(wrong)).toMatch(/nieprawidłowy/);
    expect(kropla(last(wrong)).expects).toBe('linkCode');
    const mails = readdirSync(app.config.mailDir).map((f) => readFileSync(join(app.config.mailDir, f), 'utf8')).filter((m) => m.includes(`To: ${customer!.email}`));
    const code = /([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(mails.at(-1)?.split('\r\n\r\n').slice(1).join('\n') ?? '')?.[1];
    expect(texts(await c.say(code!))).toMatch(/klienta nr 100015/);
  });
});

describe('more requests in one sentence', () => {
  test('"ile zalegam i podajcie nr konta" gives the balance and the account number', async () => {
    const c = await linkedChat(app, '100011');
    const all = texts(await c.say('ile zalegam i podajcie numer konta do wpłaty, chcę to dziś uregulować'));
    expect(all).toMatch(/Do zapłaty/);
    expect(all).toMatch(/numer rachunku \(indywidualny\)/);
  });

  test('"na jakie konto i co wpisać w tytule?" answers the title and gives the payment details', async () => {
    const c = await linkedChat(app, '100011');
    const all = texts(await c.say('na jakie konto przelać i co wpisać w tytule przelewu?'));
    expect(all).toMatch(/W tytule przelewu/);
    expect(all).toMatch(/numer rachunku \(indywidualny\)/);
  });

  test('"czy mam zapłacone za <two months>?" tells each month\'s invoice status', async () => {
    const [newest, previous] = await latestInvoices('100007');
    const c = await linkedChat(app, '100007');
    const replies = await c.say(`czy mam już zapłacone za ${MONTHS_PL[previous.month - 1]} i ${MONTHS_PL[newest.month - 1]}?`);
    const all = texts(replies);
    expect(all).toContain(newest.number);
    expect(all).toContain(previous.number);
    expect(all).toMatch(/opłacona/);
  });

  test('"send the <month> invoice as PDF, and is it paid?" sends the PDF that says whether it is paid', async () => {
    const [newest] = await latestInvoices('100007');
    const c = await linkedChat(app, '100007');
    const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
    const replies = await c.say(`please send me the ${months[newest.month - 1]} invoice as a PDF. and is it paid already?`);
    expect(pdfs(replies)).toEqual([newest.file]);
    expect(texts(replies)).toMatch(/has been paid|still due/);
  });
});

describe('knowledge that is also a task', () => {
  test('"proszę o rozłożenie na raty, …" is the written request itself: a message to the office; what is added right after goes into its case', async () => {
    const c = await linkedChat(app, '100016');
    const draft = await c.say('proszę o rozłożenie zaległości na raty, od miesiąca jestem bez pracy i nie dam rady spłacić wszystkiego naraz');
    expect(kropla(last(draft)).expects).toBe('yesNo');
    await c.say('tak');
    const [sent] = await casesOfChat(c);
    expect(sent.kind).toBe('message');
    expect(sent.text).toMatch(/na raty/);
    const added = await c.say('a odpowiedź najlepiej mailem');
    expect(texts(added)).toContain(sent.caseNumber);
    expect(refused(added)).toBe(false);
    const notes = await app.services.cases.messages(sent.id);
    expect(notes.some((m) => /mailem/.test(m.text))).toBe(true);
  });

  test('a question right after a message was sent is answered, not added to its case', async () => {
    const c = await linkedChat(app, '100017');
    await c.say('chcę napisać wiadomość do biura');
    await c.say('proszę o kontakt w sprawie montażu podlicznika do ogrodu');
    await c.say('tak');
    const replies = await c.say('a ile się czeka na odpowiedź?');
    expect(texts(replies)).not.toMatch(/Dopisałam/);
    expect(texts(replies)).toMatch(/dni/);
  });

  test('"mam jakąś nadpłatę?" answers the rule and shows the customer\'s balance', async () => {
    const c = await linkedChat(app, '100003');
    const all = texts(await c.say('chyba zapłaciłam dwa razy, mam teraz jakąś nadpłatę?'));
    expect(all).toMatch(/Nadpłata nie przepada/);
    expect(all).toMatch(/Do zapłaty|Nadpłata:|nadpłat/);
    expect(all).toMatch(/Stan na/);
  });

  test('penalties for paying late asked in Silesian find the late-payment answer; "gazetami" is not gas', () => {
    const kb = KnowledgeBase.load();
    expect(kb.find('a jak niy zapłaca do terminu, to bydom jakie kary?', 'pl')?.entry.id).toBe('latePayment');
    expect(kb.find('papierowej faktury nie mogę znaleźć, chyba wyrzuciłem z gazetami', 'pl')?.entry.id).not.toBe('otherUtilities');
  });
});
