/** Reading from a photo in the dialog (real bot, real SQLite, real OCR thread): suggestion → yes → saved; implausible → typed. */
import type { App } from '../../src/app';
import { buttonsOf, chat, linkChat, testApp, type TestChat } from '../support/botHarness';
import { meterPhoto } from '../support/meterImages';

jest.setTimeout(90_000);
let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.stop();
});

async function linked(customerNumber: string): Promise<TestChat> {
  const c = chat(app);
  await linkChat(app, c, customerNumber);
  return c;
}

const photo = (valueLitres: number) => ({ attachments: [{ contentType: 'image/jpeg', name: 'licznik.jpg', contentUrl: `data:image/jpeg;base64,${meterPhoto(valueLitres).toString('base64')}` }] });

async function lastLitres(customerNumber: string): Promise<{ meterId: number; litres: number }> {
  const customer = await app.services.customers.byNumber(customerNumber);
  const [meter] = await app.services.readings.metersOf(customer!.id);
  const last = await app.services.readings.lastReading(meter.id);
  return { meterId: meter.id, litres: last!.valueLitres };
}

test('a photo at the reading prompt → "Odczytałam … — czy zapisać?" → Tak → saved, the photo kept with the chat', async () => {
  const c = await linked('100010');
  const { meterId, litres } = await lastLitres('100010');
  expect(await c.text('chcę podać odczyt')).toMatch(/Proszę podać stan wodomierza/);
  const value = litres + 2345;
  const [ask] = await c.say(photo(value));
  const shown = `${Math.floor(value / 1000).toLocaleString('pl-PL').replace(/\s/g, ' ')},${String(value % 1000).padStart(3, '0')} m³`;
  expect(ask.text).toBe(`Odczytałam ${shown} — czy zapisać?`);
  expect(buttonsOf(ask)).toEqual(['Tak', 'Popraw']);
  expect((await app.services.readings.lastReading(meterId))!.valueLitres).toBe(litres);
  expect(await c.text('Tak')).toMatch(/Zapisano odczyt/);
  expect((await app.services.readings.lastReading(meterId))!.valueLitres).toBe(value);
});

test('a photo with "odczyt" in the message, read lower than the last reading → asked to type it, saying what was seen', async () => {
  const c = await linked('100009');
  const { meterId, litres } = await lastLitres('100009');
  const seen = litres - 3000;
  const reply = await c.text({ text: 'odczyt', ...photo(seen) });
  expect(reply).toContain(`Na zdjęciu widzę ${String(Math.floor(seen / 1000)).padStart(5, '0')},${String(seen % 1000).padStart(3, '0')} m³`);
  expect(reply).toMatch(/Proszę wpisać stan wodomierza/);
  expect(await c.text(`${Math.floor(litres / 1000) + 1},200`)).toMatch(/Zapisano odczyt/);
  expect((await app.services.readings.lastReading(meterId))!.valueLitres).toBe((Math.floor(litres / 1000) + 1) * 1000 + 200);
});

test('Popraw: nothing saved, the value is asked for', async () => {
  const c = await linked('100012');
  const { meterId, litres } = await lastLitres('100012');
  await c.say('podaję odczyt');
  await c.say(photo(litres + 1500));
  const reply = await c.text('Popraw');
  expect(reply).toMatch(/nie zapisano/);
  expect(reply).toMatch(/Proszę podać stan wodomierza jeszcze raz/);
  expect((await app.services.readings.lastReading(meterId))!.valueLitres).toBe(litres);
});
