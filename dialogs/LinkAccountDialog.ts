/**
 * `account.link`: connects this chat to a customer account with a one-time code from iBOK
 * (typed, or a Telegram deep link `/start CODE`), or — without one — with the customer number
 * and a code e-mailed to the address on file, after accepting the iBOK terms.
 */
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { activityAddress } from '../src/http/address';
import { normalizeLinkCode, type RedeemOutcome } from '../src/services/LinkService';
import { formatDateTime } from '../src/domain/format';
import { say, tr, turnInfo } from './context';
import { PROMPT, ask, promptWith } from './prompts';
import { matchChoice } from './parsing';
import { markSlotUsed, readSlot } from './slots';
import type { TaskOptions } from './router';

export const LINK_EMAIL = 'account.link.email';

/** The e-mail route's options: the customer number already said, and whether the code was just e-mailed. */
interface EmailRouteOptions {
  customerNumber?: string;
  codeAgain?: boolean;
  /** The e-mailed code was mistyped: asked for again, with the terms already accepted. */
  wrongCode?: boolean;
}

/** Tells the customer how redeeming went; true when linked. */
export async function reportRedeem(step: WaterfallStepContext, outcome: RedeemOutcome): Promise<boolean> {
  const info = turnInfo(step.context);
  if (outcome.status === 'linked') {
    info.customerId = outcome.customer.id;
    await say(step.context, 'account.linked', { customerNumber: outcome.customer.customerNumber, name: outcome.customer.name.split(' ')[0] });
    return true;
  }
  if (outcome.status === 'locked') await say(step.context, 'account.locked', { time: formatDateTime(outcome.retryAt) });
  else await say(step.context, 'account.badCode', { n: outcome.triesLeft });
  return false;
}

function isNoCode(text: string): boolean {
  return /nie mam|brak kodu|bez kodu|no code|don.?t have|haven.?t got|немає|не маю/i.test(text);
}

export class LinkAccountDialog extends WaterfallDialog {
  constructor(app: App) {
    super('account.link', [
      async (step) => {
        const info = turnInfo(step.context);
        const opts = (step.options ?? {}) as TaskOptions & { fromTask?: boolean; retry?: boolean };
        if (info.customerId && !opts.fromTask) {
          const c = await app.services.customers.byId(info.customerId);
          await say(step.context, 'account.alreadyLinked', { customerNumber: c?.customerNumber ?? '' }, [tr(step.context, 'tasks.account.logout'), tr(step.context, 'tasks.help')]);
          return step.endDialog();
        }
        // A retry after a wrong code asks again; it never re-reads the code of the same message (one typo, one try).
        const given = opts.retry ? undefined : (opts.arg ?? info.nlu?.entities.find((e) => e.type === 'linkCode')?.text);
        if (given && normalizeLinkCode(given)) return step.next(given);
        // The customer number said in the request ("chcę podpiąć konto, numer 100019"): the code goes by e-mail at once.
        const nlu = info.nlu;
        const number = !opts.retry && nlu ? readSlot('customerNumber', { text: nlu.text, nlu, titles: [], attachments: 0, mode: 'prefill' }) : null;
        if (number !== null) {
          markSlotUsed(step.context, 'customerNumber');
          return step.replaceDialog(LINK_EMAIL, { customerNumber: String(number) });
        }
        const options = promptWith('linkCode', tr(step.context, 'account.askCode'), tr(step.context, 'account.askCodeRetry'), [tr(step.context, 'account.noCodeButton')]);
        // After a wrong code, ask afresh: filling the slot from this same message would try the typo again.
        return opts.retry ? step.prompt(PROMPT.code, options) : ask(step, PROMPT.code, options);
      },
      async (step) => {
        const answer = String(step.result ?? '');
        if (isNoCode(answer)) return step.replaceDialog(LINK_EMAIL);
        const info = turnInfo(step.context);
        const outcome = await app.services.links.redeem(info.chat.channel, info.chat.userId, answer, { address: activityAddress(step.context.activity) });
        const ok = await reportRedeem(step, outcome);
        if (ok || outcome.status === 'locked') return step.endDialog(ok);
        return step.replaceDialog('account.link', { fromTask: true, retry: true });
      },
    ]);
  }
}

