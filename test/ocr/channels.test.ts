/**
 * Readings from photos on both channels, end to end: Telegram (the real grammY bot against the
 * fake Bot API over HTTP; the photo fetched with getFile) and web chat (Direct Line upload over
 * HTTP). Real SQLite, NLU, dialogs and the OCR worker thread.
 */
import type { App } from '../../src/app';
import { startTelegramHarness, TEST_ADMIN_TOKEN, type TelegramHarness } from '../support/fake-telegram/harness';
import type { FakeUser } from '../support/fake-telegram';
import { startTestApp, type TestApp } from '../support/browser';
import { meterPhoto } from '../support/meterImages';
import { multipart, openConversation, postMessage, upload, waitForActivities, type Conversation } from '../directline/helpers';

jest.setTimeout(90_000);

async function meterOf(app: App, customerNumber: string): Promise<{ meterId: number; litres: number }> {
  const customer = await app.services.customers.byNumber(customerNumber);
  const [meter] = await app.services.readings.metersOf(customer!.id);
  return { meterId: meter.id, litres: (await app.services.readings.lastReading(meter.id))!.valueLitres };
}
const m3 = (litres: number): string => `${Math.floor(litres / 1000)},${String(litres % 1000).padStart(3, '0')} m³`;
const seen = (litres: number): string => `${String(Math.floor(litres / 1000)).padStart(5, '0')},${String(litres % 1000).padStart(3, '0')} m³`;

describe('Telegram', () => {
  let h: TelegramHarness;
  beforeAll(async () => {
    h = await startTelegramHarness({ mode: 'polling' });
  });
  afterAll(async () => {
    await h.stop();
  });

  async function linkedUser(customerNumber: string): Promise<FakeUser> {
    const user = h.fake.user({ language_code: 'pl' });
    const r = await fetch(`${h.app.url}/api/admin/link-codes`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ customerNumber }) });
    const { code } = (await r.json()) as { code: string };
    const after = h.fake.mark();
    h.fake.sendText(user, `/start ${code}`);
    await h.fake.waitForBotMessage(user.id, { after, match: (m) => (m.text ?? '').includes(customerNumber) });
    return user;
  }

  test('photo at the reading prompt → suggestion → Tak → saved', async () => {
    const user = await linkedUser('100010');
    const { meterId, litres } = await meterOf(h.app, '100010');
    let after = h.fake.mark();
    h.fake.sendText(user, '/odczyt');
    await h.fake.waitForBotMessage(user.id, { after, match: (m) => /stan wodomierza/.test(m.text ?? '') });
    const value = litres + 1234;
    after = h.fake.mark();
    h.fake.sendPhoto(user, meterPhoto(value));
    const ask = await h.fake.waitForBotMessage(user.id, { after, match: (m) => /Odczytałam/.test(m.text ?? '') });
    expect(ask.text).toContain(`Odczytałam ${m3(value).replace(/^(\d+)(\d{3}),/, '$1 $2,')} — czy zapisać?`);
    expect(h.fake.callsOf('getFile').length).toBeGreaterThan(0);
    expect((await h.app.services.readings.lastReading(meterId))!.valueLitres).toBe(litres);
    after = h.fake.mark();
    h.fake.pressButtonTitled(user, ask, 'Tak');
    await h.fake.waitForBotMessage(user.id, { after, match: (m) => /Zapisano odczyt/.test(m.text ?? '') });
    expect((await h.app.services.readings.lastReading(meterId))!.valueLitres).toBe(value);
  });

  test('photo captioned "odczyt", implausibly high → asked to type, saying what was seen → typed value saved', async () => {
    const user = await linkedUser('100012');
    const { meterId, litres } = await meterOf(h.app, '100012');
    const far = litres + 900_000;
    let after = h.fake.mark();
    h.fake.sendPhoto(user, meterPhoto(far), 'mój odczyt');
    const ask = await h.fake.waitForBotMessage(user.id, { after, match: (m) => /Proszę wpisać stan/.test(m.text ?? '') });
    expect(ask.text).toContain(`Na zdjęciu widzę ${seen(far)}`);
    expect((await h.app.services.readings.lastReading(meterId))!.valueLitres).toBe(litres);
    after = h.fake.mark();
    h.fake.sendText(user, `${Math.floor(litres / 1000) + 2},100`);
    await h.fake.waitForBotMessage(user.id, { after, match: (m) => /Zapisano odczyt/.test(m.text ?? '') });
    expect((await h.app.services.readings.lastReading(meterId))!.valueLitres).toBe((Math.floor(litres / 1000) + 2) * 1000 + 100);
  });
});

