/**
 * Reminders (issue 18, contracts §9): a chat opts in per kind; the daily run queues, through the
 * outbox and on the chat's own channel, what is due — at most once per chat, kind and subject (the
 * unique `reminder_sent` row), never between 21:00 and 8:00 Katowice time, each with a one-tap
 * "turn off this kind" button.
 *
 * - `invoice_due`: 1–3 days before an unpaid invoice's due date, and once 1–30 days after it; with
 *   the amount, the due date and the payment QR.
 * - `reading`: 1–3 days before the reading day (the 15th); the next number the customer writes is
 *   taken as that meter's reading.
 * - `submeter_expiry`: 90 and 30 days before a sub-meter's legalization ends.
 * - `invoice_issued`: an invoice issued since the opt-in (it arrived in an import), in the last 14 days.
 */
import { ActionTypes, type Activity } from 'botbuilder';
import type { DataSource } from 'typeorm';
import { ReminderOptIn, ReminderSent } from '../../models';
import { REMINDER_KINDS, type ReminderKind } from '../../models/ReminderOptIn';
import type { Config } from '../config';
import { isUniqueViolation, sqlOf, toDate } from '../db/sql';
import { addDays, daysBetween, formatDate, formatMoney, isoDateInWarsaw } from '../domain/format';
import { formatAccountNumber } from '../domain/iban';
import { parseClock, warsawInstant, warsawMinutes } from '../domain/warsawTime';
import { MAX_QR_AMOUNT_GROSZE, paymentQrPayload, paymentQrPng } from '../documents/paymentQr';
import { t, toLocale, type Locale } from '../i18n/i18n';
import { toDataUrl } from '../channels/dataUrl';
import { withCard } from '../channels/cards';
import type { BillingService } from './BillingService';
import type { LinkService } from './LinkService';
import type { OutboxService, NewOutboxMessage } from './OutboxService';
import type { ReadingService } from './ReadingService';
import type { CustomerService } from './CustomerService';
import { nextBillingDate } from '../../dialogs/ReadingSubmitDialog';

export { REMINDER_KINDS, type ReminderKind };

/** Quiet hours: nothing is delivered from 21:00 until 8:00 (Europe/Warsaw). */
export const QUIET_FROM = 21 * 60;
export const QUIET_UNTIL = 8 * 60;

/** Days before a due date / reading day that a reminder is sent (the first run in the window sends it). */
const DAYS_BEFORE = 3;
const OVERDUE_DAYS = 30;
const ISSUED_DAYS = 14;
/** A reading reminder waits this long for its answer. */
export const READING_ANSWER_DAYS = 7;

export interface ReminderDeps {
  ds: DataSource;
  config: Pick<Config, 'companyNip' | 'reminders'>;
  services: { billing: BillingService; links: LinkService; outbox: OutboxService; readings: ReadingService; customers: CustomerService };
}

/** When a message queued at `at` may go out: at once, or at the next 8:00 when `at` is in the quiet hours. */
export function outsideQuietHours(at: Date): Date {
  const m = warsawMinutes(at);
  if (m >= QUIET_UNTIL && m < QUIET_FROM) return at;
  const day = isoDateInWarsaw(at);
  return warsawInstant(m >= QUIET_FROM ? addDays(day, 1) : day, QUIET_UNTIL);
}

/** The mark on a reminder's activity: the outbox worker never delivers it in the quiet hours (see {@link quietPostponement}). */
export const QUIET_MARK = { kropla: { quietHours: true } } as const;

/**
 * For an activity marked {@link QUIET_MARK} that would go out at `now` inside the quiet hours (a retry, a
 * backlog): when it may go instead (the next 8:00). Null when it may go now or is not marked.
 */
export function quietPostponement(activity: Partial<Activity>, now: Date): Date | null {
  const marked = (activity.channelData as { kropla?: { quietHours?: boolean } } | undefined)?.kropla?.quietHours === true;
  if (!marked) return null;
  const until = outsideQuietHours(now);
  return until.getTime() > now.getTime() ? until : null;
}

/** The button of a reminder that turns its kind off, in the chat's language. */
export function turnOffLabel(locale: Locale, kind: ReminderKind): string {
  return t(locale, `reminders.turnOff.${kind}`);
}

export function turnOnLabel(locale: Locale, kind: ReminderKind): string {
  return t(locale, `reminders.turnOn.${kind}`);
}

interface Due {
  kind: ReminderKind;
  subject: string;
  meterSerial?: string;
  activity: () => Promise<Partial<Activity>>;
}

interface OptInRow {
  chatId: number | string;
  kind: ReminderKind;
  optedAt: unknown;
  channel: string;
  userId: string;
  locale: string;
}

