/**
 * Findings of the security test (issue 15) over real Direct Line HTTP against a started app on SQLite with the
 * real bot and NLU: uploads only where a step asks and within quotas (V3), bidi controls out of file names (D-f),
 * link-code guesses counted once per message and per address across conversations (V4 c, e), and what
 * "wyloguj" leaves readable (D-c).
 */
import type { IncomingMessage } from 'node:http';
import { Attachment, LinkAttempt } from '../../models';
import { requestAddressKey } from '../../src/http/address';
import { directLineOf } from '../../src/channels/directline';
import { UPLOADS_PER_CONVERSATION_PER_DAY } from '../../src/channels/directline/routes';
import { MAX_ADDRESS_TRIES } from '../../src/services/LinkService';
import { startTestApp, type TestApp } from '../support/browser';
import { sharedRecognizer } from '../support/botHarness';
import { call, getActivities, multipart, openConversation, PNG, postMessage, upload, waitForActivities, type Conversation } from './helpers';

jest.setTimeout(120_000);

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await startTestApp({}, { recognizer: await sharedRecognizer() });
  url = t.url;
});
afterAll(async () => {
  await t?.stop();
});

const botTexts = (acts: Array<{ from?: { role?: string }; text?: string }>) => acts.filter((a) => a.from?.role === 'bot').map((a) => a.text ?? '');

/** Makes the conversation's last bot message a prompt that waits for `expects` (as the dialogs' prompts do). */
async function botAsks(conv: Conversation, expects: string): Promise<void> {
  await directLineOf(t.app)!.append(conv.conversationId, conv.userId, { type: 'message', text: 'Proszę dołączyć zdjęcie.', channelData: { kropla: { expects } } });
}

function photo(name = 'licznik.png') {
  return multipart([
    { name: 'activity', contentType: 'application/vnd.microsoft.activity', data: Buffer.from(JSON.stringify({ type: 'message', text: '' })) },
    { name: 'file', fileName: name, contentType: 'image/png', data: PNG },
  ]);
}

/** Waits until the bot has answered `n` times in the conversation. */
async function replies(conv: Conversation, n: number): Promise<string[]> {
  return botTexts(await waitForActivities(url, conv, (a) => botTexts(a).length >= n, 30_000));
}

describe('V3 — anonymous uploads', () => {
  test('an unlinked chat cannot store a file no step asked for (403); when a prompt asks, it can', async () => {
    const conv = await openConversation(url);
    const before = await t.app.ds.getRepository(Attachment).count();
    const first = photo();
    const refused = await upload(url, conv, first.body, first.contentType);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('files_not_expected');
    expect(await t.app.ds.getRepository(Attachment).count()).toBe(before);
    await botAsks(conv, 'attachments');
    const mp = photo();
    expect((await upload(url, conv, mp.body, mp.contentType)).status).toBe(200);
  });

  test(`at most ${UPLOADS_PER_CONVERSATION_PER_DAY} files a day per conversation: the next one gets 429 with Retry-After`, async () => {
    const conv = await openConversation(url);
    const statuses: number[] = [];
    for (let i = 0; i <= UPLOADS_PER_CONVERSATION_PER_DAY; i++) {
      await botAsks(conv, 'attachments');
      const mp = photo(`z${i}.png`);
      statuses.push((await upload(url, conv, mp.body, mp.contentType)).status);
    }
    expect(statuses.slice(0, UPLOADS_PER_CONVERSATION_PER_DAY).every((s) => s === 200)).toBe(true);
    expect(statuses[UPLOADS_PER_CONVERSATION_PER_DAY]).toBe(429);
  });

  test('D-f: a file name keeps no bidirectional control characters', async () => {
    const conv = await openConversation(url);
    await botAsks(conv, 'attachments');
    const mp = photo('faktura\u202Egnp.exe.png');
    const r = await upload(url, conv, mp.body, mp.contentType);
    expect(r.status).toBe(200);
    const echo = (await getActivities(url, conv)).activities.find((a) => a.id === r.body.id);
    const name = echo?.attachments?.[0]?.name ?? '';
    expect(name).toBe('fakturagnp.exe.png');
    const rows = await t.app.ds.getRepository(Attachment).find({ select: { id: true, fileName: true } });
    expect(rows.some((a) => /[\u202a-\u202e\u2066-\u2069]/.test(a.fileName))).toBe(false);
  });
});

