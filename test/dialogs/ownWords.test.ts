/**
 * Transcript tests of tasks finished in the customer's own words (issue 12, second pass): invoices
 * asked about by month or number, a complaint corrected at its summary, a message to the office
 * that is itself a question, linking details inside another request, tasks named by their words
 * when NLU is unsure. Real bot, real NLU, real SQLite; the phrasings are our own.
 */
import type { App } from '../../src/app';
import { CaseRecord } from '../../models';
import { matchChoice } from '../../dialogs/parsing';
import { KnowledgeBase } from '../../dialogs/knowledge';
import { cuedTask } from '../../dialogs/cues';
import { chat, linkedChat, sharedRecognizer, testApp, type TestChat } from '../support/botHarness';
import { kropla, last, pdfs, texts } from '../support/replies';

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.stop();
});


async function invoicesOf(customerNumber: string) {
  const customer = await app.services.customers.byNumber(customerNumber);
  const list = await app.services.billing.latestInvoices(customer!.id, 12);
  const { unpaid } = await app.services.billing.balance(customer!.id, new Date().toISOString().slice(0, 10));
  return list.map((i) => ({ number: i.number, month: i.issueDate.slice(0, 7), paid: !unpaid.some((u) => u.invoice.number === i.number), file: `${i.number.replace(/\//g, '-')}.pdf` }));
}
const MONTHS_PL = ['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia', 'wrzesnia', 'pazdziernika', 'listopada', 'grudnia'];

async function casesOfChat(c: TestChat): Promise<CaseRecord[]> {
  const row = await app.services.chats.touch({ channel: 'webchat', conversationId: c.conversationId, userId: c.userId, reference: {} });
  return app.ds.getRepository(CaseRecord).find({ where: { chatId: row.id } });
}

describe('choices are matched by whole words', () => {
  test('"nie" is not "Telefonicznie", "mail" is "E-mailem", a number picks by position', () => {
    const contacts = ['W tym czacie', 'E-mailem', 'Telefonicznie'];
    expect(matchChoice('nie', contacts)).toBe(-1);
    expect(matchChoice('tele', contacts)).toBe(2);
    expect(matchChoice('2', contacts)).toBe(1);
    expect(matchChoice('e-mailem', contacts)).toBe(1);
  });
});

describe('invoices asked about in words', () => {
  test('"is the invoice of <month> paid?" gets that invoice with its status in its own reply, not the fallback (1 turn)', async () => {
    const invoices = await invoicesOf('100006');
    const asked = invoices[1];
    const c = await linkedChat(app, '100006');
    const replies = await c.say(`czy zaplacilem juz fakture z ${MONTHS_PL[Number(asked.month.slice(5)) - 1]}? nie pamietam`);
    const about = replies.filter((r) => (r.text ?? '').includes(asked.number));
    expect(about).toHaveLength(1);
    expect(about[0].text).toMatch(asked.paid ? /jest opłacona/ : /nie jest (jeszcze )?opłacona/);
    expect(replies.some((r) => kropla(r).refusal)).toBe(false);
    expect(kropla(last(replies)).expects).toBe('invoice');
  });

  test('a follow-up month after a PDF sends that month\'s PDF too (2 turns)', async () => {
    const invoices = await invoicesOf('100005');
    const c = await linkedChat(app, '100005');
    const first = await c.say(`poproszę pdf faktury z ${MONTHS_PL[Number(invoices[0].month.slice(5)) - 1]}`);
    expect(pdfs(first)).toEqual([invoices[0].file]);
    const next = await c.say(`a z ${MONTHS_PL[Number(invoices[1].month.slice(5)) - 1]}?`);
    expect(pdfs(next)).toEqual([invoices[1].file]);
  });

  test('"a copy of my last invoice" is the document itself', async () => {
    const invoices = await invoicesOf('100007');
    const c = await linkedChat(app, '100007');
    expect(pdfs(await c.say('potrzebna mi kopia ostatniej faktury do pracy'))).toEqual([invoices[0].file]);
  });

  test('at the PDF offer, an invoice named by its number is the one sent (not the offered one)', async () => {
    const invoices = await invoicesOf('100006');
    const c = await linkedChat(app, '100006');
    const offer = await c.say(`czy faktura z ${MONTHS_PL[Number(invoices[1].month.slice(5)) - 1]} jest oplacona`);
    expect(kropla(last(offer)).expects).toBe('invoice');
    const sent = await c.say(`ok, a prześlij mi jeszcze ${invoices[0].number}`);
    expect(pdfs(sent)).toEqual([invoices[0].file]);
  });

  test('an invoice number in a vague sentence is the invoices task', async () => {
    const r = await sharedRecognizer();
    const nlu = r.recognize('no to dawaj ta FV/2026/11/000007 jakos', { language: 'pl' });
    expect(cuedTask(nlu, false)).toBe('invoices.list');
  });
});

