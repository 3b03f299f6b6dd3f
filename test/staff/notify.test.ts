/** New escalations announced to a Teams channel (incoming webhook on a local HTTP server) and a Telegram staff group. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TelegramChannel } from '../../src/channels/telegram';
import { staffNotifierOf } from '../../src/staff';
import { plainSnippet } from '../../src/staff/StaffNotifier';
import { chatAndCase, startApp, type TestEnv } from './helpers';

let hook: Server;
let posts: { headers: Record<string, unknown>; body: unknown }[] = [];
let env: TestEnv;
const notices: string[] = [];

beforeAll(async () => {
  hook = createServer((req, res) => {
    let data = '';
    req.on('data', (d: Buffer) => (data += d.toString('utf8')));
    req.on('end', () => {
      posts.push({ headers: req.headers, body: JSON.parse(data) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('1');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as AddressInfo).port;
  env = await startApp({ TEAMS_WEBHOOK_URL: `http://127.0.0.1:${port}/webhook`, TELEGRAM_STAFF_CHAT_ID: '-100123', PUBLIC_URL: 'https://kropla.example.pl' });
  // The Telegram channel (another issue) adds sendStaffNotice; a recording stand-in here.
  env.app.telegram = { username: null, init: async () => undefined, start: async () => undefined, stop: async () => undefined, sendStaffNotice: async (text: string) => { notices.push(text); } } as TelegramChannel;
});
afterAll(async () => {
  env.app.telegram = null;
  await env.stop();
  await new Promise<void>((r) => hook.close(() => r()));
});
beforeEach(() => {
  posts = [];
  notices.length = 0;
});

type Card = { type: string; attachments: { contentType: string; content: { type: string; body: { type: string; text?: string; inlines?: { type: string; text: string }[] }[]; actions: { type: string; url: string }[] } }[] };

test('a new complaint posts an Adaptive Card with a link to the case and the customer text as plain text', async () => {
  const evil = '**Pilne** [kliknij](https://evil.example) <script>alert(1)</script> ' + 'x'.repeat(500);
  const { caseRecord } = await chatAndCase(env.app, { kind: 'complaint', text: evil });
  env.app.events.emit('case.created', caseRecord);
  await staffNotifierOf(env.app)!.flush();
  expect(posts).toHaveLength(1);
  expect(posts[0].headers['content-type']).toBe('application/json');
  const card = posts[0].body as Card;
  expect(card.type).toBe('message');
  expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
  const content = card.attachments[0].content;
  expect(content.type).toBe('AdaptiveCard');
  expect(content.actions[0]).toEqual({ type: 'Action.OpenUrl', title: 'Otwórz w pulpicie', url: `https://kropla.example.pl/staff#case/${caseRecord.caseNumber}` });
  const rich = content.body.find((b) => b.type === 'RichTextBlock')!;
  expect(rich.inlines![0].type).toBe('TextRun');
  expect(rich.inlines![0].text.length).toBeLessThanOrEqual(300);
  expect(rich.inlines![0].text.startsWith('**Pilne** [kliknij]')).toBe(true);
  // The customer's words are never in a Markdown-rendered TextBlock.
  expect(content.body.filter((b) => b.type === 'TextBlock').some((b) => b.text!.includes('kliknij'))).toBe(false);
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain(caseRecord.caseNumber);
  expect(notices[0]).toContain(`https://kropla.example.pl/staff#case/${caseRecord.caseNumber}`);
});

test('a handoff request is announced; a plain message case is not', async () => {
  const { caseRecord: msg, chat } = await chatAndCase(env.app, { kind: 'message' });
  env.app.events.emit('case.created', msg);
  await staffNotifierOf(env.app)!.flush();
  expect(posts).toHaveLength(0);
  expect(notices).toHaveLength(0);
  const { caseRecord: handoff } = await chatAndCase(env.app, { kind: 'handoff' });
  env.app.events.emit('handoff.requested', chat, handoff);
  await staffNotifierOf(env.app)!.flush();
  expect(posts).toHaveLength(1);
  const title = (posts[0].body as Card).attachments[0].content.body[0].text!;
  expect(title).toContain('prosi o rozmowę');
  expect(notices).toHaveLength(1);
});

test('a failing webhook does not break anything else', async () => {
  hook.once('request', (_req, res) => res.destroy());
  const { caseRecord } = await chatAndCase(env.app, { kind: 'outage_report' });
  env.app.events.emit('case.created', caseRecord);
  await expect(staffNotifierOf(env.app)!.flush()).resolves.toBeUndefined();
  expect(notices).toHaveLength(1);
});

test('plainSnippet strips control and bidi characters and truncates', () => {
  expect(plainSnippet('a\u0000b\u202Ec\n\n d')).toBe('abc d');
  expect(plainSnippet('x'.repeat(20), 10)).toBe('xxxxxxxxx…');
});