export class LinkByEmailDialog extends WaterfallDialog {
  constructor(app: App) {
    super(LINK_EMAIL, [
      async (step) => {
        const said = (step.options as EmailRouteOptions | undefined)?.customerNumber;
        if (said) return step.next(said);
        return ask(step, PROMPT.customerNumber, promptWith('customerNumber', tr(step.context, 'account.askCustomerNumber'), tr(step.context, 'account.askCustomerNumberRetry')));
      },
      async (step) => {
        const number = String(step.result).replace(/\s+/g, '');
        (step.values as { customerNumber?: string }).customerNumber = number;
        // "nie mam kodu" right after it was e-mailed: it is on its way — asked for again, not e-mailed again.
        const again = step.options as EmailRouteOptions | undefined;
        if (again?.codeAgain || again?.wrongCode) {
          return step.prompt(PROMPT.code, promptWith('linkCode', tr(step.context, again.wrongCode ? 'account.typeCodeAgain' : 'account.codeOnItsWay'), tr(step.context, 'account.askCodeRetry'), [], { acceptAny: true }));
        }
        const info = turnInfo(step.context);
        const address = activityAddress(step.context.activity);
        const locked = await app.services.links.chatLockedUntil(info.chat.channel, info.chat.userId, address);
        if (locked) {
          await say(step.context, 'account.locked', { time: formatDateTime(locked) });
          return step.endDialog(false);
        }
        const mail = await app.services.links.requestEmailCode(number, { channel: info.chat.channel, channelUserId: info.chat.userId, address });
        if (mail.status === 'limited') {
          await say(step.context, 'account.mailLimited', { time: formatDateTime(mail.retryAt) });
          return step.endDialog(false);
        }
        if (mail.status === 'sent') {
          const { code } = mail;
          await app.mailer.send({ to: mail.email, subject: tr(step.context, 'account.mailSubject'), text: tr(step.context, 'account.mailText', { code }) });
        }
        // The same answer whether the number exists or not: nothing to learn by guessing numbers.
        return step.prompt(PROMPT.code, promptWith('linkCode', tr(step.context, 'account.codeSent'), tr(step.context, 'account.askCodeRetry'), [], { acceptAny: true }));
      },
      async (step) => {
        const opts = (step.options ?? {}) as EmailRouteOptions;
        if (isNoCode(String(step.result ?? '')) && !opts.codeAgain) {
          return step.replaceDialog(LINK_EMAIL, { customerNumber: (step.values as { customerNumber: string }).customerNumber, codeAgain: true });
        }
        if (!normalizeLinkCode(String(step.result ?? ''))) {
          await say(step.context, 'account.codeNotRecognized', {}, [], { refusal: 'notUnderstood' });
          return step.replaceDialog(LINK_EMAIL);
        }
        (step.values as { code?: string }).code = String(step.result);
        const titles = [tr(step.context, 'account.acceptTerms'), tr(step.context, 'account.rejectTerms')];
        if (opts.wrongCode) return step.next(titles[0]);
        return step.prompt(PROMPT.choice, promptWith('terms', tr(step.context, 'account.askTerms', { url: app.config.termsUrl }), tr(step.context, 'common.chooseButton'), titles, { titles }));
      },
      async (step) => {
        const titles = [tr(step.context, 'account.acceptTerms'), tr(step.context, 'account.rejectTerms')];
        if (matchChoice(String(step.result), titles) !== 0) {
          await say(step.context, 'account.termsRejected');
          return step.endDialog(false);
        }
        const info = turnInfo(step.context);
        const v = step.values as { code: string; customerNumber: string };
        const outcome = await app.services.links.redeem(info.chat.channel, info.chat.userId, v.code, { customerNumber: v.customerNumber, termsAccepted: true, address: activityAddress(step.context.activity) });
        const ok = await reportRedeem(step, outcome);
        // A mistyped code (tries left): the code again, not the whole route.
        if (!ok && outcome.status !== 'locked') return step.replaceDialog(LINK_EMAIL, { customerNumber: v.customerNumber, wrongCode: true });
        return step.endDialog(ok);
      },
    ]);
  }
}
