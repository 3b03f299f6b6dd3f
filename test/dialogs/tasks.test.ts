import type { App } from '../../src/app';
import { buttonsOf, chat, linkedChat, testApp, tempDbPath, type TestChat } from '../support/botHarness';

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.stop();
});

const linked = (customerNumber = '100234'): Promise<TestChat> => linkedChat(app, customerNumber);

describe('balance, invoices, payment', () => {
  test('balance of an overdue customer lists overdue invoices with due dates (1 turn)', async () => {
    const c = await linked('100002');
    const [reply] = await c.say('ile mam do zaplaty');
    expect(reply.text).toMatch(/Do zapłaty: \*\*\d{1,3}( \d{3})*,\d{2} zł\*\*/);
    expect(reply.text).toMatch(/po terminie płatności/);
    expect(reply.text).toMatch(/FV\/\d{4}\/\d{2}\/000003: .* termin minął \d{2}\.\d{2}\.\d{4}/);
    expect(buttonsOf(reply)).toContain('Dane do przelewu');
  });

  test('an overpaid customer is told the overpayment is credited', async () => {
    const c = await linked('100003');
    expect(await c.text('moje saldo')).toMatch(/nadpłata: \*\*150,00 zł\*\*/);
  });

  test('invoices: latest three, then one as a PDF by button', async () => {
    const c = await linked();
    const [list] = await c.say('pokaż faktury');
    expect(list.text).toMatch(/Ostatnie 3 faktury/);
    const pdfButton = buttonsOf(list).find((b) => b.startsWith('PDF '));
    expect(pdfButton).toBeDefined();
    const [pdf] = await c.say(pdfButton!);
    expect(pdf.attachments?.[0].contentType).toBe('application/pdf');
    expect(Buffer.from(pdf.attachments![0].contentUrl!.split(',')[1], 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  test("another customer's invoice number answers not found", async () => {
    const c = await linked();
    expect(await c.text('faktura FV/2026/01/000002')).toMatch(/Nie znalazłam faktury FV\/2026\/01\/000002/);
  });

  test('payment: individual account number, amount and a QR image', async () => {
    const c = await linked('100002');
    const [reply] = await c.say('podaj numer konta do przelewu');
    expect(reply.text).toMatch(/\d{2} 1090 1014 0000 0000 0010 0002/);
    expect(reply.attachments?.[0].contentType).toBe('image/png');
  });
});

describe('meter reading', () => {
  test('happy path: value with a decimal comma and m3 is saved and the customer is told when it counts', async () => {
    const c = await linked('100010');
    const ask = await c.text('chcę podać odczyt');
    expect(ask).toMatch(/Proszę podać stan wodomierza/);
    const last = /Ostatni odczyt: ([\d ]+),(\d{3}) m³/.exec(ask)!;
    const value = Number(last[1].replace(/ /g, '')) + 1;
    const reply = await c.text(`${value},5 m3`);
    expect(reply).toMatch(/Zapisano odczyt/);
    expect(reply).toMatch(/najbliższej fakturze/);
  });

  test('bad inputs: letters, a negative and an absurd value are refused with a clear message; lower than the last is refused with the reason', async () => {
    const c = await linked('100009');
    await c.say('odczyt licznika');
    expect(await c.text('dużo')).toMatch(/To nie wygląda na stan wodomierza/);
    expect(await c.text('-5')).toMatch(/To nie wygląda na stan wodomierza/);
    expect(await c.text('999999999')).toMatch(/To nie wygląda na stan wodomierza/);
    const lower = await c.text('1');
    expect(lower).toMatch(/niższy niż ostatni odczyt/);
    expect(lower).toMatch(/nie może się cofać/);
  });

  test('a suspicious jump warns about a leak and asks to confirm before saving', async () => {
    const c = await linked('100012');
    const ask = await c.text('stan licznika');
    const last = /Ostatni odczyt: ([\d ]+),(\d{3}) m³/.exec(ask)!;
    const value = Number(last[1].replace(/ /g, '')) + 900;
    const warn = await c.say(String(value));
    expect(warn[0].text).toMatch(/wyciek/);
    expect(buttonsOf(warn[0])).toEqual(['Tak, zapisz', 'Popraw stan']);
    expect(await c.text('tak, zapisz')).toMatch(/Zapisano odczyt/);
  });

  test('a customer with a main meter and a sub-meter chooses the meter first', async () => {
    const c = await linked('100004');
    const [choose] = await c.say('podaję stan wodomierza');
    expect(choose.text).toMatch(/Dla którego wodomierza/);
    expect(buttonsOf(choose).some((b) => b.startsWith('Podlicznik'))).toBe(true);
    expect(await c.text('2')).toMatch(/Proszę podać stan/);
  });

  test('cancel mid-way stops the task', async () => {
    const c = await linked();
    await c.say('podaj odczyt');
    expect(await c.text('anuluj')).toMatch(/Anulowano/);
    expect(await c.text('123')).not.toMatch(/Zapisano odczyt/);
  });

  test('state survives a restart mid-dialog', async () => {
    const dbPath = tempDbPath();
    const first = await testApp(dbPath);
    const customer = await first.services.customers.byNumber('100234');
    const { code } = await first.services.links.issueCode(customer!.id, 'ibok');
    const c1 = chat(first, { userId: 'restart-user', conversationId: 'restart-conv' });
    await c1.say(code);
    const ask = await c1.text('chcę podać odczyt');
    const last = /Ostatni odczyt: ([\d ]+),(\d{3}) m³/.exec(ask)!;
    await first.stop();
    const second = await testApp(dbPath);
    try {
      const c2 = chat(second, { userId: 'restart-user', conversationId: 'restart-conv' });
      expect(await c2.text(String(Number(last[1].replace(/ /g, '')) + 5))).toMatch(/Zapisano odczyt/);
    } finally {
      await second.stop();
    }
  });

  test('another task typed instead of an answer interrupts, then offers to go back', async () => {
    const c = await linked();
    await c.say('podaj odczyt');
    const replies = await c.say('a jakie mam saldo?');
    const all = replies.map((r) => r.text).join('\n');
    expect(all).toMatch(/zł|opłacone/);
    expect(all).toMatch(/Czy wrócić do poprzedniej sprawy: Podaj odczyt\?/);
    expect(await c.text('tak')).toMatch(/Proszę podać stan wodomierza/);
  });
});

describe('consumption and readings history', () => {
  test('consumption for a named period: table, comparison and a chart image', async () => {
    const c = await linked();
    const [reply] = await c.say('pokaż zużycie wody za ostatni rok');
    expect(reply.text).toMatch(/Zużycie wody od \d{2}\.\d{2}\.\d{4} do \d{2}\.\d{2}\.\d{4}: \*\*[\d ]+,\d{3} m³\*\*/);
    expect(reply.text).toMatch(/rok wcześniej/);
    expect(reply.attachments?.[0].contentType).toBe('image/png');
  });

  test('readings history lists readings with their source', async () => {
    const c = await linked();
    const [reply] = await c.say('historia odczytów');
    expect(reply.text).toMatch(/inkasent/);
    expect(reply.attachments?.[0].contentType).toBe('image/png');
  });
});

describe('complaints and cases', () => {
  test('complaint: category, description, files skipped, contact, confirmation → number and due date', async () => {
    const c = await linked();
    expect(await c.text('chcę złożyć reklamację')).toMatch(/Czego dotyczy/);
    expect(await c.text('Faktura')).toMatch(/opisać sprawę/);
    expect(await c.text('Faktura za styczeń jest za wysoka, zużycie się nie zgadza')).toMatch(/zdjęcia lub pliki/);
    expect(await c.text('Pomiń')).toMatch(/Jak przekazać odpowiedź/);
    expect(await c.text('W tym czacie')).toMatch(/Czy wysłać reklamację/);
    const filed = await c.text('tak');
    const number = /KW-\d{4}-\d{6}/.exec(filed)?.[0];
    expect(number).toBeDefined();
    expect(filed).toMatch(/Odpowiemy najpóźniej do \d{2}\.\d{2}\.\d{4} \(14 dni\)/);
    const c2 = await app.services.cases.byNumber(number!);
    expect(c2?.category).toBe('invoice');
    expect(c2?.customerId).not.toBeNull();
    expect(await c.text(`status sprawy ${number}`)).toMatch(/przyjęta/);
  });

  test("a case number of another customer answers not found", async () => {
    const owner = await linked('100005');
    await owner.say('reklamacja');
    await owner.say('Jakość wody');
    await owner.say('Woda jest brązowa od trzech dni');
    await owner.say('Pomiń');
    await owner.say('W tym czacie');
    const number = /KW-\d{4}-\d{6}/.exec(await owner.text('tak'))![0];
    const other = await linked('100006');
    expect(await other.text(`jaki jest status sprawy ${number}`)).toMatch(/Nie znalazłam sprawy/);
    expect(await chat(app).text(number)).toMatch(/Nie znalazłam sprawy/);
  });

  test('an unknown case number answers not found', async () => {
    const c = await linked();
    expect(await c.text('status sprawy KW-2020-999999')).toMatch(/Nie znalazłam sprawy KW-2020-999999/);
  });
});

describe('outages', () => {
  test('report gives 994 first, then takes the place and files an urgent case', async () => {
    const c = chat(app);
    const first = await c.say('pękła rura na ulicy, woda leje się na chodnik');
    expect(first[0].text).toMatch(/994/);
    expect(await c.text('Mikołowska 40')).toMatch(/pilne zgłoszenie awarii/);
  });

  test('a non-customer subscribes for a typed street and receives the alert through the outbox', async () => {
    const c = chat(app);
    expect(await c.text('chcę dostawać powiadomienia o awariach')).toMatch(/Dla jakiego adresu/);
    expect(await c.text('na Stawowej 7')).toMatch(/Włączono alerty .* Stawowa 7/);
    const { recipients, notice } = await app.alerts.publish({
      kind: 'failure', title: 'Awaria sieci', message: 'Uszkodzenie wodociągu.', startsAt: new Date().toISOString(),
      streets: [{ street: 'ul. Stawowa', from: '1', to: '11', parity: 'odd' }],
    });
    expect(recipients).toBeGreaterThanOrEqual(1);
    const stats = await app.services.outbox.stats(notice.id);
    expect(stats.queued).toBe(recipients);
    expect(await c.text('czy jest awaria na Stawowej 7?')).toMatch(/Awaria: Awaria sieci/);
  });

  test('unsubscribe in one tap from the alert button', async () => {
    const c = chat(app);
    await c.say('alerty o awariach');
    await c.say('Bogucicka 17');
    const chatRow = await app.services.chats.touch({ channel: 'webchat', conversationId: c.conversationId, userId: c.userId, reference: {} });
    const [sub] = await app.services.outages.subscriptionsOf(chatRow.id);
    expect(await c.text(`/wypisz ${sub.id}`)).toMatch(/Wyłączono alerty/);
    expect(await app.services.outages.subscriptionsOf(chatRow.id)).toHaveLength(0);
  });
});

describe('other tasks', () => {
  test('sub-meter legalization expiring soon is flagged with days left', async () => {
    const c = await linked('100004');
    expect(await c.text('do kiedy jest ważna legalizacja podlicznika')).toMatch(/wygasa .* za 45 dni/);
  });

  test('an expired sub-meter says it no longer reduces the sewage charge', async () => {
    const c = await linked('100007');
    expect(await c.text('legalizacja podlicznika')).toMatch(/nie pomniejszają opłaty za ścieki/);
  });

  test('e-invoice: one question with the saving, the address and the consent; activate, saving told', async () => {
    const c = await linked('100008');
    expect(await c.text('chcę e-fakturę')).toMatch(/niższa o 1,61 zł.*zgodę.*krzysztof\.100008@example\.com/s);
    expect(await c.text('tak')).toMatch(/e-faktura jest włączona.*1,61 zł miesięcznie/s);
    expect((await app.services.customers.byNumber('100008'))?.eInvoice).toBe(true);
  });

  test('a sentence that starts with "nie" is not taken for "no": it interrupts the yes/no question', async () => {
    const c = await linked('100009');
    expect(await c.text('chcę e-fakturę')).toMatch(/zgodę/);
    const reply = await c.text('nie mam wody na Mikołowskiej 12, czy jest jakaś awaria?');
    expect(reply).toMatch(/Mikołowska 12/);
    expect(reply).not.toMatch(/Proszę podać adres e-mail/);
  });

  test('the offer to go back, answered with something else, is dropped and the message answered', async () => {
    const c = await linked();
    await c.say('podaj odczyt');
    expect(await c.text('jakie mam saldo?')).toMatch(/Czy wrócić do poprzedniej sprawy/);
    expect(await c.text('dziękuję')).toMatch(/Nie ma za co/);
  });

  test('contact gives the office and 994', async () => {
    expect(await chat(app).text('jaki jest numer telefonu do biura')).toMatch(/32 78 82 400[\s\S]*994/);
  });

  test('forms: a catalogue with links', async () => {
    const reply = await chat(app).text('formularze do pobrania');
    expect(reply).toMatch(/\/forms\/[a-z-]+\.pdf/);
  });
});

describe('other languages', () => {
  test('English: the answer comes in English', async () => {
    const c = chat(app, { locale: 'en-US' });
    expect(await c.text('hello, what can you do?')).toMatch(/automated assistant/i);
  });

  test('Ukrainian: the answer comes in Ukrainian', async () => {
    const c = chat(app, { locale: 'uk-UA' });
    expect(await c.text('як повідомити про аварію водопроводу')).toMatch(/994/);
  });
});
