/** `outage.unsubscribe`: stop alerts — one address (also in one tap from an alert) or all. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { say, tr, turnInfo } from './context';
import { PROMPT, promptWith } from './prompts';
import { matchChoice } from './parsing';
import type { TaskOptions } from './router';
import { values } from './steps';
import { foldDiacritics } from '../src/domain/streets';

/** Asking to stop every alert at once. */
const ALL_RE = /\b(?:wszystk\w*|wszedzie|kazd\w*|all|every|everything)\b|усі|всі/;

export class OutageUnsubscribeDialog extends WaterfallDialog {
  constructor(app: App) {
    super('outage.unsubscribe', [
      async (step) => {
        const info = turnInfo(step.context);
        const arg = Number((step.options as TaskOptions | undefined)?.arg);
        const subs = await app.services.outages.subscriptionsOf(info.chat.id);
        if (subs.length === 0) {
          await say(step.context, 'unsubscribe.none');
          return step.endDialog();
        }
        if (Number.isInteger(arg) && arg > 0) {
          const n = await app.services.outages.unsubscribe(info.chat.id, arg);
          await say(step.context, n ? 'unsubscribe.done' : 'unsubscribe.none');
          return step.endDialog();
        }
        // "wypisz mnie ze wszystkich alertów": all of them, without asking which.
        if (subs.length === 1 || ALL_RE.test(foldDiacritics(info.nlu?.text ?? ''))) {
          await app.services.outages.unsubscribe(info.chat.id);
          await say(step.context, 'unsubscribe.done');
          return step.endDialog();
        }
        const titles = [...subs.map((s) => (s.building ? `${s.street} ${s.building}` : s.street)), tr(step.context, 'unsubscribe.all')];
        values(step).ids = subs.map((s) => s.id);
        return step.prompt(PROMPT.choice, promptWith('choice', tr(step.context, 'unsubscribe.choose'), tr(step.context, 'common.chooseButton'), titles, { titles }));
      },
      async (step) => {
        const info = turnInfo(step.context);
        const ids = values(step).ids as number[];
        const subs = await app.services.outages.subscriptionsOf(info.chat.id);
        const titles = [...subs.map((s) => (s.building ? `${s.street} ${s.building}` : s.street)), tr(step.context, 'unsubscribe.all')];
        const chosen = matchChoice(String(step.result), titles);
        await app.services.outages.unsubscribe(info.chat.id, chosen >= 0 && chosen < ids.length ? ids[chosen] : undefined);
        await say(step.context, 'unsubscribe.done');
        return step.endDialog();
      },
    ]);
  }
}