export class ReminderService {
  constructor(private readonly deps: ReminderDeps) {}

  async kinds(chatId: number): Promise<ReminderKind[]> {
    const rows = await this.deps.ds.getRepository(ReminderOptIn).find({ where: { chatId }, select: { kind: true } });
    return REMINDER_KINDS.filter((k) => rows.some((r) => r.kind === k));
  }

  /** Turns a kind on for a chat; false when it was on already. */
  async optIn(chatId: number, kind: ReminderKind): Promise<boolean> {
    try {
      await this.deps.ds.getRepository(ReminderOptIn).insert({ chatId, kind });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async optOut(chatId: number, kind: ReminderKind): Promise<boolean> {
    const r = await this.deps.ds.getRepository(ReminderOptIn).delete({ chatId, kind });
    return (r.affected ?? 0) > 0;
  }

  /**
   * Claims a one-time thing for a chat (a reminder's subject, or the offer of a kind): true the first
   * time only, across instances (the unique index decides).
   */
  async claim(chatId: number, kind: ReminderKind, subject: string, at: Date, meterSerial: string | null = null): Promise<boolean> {
    try {
      await this.deps.ds.getRepository(ReminderSent).insert({ chatId, kind, subject, sentAt: at, meterSerial, answeredAt: null });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  /** The reading reminder of a chat still waiting for its answer (the newest), if any. */
  async pendingReading(chatId: number, now: Date): Promise<{ id: number; meterSerial: string } | null> {
    const r = await sqlOf(this.deps.ds).one<{ id: number | string; meterSerial: string | null }>(
      'SELECT "id", "meterSerial" FROM reminder_sent WHERE "chatId" = $1 AND "kind" = \'reading\' AND "answeredAt" IS NULL AND "meterSerial" IS NOT NULL AND "sentAt" >= $2 ORDER BY "id" DESC LIMIT 1',
      [chatId, new Date(now.getTime() - READING_ANSWER_DAYS * 86_400_000)]);
    return r && r.meterSerial ? { id: Number(r.id), meterSerial: r.meterSerial } : null;
  }

  async answered(id: number, at: Date): Promise<void> {
    await this.deps.ds.getRepository(ReminderSent).update({ id }, { answeredAt: at });
  }

  /**
   * The daily run for Katowice day `today`, as at instant `at` (the run's time): queues every reminder
   * due to every opted-in chat, deliverable at once or from 8:00 when `at` falls in the quiet hours.
   * Returns how many were queued.
   */
  async run(today: string, at: Date): Promise<number> {
    const rows = await sqlOf(this.deps.ds).rows<OptInRow>(
      'SELECT o."chatId" AS "chatId", o."kind" AS "kind", o."createdAt" AS "optedAt", c."channel" AS "channel", c."userId" AS "userId", c."locale" AS "locale" FROM reminder_opt_in o JOIN chat_conversation c ON c."id" = o."chatId" WHERE c."blockedAt" IS NULL ORDER BY o."chatId", o."kind"', []);
    // judged at the run's time: outside the quiet hours the reminders go out at once, else from 8:00
    const quietUntil = outsideQuietHours(at);
    const notBefore = quietUntil.getTime() === at.getTime() ? undefined : quietUntil;
    let queued = 0;
    const customers = new Map<string, number | null>();
    for (const row of rows) {
      const key = `${row.channel}\u0000${row.userId}`;
      if (!customers.has(key)) customers.set(key, await this.deps.services.links.linkedCustomerId(row.channel, row.userId));
      const customerId = customers.get(key) ?? null;
      if (customerId === null) continue;
      const chatId = Number(row.chatId);
      const locale = toLocale(row.locale);
      const optedOn = isoDateInWarsaw(toDate(row.optedAt) ?? at);
      const due = await this.dueFor(row.kind, customerId, today, optedOn, locale);
      const out: NewOutboxMessage[] = [];
      for (const d of due) {
        if (!(await this.claim(chatId, d.kind, d.subject, at, d.meterSerial ?? null))) continue;
        const activity = await d.activity();
        const off = turnOffLabel(locale, d.kind);
        const suggestedActions = { to: [], actions: [{ type: ActionTypes.ImBack, title: off, value: off }] };
        out.push({ idempotencyKey: `reminder:${chatId}:${d.kind}:${d.subject}`, channel: row.channel, chatId, activity: { ...activity, suggestedActions, channelData: { ...((activity.channelData as object | undefined) ?? {}), ...QUIET_MARK } }, notBefore });
      }
      if (out.length) queued += await this.deps.services.outbox.enqueue(out);
    }
    return queued;
  }

  /** The reminders of one kind due to a customer on `today`. */
  private async dueFor(kind: ReminderKind, customerId: number, today: string, optedOn: string, locale: Locale): Promise<Due[]> {
    const { billing, readings } = this.deps.services;
    const out: Due[] = [];
    if (kind === 'invoice_due') {
      const b = await billing.balance(customerId, today);
      for (const u of b.unpaid) {
        if (u.unpaidGrosze <= 0) continue;
        const days = daysBetween(today, u.invoice.dueDate);
        const number = u.invoice.number;
        if (days >= 1 && days <= DAYS_BEFORE) {
          out.push({ kind, subject: `${number}:before`, activity: () => this.invoiceActivity(customerId, locale, 'reminders.invoiceDue', { number, amount: formatMoney(u.unpaidGrosze), due: formatDate(u.invoice.dueDate), when: t(locale, 'reminders.when', { days }) }, u.unpaidGrosze) });
        } else if (days < 0 && days >= -OVERDUE_DAYS) {
          out.push({ kind, subject: `${number}:overdue`, activity: () => this.invoiceActivity(customerId, locale, 'reminders.invoiceOverdue', { number, amount: formatMoney(u.unpaidGrosze), due: formatDate(u.invoice.dueDate) }, u.unpaidGrosze) });
        }
      }
    } else if (kind === 'invoice_issued') {
      const issued = await billing.invoicesIssuedBetween(customerId, addDays(today, -ISSUED_DAYS), today);
      for (const i of issued) {
        if (i.issueDate < optedOn) continue;
        out.push({ kind, subject: i.number, activity: async () => withCard({ type: 'message', text: t(locale, 'reminders.invoiceIssued', { number: i.number, issued: formatDate(i.issueDate), amount: formatMoney(i.grossAmountGrosze), due: formatDate(i.dueDate) }) }) });
      }
    } else {
      const meters = await readings.metersOf(customerId);
      for (const m of meters) {
        if (kind === 'reading' && m.kind === 'main') {
          const day = nextBillingDate(today);
          const days = daysBetween(today, day);
          if (days >= 1 && days <= DAYS_BEFORE) {
            out.push({ kind, subject: `${m.serial}:${day}`, meterSerial: m.serial, activity: async () => withCard({ type: 'message', text: t(locale, 'reminders.reading', { when: days, date: formatDate(day), serial: m.serial }) }) });
          }
        } else if (kind === 'submeter_expiry' && m.kind === 'submeter' && m.legalizedUntil) {
          const days = daysBetween(today, m.legalizedUntil);
          const stage = days >= 0 && days <= 30 ? 30 : days > 30 && days <= 90 ? 90 : null;
          if (stage !== null) {
            out.push({ kind, subject: `${m.serial}:${m.legalizedUntil}:${stage}`, activity: async () => withCard({ type: 'message', text: t(locale, 'reminders.submeter', { serial: m.serial, date: formatDate(m.legalizedUntil as string), days }) }) });
          }
        }
      }
    }
    return out;
  }

  /** An invoice reminder: the text and the payment QR for what is unpaid (or the transfer details when too large for a QR). */
  private async invoiceActivity(customerId: number, locale: Locale, key: string, params: Record<string, string | number>, grosze: number): Promise<Partial<Activity>> {
    const customer = await this.deps.services.customers.byId(customerId);
    const text = t(locale, key, params);
    const title = `Klient ${customer?.customerNumber ?? ''}`.trim();
    if (!customer || grosze > MAX_QR_AMOUNT_GROSZE) {
      const details = customer ? `\n${t(locale, 'reminders.noQr', { account: formatAccountNumber(customer.bankAccount), title })}` : '';
      return withCard({ type: 'message', text: text + details });
    }
    const png = await paymentQrPng(paymentQrPayload({ nip: this.deps.config.companyNip, account: customer.bankAccount, amountGrosze: grosze, recipient: 'Katowickie Wodociagi', title }));
    return withCard({ type: 'message', text, attachments: [{ contentType: 'image/png', name: 'przelew-qr.png', contentUrl: toDataUrl('image/png', png) }] }, { imageAlt: t(locale, 'reminders.qrAlt', { amount: String(params.amount) }) });
  }

  /** The day and instant of the automatic daily run at `REMINDERS_AT` for the instant `now`, or null before that time. */
  scheduledRun(now: Date): { today: string; at: Date } | null {
    const minutes = parseClock(this.deps.config.reminders.at) ?? 9 * 60;
    if (warsawMinutes(now) < minutes) return null;
    return { today: isoDateInWarsaw(now), at: now };
  }

  /** The instant of `today`'s run at `REMINDERS_AT` (a run that names its day acts as at that time). */
  runInstant(today: string): Date {
    return warsawInstant(today, parseClock(this.deps.config.reminders.at) ?? 9 * 60);
  }
}
