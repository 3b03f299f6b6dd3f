/**
 * `case.status`: a case by its number (only one's own — anyone else's answers "not found"),
 * or the list of own cases.
 */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import type { App } from '../src/app';
import type { CaseRecord } from '../models';
import { formatDate } from '../src/domain/format';
import { normalizeCaseNumber } from '../src/services/CaseService';
import { say, tr, turnInfo } from './context';
import { PROMPT, promptWith } from './prompts';

function describe(ctx: TurnContext, c: CaseRecord): string {
  return tr(ctx, 'cases.line', { caseNumber: c.caseNumber, kind: tr(ctx, `cases.kind.${c.kind}`), status: tr(ctx, `cases.status.${c.status}`), created: formatDate(c.createdAt), due: formatDate(c.dueAt) });
}

export class CaseStatusDialog extends WaterfallDialog {
  constructor(app: App) {
    super('case.status', [
      async (step) => {
        const info = turnInfo(step.context);
        const typed = info.nlu?.entities.find((e) => e.type === 'caseNumber');
        const number = typed?.type === 'caseNumber' ? typed.value : normalizeCaseNumber(info.nlu?.text ?? '');
        if (number) return step.next(number);
        const own = await app.services.cases.listFor({ customerId: info.customerId, chatId: info.chat.id }, 5);
        if (own.length) {
          await step.context.sendActivity([tr(step.context, 'cases.listHeader', { n: own.length }), ...own.map((c) => describe(step.context, c))].join('\n'));
          return step.endDialog();
        }
        return step.prompt(PROMPT.freeText, promptWith('caseNumber', tr(step.context, 'cases.askNumber'), tr(step.context, 'cases.askNumber')));
      },
      async (step) => {
        const info = turnInfo(step.context);
        const number = normalizeCaseNumber(String(step.result ?? ''));
        if (!number) {
          await say(step.context, 'cases.badNumber', {}, [], { refusal: 'notUnderstood' });
          return step.endDialog();
        }
        const c = await app.services.cases.visibleTo(number, { customerId: info.customerId, chatId: info.chat.id });
        if (!c) {
          await say(step.context, 'cases.notFound', { caseNumber: number });
          return step.endDialog();
        }
        const lines = [describe(step.context, c)];
        const lastReply = (await app.services.cases.messages(c.id)).filter((m) => m.author === 'staff').pop();
        if (lastReply) lines.push(tr(step.context, 'cases.lastReply', { date: formatDate(lastReply.createdAt), text: lastReply.text.slice(0, 500) }));
        await step.context.sendActivity(lines.join('\n'));
        return step.endDialog();
      },
    ]);
  }
}