describe('web chat (Direct Line upload)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const botTexts = (acts: { from?: { role?: string }; text?: string }[]): string[] => acts.filter((a) => a.from?.role === 'bot').map((a) => a.text ?? '');

  async function linkedConversation(customerNumber: string): Promise<Conversation> {
    const conv = await openConversation(t.url);
    const customer = await t.app.services.customers.byNumber(customerNumber);
    const { code } = await t.app.services.links.issueCode(customer!.id, 'ibok');
    await postMessage(t.url, conv, code);
    await waitForActivities(t.url, conv, (a) => botTexts(a).some((x) => x.includes(customerNumber)), 30_000);
    return conv;
  }

  async function sendPhoto(conv: Conversation, photo: Buffer, text = ''): Promise<void> {
    const activity = { type: 'message', text, attachments: [{ contentType: 'image/jpeg', name: 'licznik.jpg' }] };
    const mp = multipart([
      { name: 'activity', contentType: 'application/vnd.microsoft.activity', data: Buffer.from(JSON.stringify(activity)) },
      { name: 'file', fileName: 'licznik.jpg', contentType: 'image/jpeg', data: photo },
    ]);
    expect((await upload(t.url, conv, mp.body, mp.contentType)).status).toBe(200);
  }

  test('upload with "odczyt" → suggestion → Tak → saved', async () => {
    const conv = await linkedConversation('100010');
    const { meterId, litres } = await meterOf(t.app, '100010');
    const value = litres + 2500;
    await sendPhoto(conv, meterPhoto(value), 'odczyt');
    const acts = await waitForActivities(t.url, conv, (a) => botTexts(a).some((x) => /Odczytałam/.test(x)), 60_000);
    expect(botTexts(acts).find((x) => /Odczytałam/.test(x))).toMatch(/Odczytałam [\d ]+,\d{3} m³ — czy zapisać\?/);
    expect((await t.app.services.readings.lastReading(meterId))!.valueLitres).toBe(litres);
    await postMessage(t.url, conv, 'Tak');
    await waitForActivities(t.url, conv, (a) => botTexts(a).some((x) => /Zapisano odczyt/.test(x)), 30_000);
    expect((await t.app.services.readings.lastReading(meterId))!.valueLitres).toBe(value);
  });

  test('upload at the reading prompt, lower than the last reading → typed value saved', async () => {
    const conv = await linkedConversation('100009');
    const { meterId, litres } = await meterOf(t.app, '100009');
    await postMessage(t.url, conv, 'chcę podać odczyt');
    await waitForActivities(t.url, conv, (a) => botTexts(a).some((x) => /Proszę podać stan wodomierza/.test(x)), 30_000);
    const lower = litres - 4000;
    await sendPhoto(conv, meterPhoto(lower));
    const acts = await waitForActivities(t.url, conv, (a) => botTexts(a).some((x) => /Proszę wpisać stan/.test(x)), 60_000);
    expect(botTexts(acts).find((x) => /Proszę wpisać stan/.test(x))).toContain(`Na zdjęciu widzę ${seen(lower)}`);
    await postMessage(t.url, conv, `${Math.floor(litres / 1000) + 1},000`);
    await waitForActivities(t.url, conv, (a) => botTexts(a).some((x) => /Zapisano odczyt/.test(x)), 30_000);
    expect((await t.app.services.readings.lastReading(meterId))!.valueLitres).toBe((Math.floor(litres / 1000) + 1) * 1000);
  });
});
