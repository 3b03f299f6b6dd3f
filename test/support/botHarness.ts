/**
 * Drives the real bot (real SQLite, real NLU, real dialogs) through botbuilder's TestAdapter:
 * `const c = chat(app); const replies = await c.say('ile mam do zapłaty?')`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Activity, TestAdapter } from 'botbuilder';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { KroplaRecognizer, type Recognizer } from '../../src/nlu';

let recognizer: Recognizer | null = null;

/** One recognizer for the whole test file (loading it is the slow part). */
export async function sharedRecognizer(): Promise<Recognizer> {
  if (!recognizer) recognizer = await KroplaRecognizer.load();
  return recognizer;
}

export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'kropla-test-')), 'kropla.sqlite');
}

/** An app over a temporary SQLite file with demo data; not listening (dialog tests need no HTTP). */
export async function testApp(dbPath = tempDbPath(), env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({ DATABASE_URL: `sqlite:${dbPath}`, DEMO_DATA: '1', PORT: '0', ADMIN_API_TOKEN: 'test-admin-token-123456', LOG_LEVEL: 'silent', DATA_DIR: join(dbPath, '..'), ...env });
  return createApp(config, { recognizer: await sharedRecognizer(), workers: false });
}

export interface TestChat {
  adapter: TestAdapter;
  userId: string;
  conversationId: string;
  /** Sends a message (or a partial activity) and returns the bot's message replies. */
  say(textOrActivity: string | Partial<Activity>): Promise<Partial<Activity>[]>;
  /** Texts of the replies, joined by a blank line (for assertions). */
  text(textOrActivity: string | Partial<Activity>): Promise<string>;
}

let seq = 0;

/** A chat of one user on one channel with the app's bot. */
export function chat(app: App, opts: { channel?: string; userId?: string; conversationId?: string; locale?: string } = {}): TestChat {
  seq += 1;
  const userId = opts.userId ?? `user-${seq}-${Date.now()}`;
  const conversationId = opts.conversationId ?? `conv-${seq}-${Date.now()}`;
  const adapter = new TestAdapter(async (ctx) => app.bot.run(ctx), {
    channelId: opts.channel ?? 'webchat',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: userId, name: 'Klient' },
    recipient: { id: 'kropla', name: 'Kropla' },
    locale: opts.locale ?? 'pl-PL',
    serviceUrl: 'http://localhost',
  });
  const say = async (input: string | Partial<Activity>) => {
    adapter.activeQueue.splice(0);
    const activity: Partial<Activity> = typeof input === 'string' ? { type: 'message', text: input } : { type: 'message', ...input };
    await adapter.receiveActivity(activity);
    return adapter.activeQueue.splice(0).filter((a) => a.type === 'message');
  };
  return {
    adapter, userId, conversationId, say,
    text: async (input) => (await say(input)).map((a) => a.text ?? '').join('\n\n'),
  };
}

/** Button titles of a reply. */
export function buttonsOf(a: Partial<Activity> | undefined): string[] {
  return (a?.suggestedActions?.actions ?? []).map((x) => x.title ?? String(x.value));
}

/** Links a chat to a customer the way iBOK does: a code from the service, typed in chat. */
export async function linkChat(app: App, c: TestChat, customerNumber = '100234'): Promise<void> {
  const customer = await app.services.customers.byNumber(customerNumber);
  if (!customer) throw new Error(`no demo customer ${customerNumber}`);
  const { code } = await app.services.links.issueCode(customer.id, 'ibok');
  const reply = await c.text(code);
  if (!reply.includes(customerNumber)) throw new Error(`linking failed: ${reply}`);
}

/** A new chat already linked to `customerNumber` (the way iBOK links it). */
export async function linkedChat(app: App, customerNumber = '100234'): Promise<TestChat> {
  const c = chat(app);
  await linkChat(app, c, customerNumber);
  return c;
}
