/** The fake Bot API itself, spoken to over raw HTTP: what the channel tests rely on. */
import { FakeTelegram } from '../support/fake-telegram';

jest.setTimeout(15_000);

let fake: FakeTelegram;
beforeEach(async () => {
  fake = await FakeTelegram.start({ token: '42:abc' });
});
afterEach(async () => {
  await fake.stop();
});

async function call(method: string, body: object = {}, token = '42:abc'): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${fake.url}/bot${token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

describe('FakeTelegram', () => {
  it('answers errors in the Bot API shape', async () => {
    expect(await call('getMe', {}, '42:wrong')).toEqual({ status: 401, json: { ok: false, error_code: 401, description: 'Unauthorized' } });
    fake.failNext('sendMessage', 429, { retry_after: 3 });
    expect(await call('sendMessage', { chat_id: 1, text: 'x' })).toEqual({ status: 429, json: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } } });
    fake.blockBot(7);
    expect((await call('sendMessage', { chat_id: 7, text: 'x' })).json).toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    expect((await call('sendMessage', { chat_id: 1, text: '<b>x', parse_mode: 'HTML' })).json).toMatchObject({ error_code: 400 });
    expect((await call('sendMessage', { chat_id: 1, text: 'a < b', parse_mode: 'HTML' })).json).toMatchObject({ error_code: 400 });
    expect((await call('sendMessage', { chat_id: 1, text: 'x'.repeat(4097) })).json).toMatchObject({ error_code: 400, description: 'Bad Request: message is too long' });
    const long = { inline_keyboard: [[{ text: 'T', callback_data: 'x'.repeat(65) }]] };
    expect((await call('sendMessage', { chat_id: 1, text: 'x', reply_markup: long })).json).toMatchObject({ error_code: 400, description: 'Bad Request: BUTTON_DATA_INVALID' });
  });

  it('long-polls getUpdates with offset and timeout', async () => {
    const user = fake.user();
    const waiting = call('getUpdates', { offset: 0, timeout: 10 });
    await new Promise((r) => setTimeout(r, 50));
    fake.sendText(user, 'hej');
    const first = (await waiting).json.result as { update_id: number; message: { text: string } }[];
    expect(first.map((u) => u.message.text)).toEqual(['hej']);
    // not confirmed yet: delivered again
    expect(((await call('getUpdates', { offset: 0 })).json.result as unknown[]).length).toBe(1);
    // confirmed by offset: gone; an empty poll with a short timeout returns empty
    const next = await call('getUpdates', { offset: first[0].update_id + 1, timeout: 1 });
    expect(next.json.result).toEqual([]);
  });

  it('stores multipart uploads and serves getFile downloads', async () => {
    const form = new FormData();
    form.append('chat_id', '5');
    form.append('photo', new Blob([Buffer.from('PNGDATA')], { type: 'image/png' }), 'wykres.png');
    const r = await fetch(`${fake.url}/bot42:abc/sendPhoto`, { method: 'POST', body: form });
    expect(r.status).toBe(200);
    expect(fake.sent[0]).toMatchObject({ method: 'sendPhoto', chat_id: 5, file: { filename: 'wykres.png', contentType: 'image/png' } });
    expect(fake.sent[0].file?.bytes.toString()).toBe('PNGDATA');

    const user = fake.user();
    const u = fake.sendDocument(user, Buffer.from('skan'), { fileName: 'a.pdf', mimeType: 'application/pdf' });
    const fileId = (u.message as { document: { file_id: string } }).document.file_id;
    const info = (await call('getFile', { file_id: fileId })).json.result as { file_path: string };
    const dl = await fetch(`${fake.url}/file/bot42:abc/${info.file_path}`);
    expect(Buffer.from(await dl.arrayBuffer()).toString()).toBe('skan');
  });
});
