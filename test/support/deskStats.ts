/**
 * A scripted set of conversations for the desk's Statystyki view (browser test and `npm run screenshots`):
 * real bot, real NLU, over Direct Line, plus cases filed, answered and overdue. The figures it must produce
 * are `SCRIPTED_FIGURES` (today, Katowice calendar).
 */
import type { App } from '../../src/app';
import { CaseRecord } from '../../models';
import { getActivities, openConversation, postMessage, type Conversation } from '../directline/helpers';
import { ADMIN_TOKEN } from './browser';

/** What the analytics of today show once `scriptConversations` ran. */
export const SCRIPTED_FIGURES = {
  conversations: 4,
  customerMessages: 7,
  tasksCompleted: { 'account.link': 1, 'balance.check': 1, 'contact.info': 1 },
  containment: 0.25,
  fallbacks: 2,
  handoffs: 1,
  misunderstood: 'blablabla kukuryku ####',
  cases: { filed: 3, answeredInTime: 1, overdue: 1 },
};

async function ask(url: string, conv: Conversation, text: string): Promise<string> {
  const before = (await getActivities(url, conv)).activities.filter((a) => a.from?.role === 'bot').length;
  await postMessage(url, conv, text);
  for (const until = Date.now() + 30_000; ;) {
    const bot = (await getActivities(url, conv)).activities.filter((a) => a.from?.role === 'bot');
    if (bot.length > before) return bot.slice(before).map((a) => a.text ?? '').join('\n');
    if (Date.now() > until) throw new Error(`no answer to ${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function linkCode(url: string, customerNumber: string): Promise<string> {
  const r = await fetch(`${url}/api/admin/link-codes`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ customerNumber }) });
  return ((await r.json()) as { code: string }).code;
}

/**
 * A: a linked customer checks the balance (two tasks, no person: contained). B: twice a message nobody can
 * place. C: the office's phone number, then a person is asked for. D: an unlinked customer asks for the
 * balance and gives up. Then three complaints without a chat: one answered by staff, one past its due date
 * unanswered, one just filed.
 */
export async function scriptConversations(app: App, staffId: number): Promise<void> {
  const url = app.url;
  const a = await openConversation(url);
  await ask(url, a, `/start ${await linkCode(url, '100234')}`);
  await ask(url, a, 'ile mam do zapłaty?');
  const b = await openConversation(url);
  await ask(url, b, 'blablabla kukuryku 4711');
  await ask(url, b, 'blablabla kukuryku 4711');
  const c = await openConversation(url);
  await ask(url, c, 'podaj numer telefonu do biura obsługi klienta');
  await ask(url, c, 'chcę rozmawiać z konsultantem');
  const d = await openConversation(url);
  await ask(url, d, 'ile mam do zapłaty?');

  const file = (text: string) => app.services.cases.create({ kind: 'complaint', category: 'invoice', text, customerId: null, channel: 'webchat', chatId: null });
  const answered = await file('Faktura za październik jest za wysoka.');
  await app.services.cases.addMessage(answered.id, 'staff', 'Sprawdzamy fakturę, odpowiemy w ciągu 14 dni.', staffId);
  const late = await file('Nikt nie odpowiedział na moją reklamację.');
  await app.ds.getRepository(CaseRecord).update({ id: late.id }, { dueAt: new Date(Date.now() - 3_600_000) });
  await file('Proszę o korektę odczytu.');
}