describe('a complaint in sentences, corrected at the summary', () => {
  test('details typed at the files prompt join the description; "jednak przez czat" at the summary changes the contact (5 turns)', async () => {
    const c = await linkedChat(app, '100234');
    const first = await c.say('chcę złożyć reklamację, rachunek za wodę za październik jest za wysoki');
    expect(kropla(last(first)).expects).toBe('attachments');
    const contact = await c.say('policzyli mi 25 kubików, a zwykle zużywam połowę tego');
    expect(kropla(last(contact)).expects).toBe('contact');
    // "nie" is not a choice of "Telefonicznie": asked again
    const again = await c.say('nie');
    expect(kropla(last(again)).expects).toBe('contact');
    expect(kropla(last(again)).refusal).toBe('notUnderstood');
    const summary = await c.say('mailowo');
    expect(last(summary)?.text).toMatch(/E-mailem \(.+@.+\)/);
    const corrected = await c.say('a jednak wolę przez czat');
    expect(kropla(last(corrected)).expects).toBe('yesNo');
    expect(last(corrected)?.text).toMatch(/odpowiedź: W tym czacie/);
    expect(await c.text('tak')).toMatch(/Przyjęto reklamację/);
    const [filed] = await casesOfChat(c);
    expect(filed.kind).toBe('complaint');
    expect(filed.contactPreference).toBe('chat');
    expect(filed.text).toMatch(/25 kubików/);
  });

  test('a phone number typed at the summary becomes the contact', async () => {
    const c = await linkedChat(app, '100234');
    await c.say('reklamacja: monter był niemiły przy wymianie wodomierza');
    await c.say('pomiń');
    await c.say('telefonicznie');
    const corrected = await c.say('proszę dzwonić na 512 300 400');
    expect(last(corrected)?.text).toContain('Telefonicznie (512 300 400)');
    await c.say('wyślij');
    const [filed] = await casesOfChat(c);
    expect(filed.contactPreference).toBe('phone');
    expect(filed.contact).toBe('512 300 400');
  });
});

describe('a message to the office', () => {
  test('asked straight for the text (no kind question); a question is the message, not a knowledge answer (2 turns)', async () => {
    const c = await linkedChat(app, '100013');
    const ask = await c.say('chcę napisać do biura');
    expect(kropla(last(ask)).expects).toBe('description');
    const readBack = await c.say('kiedy wymienicie mi wodomierz, bo legalizacja się kończy?');
    expect(kropla(last(readBack)).expects).toBe('yesNo');
    expect(last(readBack)?.text).toMatch(/Przekażę do Biura Obsługi Klienta taką wiadomość: „kiedy wymienicie/);
    expect(await c.text('tak, wyślij')).toMatch(/wiadomość trafiła do Biura Obsługi Klienta/);
    const [m] = await casesOfChat(c);
    expect(m.kind).toBe('message');
    expect(m.text).toContain('kiedy wymienicie mi wodomierz');
  });

  test('the read-back: "nie, jednak nie wysyłaj" sends nothing; "tak, dopisz…" adds to it and reads it back again', async () => {
    const c = await linkedChat(app, '100014');
    await c.say('proszę przekazać do biura wiadomość, że sprzedaję mieszkanie i chcę rozwiązać umowę');
    expect(await c.text('nie, jednak nie wysyłaj')).toMatch(/nie została wysłana/);
    expect(await casesOfChat(c)).toHaveLength(0);
    const d = await linkedChat(app, '100015');
    await d.say('proszę przekazać do biura wiadomość, że zmieniłam nazwisko po ślubie');
    const again = await d.say('tak, dopisz że nowe nazwisko to Nowicka');
    expect(kropla(last(again)).expects).toBe('yesNo');
    expect(last(again)?.text).toContain('nowe nazwisko to Nowicka');
    await d.say('tak');
    const [b] = await casesOfChat(d);
    expect(b.text).toMatch(/zmieniłam nazwisko[\s\S]*nowe nazwisko to Nowicka/);
  });

  test('a story told before "proszę przekazać do biura" is part of the message, not an invoices request', async () => {
    const c = await linkedChat(app, '100002');
    const replies = await c.say('od dwóch miesięcy nie przychodzą mi faktury pocztą. proszę przekazać do biura, żeby sprawdzili adres do korespondencji');
    expect(replies.some((r) => (r.text ?? '').includes('FV/'))).toBe(false);
    expect(last(replies)?.text).toMatch(/taką wiadomość: „od dwóch miesięcy/);
  });

  test.each([
    'chciałbym przekazać informację, że od stycznia wynajmuję mieszkanie i proszę o wysyłanie faktur najemcy',
    'napiszę do was w sprawie nadpłaty, chcę ją dostać z powrotem na konto',
  ])('"%s" is a message to the office (not the invoices, not a knowledge answer)', async (text) => {
    const c = await linkedChat(app, '100017');
    const replies = await c.say(text);
    expect(kropla(last(replies)).expects).toBe('yesNo');
    expect(last(replies)?.text).toMatch(/Przekażę do Biura Obsługi Klienta/);
  });

  test('"a question for the office staff" is a message even when NLU hesitates', async () => {
    const c = await linkedChat(app, '100016');
    const replies = await c.say('mam pytanie do pracownika biura: czy mogę dostać kopię umowy?');
    expect(kropla(last(replies)).expects).toBe('yesNo');
    expect(replies.some((r) => kropla(r).refusal)).toBe(false);
  });
});

