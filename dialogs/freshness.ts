/**
 * "Stan na 30.11.2026, 18:00" (contracts §8): answers with balances or invoices say as of when the
 * data is known. One call at the start of the answering step appends the line to the first message
 * that step sends, whatever that message looks like.
 */
import type { TurnContext } from 'botbuilder';
import type { App } from '../src/app';
import { formatDateTime } from '../src/domain/format';
import { tr } from './context';

export async function appendFreshness(ctx: TurnContext, app: App): Promise<void> {
  const asOf = await app.services.billing.dataAsOf();
  if (!asOf) return;
  const line = tr(ctx, 'billing.asOf', { at: formatDateTime(asOf) });
  let done = false;
  ctx.onSendActivities(async (_ctx, activities, next) => {
    const first = done ? undefined : activities.find((a) => a.type === 'message');
    if (first) {
      done = true;
      first.text = first.text ? `${first.text}\n\n${line}` : line;
      // An answer shown as an Adaptive Card carries the line in the card too.
      for (const a of first.attachments ?? []) {
        const body = (a.content as { body?: unknown[] } | undefined)?.body;
        if (a.contentType === 'application/vnd.microsoft.card.adaptive' && Array.isArray(body)) body.push({ type: 'TextBlock', text: line, wrap: true, isSubtle: true, size: 'Small' });
      }
    }
    return next();
  });
}
