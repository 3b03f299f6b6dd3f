/**
 * From an intent (NLU, a button, a Telegram command) to the dialog that does the task.
 * Every task dialog's id is its intent name (contracts §6).
 */
import type { TurnContext } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import { foldDiacritics } from '../src/domain/streets';
import { LOCALES, t } from '../src/i18n/i18n';
import { tr, type TurnInfo } from './context';

/** Options every task dialog gets when it starts. */
export interface TaskOptions {
  /** Text after a command, e.g. the code in `/start K7PM4QX9`. */
  arg?: string;
}

/** Telegram-style commands (`/saldo`) and their intents. */
const COMMANDS: Record<string, string> = {
  '/start': 'greeting', '/saldo': 'balance.check', '/balance': 'balance.check', '/faktury': 'invoices.list', '/invoices': 'invoices.list',
  '/odczyt': 'reading.submit', '/reading': 'reading.submit', '/zuzycie': 'consumption.report', '/consumption': 'consumption.report',
  '/reklamacja': 'complaint.file', '/complaint': 'complaint.file', '/awarie': 'outage.check', '/outages': 'outage.check',
  '/pomoc': 'help', '/help': 'help', '/wyloguj': 'account.logout', '/logout': 'account.logout', '/wypisz': 'outage.unsubscribe',
  '/konsultant': 'agent.handoff', '/kontakt': 'contact.info', '/sprawy': 'case.status', '/polacz': 'account.link',
};

/** `/saldo` → balance.check; `/start CODE` → account.link with the code. */
export function commandIntent(text: string): { intent: string; arg?: string } | null {
  const m = /^(\/[a-z_]+)(?:@\w+)?(?:\s+(.+))?$/i.exec(text.trim());
  if (!m) return null;
  const cmd = m[1].toLowerCase();
  const arg = m[2]?.trim();
  if (cmd === '/start' && arg) return { intent: 'account.link', arg };
  const intent = COMMANDS[cmd];
  return intent ? { intent, arg } : null;
}

/** The button label of a task (`tasks.<intent>` in locales). */
export function taskLabel(ctx: TurnContext, intent: string): string {
  return tr(ctx, `tasks.${intent}`);
}

let buttonIndex: Map<string, string> | null = null;

/** A message that is exactly a task button's label (any language) → that task's intent. */
export function intentForButton(text: string): string | null {
  if (!buttonIndex) {
    buttonIndex = new Map();
    for (const loc of LOCALES) {
      for (const intent of [...TASK_LIST, 'help', 'contact.info', 'agent.handoff']) {
        const label = t(loc, `tasks.${intent}`);
        if (label && label !== `tasks.${intent}`) buttonIndex.set(foldDiacritics(label), intent);
      }
    }
  }
  return buttonIndex.get(foldDiacritics(text.trim())) ?? null;
}

/** Tasks a customer can start (intent names). */
export const TASK_LIST: readonly string[] = [
  'balance.check', 'invoices.list', 'payment.info', 'reading.submit', 'readings.history', 'consumption.report',
  'complaint.file', 'message.send', 'case.status', 'outage.check', 'outage.report', 'outage.subscribe',
  'outage.unsubscribe', 'forms.download', 'submeter.legalization', 'einvoice.activate', 'account.link',
  'account.logout', 'account.forget', 'agent.handoff', 'contact.info', 'help',
];

/** Starts the dialog of an intent; small talk intents answer at once. */
export async function routeByIntent(dc: DialogContext, intent: string, _info: TurnInfo, arg?: string): Promise<void> {
  const id = dc.dialogs.find(intent) ? intent : 'help';
  const options: TaskOptions = { arg };
  await dc.beginDialog(id, options);
}
