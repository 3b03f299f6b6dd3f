/**
 * D-f (issue 15): a complaint holds the files sent within it — not the bot's own invoice/QR/chart files of the
 * chat, nor files the chat sent before or after. Real bot, real dialogs, real SQLite.
 */
import type { App } from '../../src/app';
import { Attachment, ChatConversation } from '../../models';
import { chat, linkChat, testApp } from '../support/botHarness';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.stop();
});

test('a complaint collects only the photo sent at its files step', async () => {
  const c = chat(app);
  await linkChat(app, c);
  const chatRow = await app.ds.getRepository(ChatConversation).findOneByOrFail({ channel: 'webchat', conversationId: c.conversationId });
  // What a chat may already hold: the bot's invoice PDF and an earlier upload.
  const foreign = [
    await app.services.attachments.store({ chatId: chatRow.id, caseId: null, fileName: 'FV-2026-01-000123.pdf', contentType: 'application/pdf', dataBase64: Buffer.from('%PDF-1.4').toString('base64') }),
    await app.services.attachments.store({ chatId: chatRow.id, caseId: null, fileName: 'stare.png', contentType: 'image/png', dataBase64: PNG.toString('base64') }),
  ];
  await c.say('chcę złożyć reklamację');
  await c.say('Faktura');
  await c.say('Faktura za styczeń jest za wysoka, zużycie się nie zgadza');
  await c.say({ text: '', attachments: [{ contentType: 'image/png', name: 'licznik.png', contentUrl: `data:image/png;base64,${PNG.toString('base64')}` }] });
  await c.say('W tym czacie');
  const filed = await c.text('tak');
  const number = /KW-\d{4}-\d{6}/.exec(filed)?.[0];
  expect(number).toBeDefined();
  const caseRow = await app.services.cases.byNumber(number!);
  const files = await app.ds.getRepository(Attachment).find({ where: { caseId: caseRow!.id } });
  expect(files.map((f) => f.fileName)).toEqual(['licznik.png']);
  for (const f of foreign) expect((await app.ds.getRepository(Attachment).findOneByOrFail({ id: f.id })).caseId).toBeNull();
});
