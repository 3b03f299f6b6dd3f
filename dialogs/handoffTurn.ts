/**
 * Turns of a chat handed to a person: while queued or live, the customer's messages go into the
 * handoff case for the desk, and the bot stays silent while a person chats (it answers only to
 * leave the queue).
 */
import type { TurnContext } from 'botbuilder';
import type { App } from '../src/app';
import { foldDiacritics } from '../src/domain/streets';
import { handoffServiceFor } from '../src/staff/HandoffService';
import { say, type TurnInfo } from './context';

const LEAVE = /^(anuluj|rezygnuje|koniec|wracam do (bota|kropli)|cancel|stop|скасувати)$/;

/** True when the turn belonged to a handoff (the bot must not answer it itself). */
export async function handleHandoffMessage(ctx: TurnContext, app: App, info: TurnInfo): Promise<boolean> {
  const chat = info.chat;
  if (chat.handoffState === 'bot') return false;
  const text = (ctx.activity.text ?? '').trim() || ((ctx.activity.attachments?.length ?? 0) > 0 ? '[załącznik]' : '');
  if (!text) return true;
  const handoff = handoffServiceFor(app);
  if (chat.handoffState === 'queued' && LEAVE.test(foldDiacritics(text))) {
    const c = await handoff.openHandoffCase(chat.id);
    if (c) await app.services.cases.setStatus(c.id, 'resolved', 'customer');
    await app.ds.getRepository('ChatConversation').update({ id: chat.id }, { handoffState: 'bot', handoffStaffId: null });
    chat.handoffState = 'bot';
    await say(ctx, 'handoff.left');
    return true;
  }
  const c = await handoff.customerWrote(chat, text);
  if (!c) {
    // The case was closed at the desk without releasing the chat: give the chat back to the bot.
    await app.ds.getRepository('ChatConversation').update({ id: chat.id }, { handoffState: 'bot', handoffStaffId: null });
    chat.handoffState = 'bot';
    return false;
  }
  if (chat.handoffState === 'queued') await say(ctx, 'handoff.stillQueued');
  return true;
}