describe('tasks named by their words', () => {
  test('linking details in a request are used for the linking, not split off as a request of their own', async () => {
    const c = chat(app);
    const replies = await c.say('ile mam do zapłaty? nie mam iboka, numer klienta 100017');
    expect(texts(replies)).toMatch(/wysłaliśmy kod/);
    expect(kropla(last(replies)).expects).toBe('linkCode');
  });

  test('"what is happening with my complaint" is the case status, never a new complaint', async () => {
    const c = await linkedChat(app, '100018');
    const replies = await c.say('co się dzieje z moją reklamacją w sprawie faktury? zapomniałam numeru');
    expect(kropla(last(replies)).expects).not.toBe('attachments');
    expect(texts(replies)).toMatch(/numer sprawy|Ostatni|sprawa/i);
    expect(await casesOfChat(c)).toHaveLength(0);
  });

  test('no water in a vague sentence is the outage check (then the neighbours question), not "no answer"', async () => {
    const c = await linkedChat(app, '100019');
    const replies = await c.say('od rana nie mam wody w kranie, o co chodzi?');
    expect(replies.some((r) => kropla(r).refusal)).toBe(false);
    expect(texts(replies)).toMatch(/sąsiedzi|awari|wyłącz/i);
  });
});

describe('a story before the request', () => {
  test('what is told before "chcę to zareklamować" is the complaint\'s description, not an invoices request and a knowledge answer', async () => {
    const c = await linkedChat(app, '100012');
    const replies = await c.say('wróciłam z dwóch tygodni u córki, nikogo nie było w domu, a rachunek przyszedł wyższy niż zwykle. pewnie z prognozy. chcę to zareklamować');
    expect(replies.some((r) => (r.text ?? '').includes('FV/'))).toBe(false);
    expect(kropla(last(replies)).expects).toBe('attachments');
    await c.say('nie mam');
    await c.say('w czacie');
    await c.say('tak');
    const [filed] = await casesOfChat(c);
    expect(filed.kind).toBe('complaint');
    expect(filed.text).toMatch(/u córki/);
  });
});

describe('payment details', () => {
  test('a due date already past is said to be past, not "the next date"', async () => {
    const c = await linkedChat(app, '100011');
    const text = await c.text('dane do przelewu proszę');
    expect(text).toMatch(/termin płatności: \d{2}\.\d{2}\.\d{4} — termin już minął/);
    expect(text).not.toMatch(/najbliższy termin/);
  });

  test('"where do I send the money" in English is the payment details (not where to send a form)', () => {
    const kb = KnowledgeBase.load();
    expect(kb.find('Where do I send the money for water? I need the account number', 'en')?.entry.id).not.toBe('formsSubmit');
    expect(kb.find('where do I send the form once it is filled in?', 'en')?.entry.id).toBe('formsSubmit');
  });
});

describe('knowledge in a long message', () => {
  test('a topic named outright is found however long the message around it', () => {
    const kb = KnowledgeBase.load();
    const hit = kb.find('wczoraj wieczorem dopiero zrobiłem przelew bo byłem w szpitalu, czy będą jakieś odsetki za te kilka dni?', 'pl');
    expect(hit?.entry.id).toBe('latePayment');
    expect(hit?.cued).toBe(true);
  });
});