describe('V4 — link-code guesses', () => {
  test('one mistyped code in one message is one wrong try, not five', async () => {
    const conv = await openConversation(url);
    await postMessage(url, conv, 'ABCD-2345');
    const texts = await replies(conv, 1);
    expect(texts.join('\n')).toMatch(/nieprawidłowy albo wygasł/);
    expect(texts.join('\n')).toMatch(/Pozostały jeszcze 4 próby/);
    const attempts = await t.app.ds.getRepository(LinkAttempt).count({ where: { subject: `chat:webchat:${conv.userId}` } });
    expect(attempts).toBe(1);
  });

  test(`wrong codes count per address across conversations: after ${MAX_ADDRESS_TRIES}, a fresh conversation is locked too`, async () => {
    // Each conversation stays under the per-chat limit (5); the address as a whole reaches its limit.
    let sent = 0;
    while (sent < MAX_ADDRESS_TRIES) {
      const conv = await openConversation(url);
      for (let i = 0; i < 3 && sent < MAX_ADDRESS_TRIES; i++, sent++) {
        await postMessage(url, conv, `XYZ${'ABCDEFGHJKLM'[sent]}-2345`);
        await replies(conv, i + 1);
      }
    }
    const fresh = await openConversation(url);
    const customer = await t.app.services.customers.byNumber('100234');
    const { code } = await t.app.services.links.issueCode(customer!.id, 'ibok');
    await postMessage(url, fresh, code);
    const texts = await replies(fresh, 1);
    expect(texts.join('\n')).toMatch(/zbyt wiele nieudanych prób/i);
    expect(await t.app.services.links.linkedCustomerId('webchat', fresh.userId)).toBeNull();
  });
});

describe('D-c — "wyloguj" leaves nothing readable', () => {
  test('after logging out, the same token reads no balance or account number, and the invoice link is dead', async () => {
    // A different client address than the guessing test above (its address is locked for 15 minutes).
    const conv = await openConversation(url);
    const customer = await t.app.services.customers.byNumber('100234');
    await t.app.ds.getRepository(LinkAttempt).clear();
    const { code } = await t.app.services.links.issueCode(customer!.id, 'ibok');
    await postMessage(url, conv, code);
    await replies(conv, 1);
    const [inv] = await t.app.services.billing.latestInvoices(customer!.id, 1);
    await postMessage(url, conv, `pokaż fakturę ${inv.number}`);
    const acts = await waitForActivities(url, conv, (a) => a.some((x) => x.from?.role === 'bot' && (x.attachments ?? []).some((f) => f.contentType === 'application/pdf')), 30_000);
    const pdf = acts.flatMap((a) => a.attachments ?? []).find((f) => f.contentType === 'application/pdf');
    expect((await fetch(pdf!.contentUrl as string)).status).toBe(200);
    const shown = JSON.stringify(acts);
    expect(shown).toMatch(/100234/);

    await postMessage(url, conv, 'wyloguj');
    await waitForActivities(url, conv, (a) => botTexts(a).some((x) => /Wylogowano/.test(x)), 30_000);
    const readable = JSON.stringify((await getActivities(url, conv)).activities);
    expect(readable).not.toMatch(/100234/);
    expect(readable).not.toMatch(/\d{2} \d{4} \d{4} \d{4} \d{4} \d{4} \d{4}/); // no individual account number
    expect(readable).toMatch(/Wylogowano/); // the reply to "wyloguj" still arrives
    expect((await fetch(pdf!.contentUrl as string)).status).toBe(404);
    expect((await call(url, 'GET', `/v3/directline/conversations/${conv.conversationId}/activities?watermark=0`, { token: conv.token })).status).toBe(200);
  });
});

describe('client addresses behind TRUST_PROXY', () => {
  const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;

  test('X-Forwarded-For counts only when trusted; IPv6 by /64 in every per-address limit', () => {
    expect(requestAddressKey(req('2001:db8:9:9::5', '203.0.113.7'))).toBe('2001:db8:9:9::/64'); // not trusted: the peer
    expect(requestAddressKey(req('10.0.0.2', '6.6.6.6, 2001:db8:1:2:aaaa::1'), 1)).toBe('2001:db8:1:2::/64');
    expect(requestAddressKey(req('10.0.0.2', '::ffff:203.0.113.7'), 1)).toBe('203.0.113.7');
  });

  test('web-chat tokens from one /64 behind a trusted proxy share one limit; another /64 and a forged left entry change nothing', async () => {
    const proxied = await startTestApp({ TRUST_PROXY: '1', WEBCHAT_TOKEN_RATE_PER_MIN: '3' }, { recognizer: await sharedRecognizer() });
    try {
      const token = async (xff: string) => (await fetch(`${proxied.url}/api/webchat/token`, { method: 'POST', headers: { 'x-forwarded-for': xff } })).status;
      // Three addresses of one subscriber's /64, each with a different forged entry in front.
      expect([await token('1.1.1.1, 2001:db8:1:2::a'), await token('2.2.2.2, 2001:db8:1:2::b'), await token('2001:db8:1:2:ffff::c')]).toEqual([200, 200, 200]);
      expect(await token('9.9.9.9, 2001:db8:1:2::d')).toBe(429);
      expect(await token('2001:db8:1:3::a')).toBe(200); // a neighbour's /64 is not limited
      expect(await token('203.0.113.7')).toBe(200);
    } finally {
      await proxied.stop();
    }
  });
});
