import type { App } from '../../src/app';
import { buttonsOf, chat, linkChat, testApp } from '../support/botHarness';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.stop();
});

describe('greeting and help', () => {
  test('says plainly it is an automated assistant and shows what it can do', async () => {
    const c = chat(app);
    const [reply] = await c.say('dzień dobry');
    expect(reply.text).toMatch(/automatyczny asystent/);
    expect(buttonsOf(reply)).toEqual(expect.arrayContaining(['Saldo', 'Podaj odczyt', 'Konsultant']));
  });

  test('an out-of-scope question gets a clear answer, a second miss offers a human and the phone', async () => {
    const c = chat(app);
    expect(await c.text('ile kosztuje prąd w taryfie G11 w tauronie')).toMatch(/tylko w sprawach wody|Czy chodzi o|nie są sprawami Katowickich Wodociągów/);
    const second = await c.say('asdkj qwe zzzx');
    expect(second[0].text).toMatch(/32 78 82 400/);
    expect(buttonsOf(second[0])).toContain('Konsultant');
  });
});

describe('account linking', () => {
  test('without a link an account task explains linking and shows no data; a code then links and the task goes on', async () => {
    const c = chat(app);
    const first = await c.text('ile mam do zapłaty?');
    expect(first).toMatch(/połączyć ten czat z kontem/);
    expect(first).not.toMatch(/zł/);
    const customer = await app.services.customers.byNumber('100234');
    const { code } = await app.services.links.issueCode(customer!.id, 'ibok');
    const after = await c.text(code.toLowerCase().replace('-', ' '));
    expect(after).toMatch(/połączony z kontem klienta nr 100234/);
    expect(after).toMatch(/zł|opłacone/);
  });

  test('wrong codes are counted and the chat is locked with the time to try again', async () => {
    const c = chat(app);
    await c.say('chcę połączyć konto');
    let reply = '';
    for (let i = 0; i < 5; i++) reply = await c.text('ZZZZ-9999');
    expect(reply).toMatch(/zbyt wiele nieudanych prób/i);
    const customer = await app.services.customers.byNumber('100234');
    const { code } = await app.services.links.issueCode(customer!.id, 'ibok');
    expect(await c.text(code)).toMatch(/zbyt wiele/i);
  });

  test('a deep link (/start CODE) links in one message and never switches the language, whatever the code', async () => {
    const customer = await app.services.customers.byNumber('100234');
    for (let i = 0; i < 25; i++) {
      const { code } = await app.services.links.issueCode(customer!.id, 'ibok');
      expect(await chat(app, { channel: 'telegram' }).text(`/start ${code.replace('-', '')}`)).toMatch(/czat jest połączony z kontem klienta nr 100234/);
    }
  });

  test('a used code cannot link a second chat', async () => {
    const customer = await app.services.customers.byNumber('100234');
    const { code } = await app.services.links.issueCode(customer!.id, 'ibok');
    expect(await chat(app).text(code)).toMatch(/100234/);
    expect(await chat(app).text(code)).toMatch(/nieprawidłowy albo wygasł/);
  });

  test('e-mail route: customer number, code from the e-mail on file, terms accepted once', async () => {
    const mailDir = join(app.config.mailDir);
    const c = chat(app);
    await c.say('połącz konto');
    expect(await c.text('Nie mam kodu')).toMatch(/numer klienta/);
    expect(await c.text('100001')).toMatch(/wysłaliśmy kod/);
    const mails = readdirSync(mailDir).map((f) => readFileSync(join(mailDir, f), 'utf8')).filter((m) => m.includes('To: anna.100001@example.com'));
    const code = /kod do połączenia czatu Kropla z kontem klienta: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(mails.at(-1) ?? '')?.[1];
    expect(code).toBeDefined();
    const terms = await c.say(code!);
    expect(terms[0].text).toMatch(/regulaminu iBOK/);
    expect(await c.text('Akceptuję regulamin')).toMatch(/klienta nr 100001/);
  });

  test('an unknown customer number gets the same answer (nothing to learn by guessing)', async () => {
    const c = chat(app);
    await c.say('połącz konto');
    await c.say('Nie mam kodu');
    expect(await c.text('999999')).toMatch(/Jeżeli numer klienta jest poprawny/);
  });

  test('wyloguj unlinks; account data is no longer shown', async () => {
    const c = chat(app);
    await linkChat(app, c);
    expect(await c.text('wyloguj')).toMatch(/Wylogowano/);
    expect(await c.text('saldo')).toMatch(/połączyć ten czat/);
  });

  test('forget erases the link, subscriptions and transcript, and says what is kept', async () => {
    const c = chat(app);
    await linkChat(app, c);
    await c.say('włącz alerty o awariach');
    const chatRow = await app.services.chats.touch({ channel: 'webchat', conversationId: c.conversationId, userId: c.userId, reference: {} });
    expect((await app.services.outages.subscriptionsOf(chatRow.id)).length).toBeGreaterThan(0);
    expect(await c.text('usuń moje dane')).toMatch(/Czy na pewno/);
    expect(await c.text('tak')).toMatch(/faktury i płatności/);
    expect(await app.services.outages.subscriptionsOf(chatRow.id)).toHaveLength(0);
    expect(await app.services.links.linkedCustomerId('webchat', c.userId)).toBeNull();
    expect((await app.services.chats.transcript(chatRow.id)).length).toBeLessThanOrEqual(1);
  });
});
