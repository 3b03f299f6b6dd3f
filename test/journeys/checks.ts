/**
 * The journey checks of the schema, evaluated against the bot's replies (over Direct Line) and
 * the real database. Each returns null when it holds, or why it does not.
 */
import type { DataSource } from 'typeorm';
import { AlertSubscription, CaseRecord, ChatLink, ChatConversation, Customer, Reading, TranscriptEntry } from '../../models';
import { BillingService } from '../../src/services/BillingService';
import { ReadingService, parseMeterValue } from '../../src/services/ReadingService';
import { foldDiacritics, streetKey } from '../../src/domain/streets';
import { formatCubicMetres, formatDate, formatMoney } from '../../src/domain/format';
import { formatAccountNumber } from '../../src/domain/iban';
import { LOCALES, t } from '../../src/i18n/i18n';
import type { BotActivity } from './directline';
import type { Check } from './schema';

/** A bot reply and the number of customer messages sent before it (1 = after the first). */
export interface Reply {
  afterTurn: number;
  activity: BotActivity;
}

export interface JourneyState {
  ds: DataSource;
  today: string;
  customer: Customer | null;
  chat: ChatConversation;
  /** Ids before the journey: what is newer was made by it. */
  baseline: { readingId: number; caseId: number };
  replies: Reply[];
  /** Setup ids (`case1`, `o1`) → the case number / the outage's marker text. */
  caseNumbers: Map<string, string>;
  outageMarkers: Map<string, string>;
  subst: (s: string) => string;
  /** Customer messages and bot replies of the whole conversation, setup included. */
  messagesExchanged: number;
}

const fold = (s: string): string => foldDiacritics(s).replace(/\u00a0/g, ' ');
/** The strings a customer reads in an Adaptive Card (its text blocks, facts, image alt texts), not its URLs. */
function cardStrings(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return /^(url|type|version|\$schema|id|style|size|weight|color|spacing|horizontalAlignment|width)$/.test(key) || /^(data|https?):/.test(value) ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((v) => cardStrings(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => cardStrings(v, k));
  return [];
}
/** The alt texts of the images an Adaptive Card shows ("" for an image without one). */
function cardImages(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(cardImages);
  if (!value || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const own = o.type === 'Image' && typeof o.url === 'string' ? [typeof o.altText === 'string' ? o.altText : ''] : [];
  return [...own, ...Object.values(o).flatMap(cardImages)];
}
/** What the customer reads in a reply: its text and, where the answer is shown as a card, the card's text. */
const textOf = (r: Reply): string =>
  fold([r.activity.text ?? '', ...(r.activity.attachments ?? []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').flatMap((a) => cardStrings(a.content))].join('\n'));
const allText = (s: JourneyState): string[] => s.replies.map(textOf);
const anyReply = (s: JourneyState, pred: (text: string, r: Reply) => boolean): boolean => s.replies.some((r) => pred(textOf(r), r));
const attachments = (s: JourneyState) => s.replies.flatMap((r) => (r.activity.attachments ?? []).map((a) => ({ ...a, reply: r })));

function statusLabels(): string[] {
  const out: string[] = [];
  for (const loc of LOCALES) for (const k of ['new', 'in_progress', 'waiting_for_customer', 'resolved', 'rejected']) out.push(fold(t(loc, `cases.status.${k}`)));
  return out;
}

async function meterOf(s: JourneyState, kind: 'main' | 'submeter') {
  if (!s.customer) return null;
  return (await new ReadingService(s.ds).metersOf(s.customer.id)).find((m) => m.kind === kind) ?? null;
}

async function newReadings(s: JourneyState): Promise<Reading[]> {
  if (!s.customer) return [];
  const ids = (await new ReadingService(s.ds).metersOf(s.customer.id)).map((m) => m.id);
  if (!ids.length) return [];
  return s.ds.getRepository(Reading).createQueryBuilder('r').where('r.meterId IN (:...ids) AND r.id > :b', { ids, b: s.baseline.readingId }).getMany();
}

async function newCases(s: JourneyState): Promise<CaseRecord[]> {
  return s.ds.getRepository(CaseRecord).createQueryBuilder('c').where('c.chatId = :chat AND c.id > :b', { chat: s.chat.id, b: s.baseline.caseId }).getMany();
}

const CASE_KIND: Record<string, string> = { complaint: 'complaint', message: 'message', report: 'outage_report' };

type Evaluator = (c: Check, s: JourneyState) => Promise<string | null>;

const needCustomer = (s: JourneyState): string | null => (s.customer ? null : 'the journey has no setup.customer');

const CHECKS: Record<string, Evaluator> = {
  async balance_shown(_c, s) {
    if (!s.customer) return needCustomer(s);
    const b = await new BillingService(s.ds).balance(s.customer.id, s.today);
    const amount = fold(formatMoney(Math.abs(b.balanceGrosze)));
    if (b.balanceGrosze === 0) return anyReply(s, (x) => /0,00 zl|rozliczon|nic do zaplaty|nothing to pay|settled|нічого/.test(x)) ? null : 'no reply says the account is settled';
    return anyReply(s, (x) => x.includes(amount)) ? null : `no reply states the balance ${amount}`;
  },
  async overdue_shown(_c, s) {
    if (!s.customer) return needCustomer(s);
    const b = await new BillingService(s.ds).balance(s.customer.id, s.today);
    if (!b.overdue.length) return 'the customer has no overdue invoice';
    const missing = b.overdue.filter((o) => !anyReply(s, (x) => x.includes(fold(o.invoice.number)) || x.includes(formatDate(o.invoice.dueDate))));
    return missing.length ? `overdue invoice(s) not named: ${missing.map((o) => o.invoice.number).join(', ')}` : null;
  },
  async invoices_listed(_c, s) {
    if (!s.customer) return needCustomer(s);
    const numbers = (await new BillingService(s.ds).latestInvoices(s.customer.id, 100)).map((i) => fold(i.number));
    return anyReply(s, (x) => numbers.some((n) => x.includes(n))) ? null : 'no reply lists an invoice of the customer';
  },
  async invoice_pdf(c, s) {
    if (!s.customer) return needCustomer(s);
    let invoices = await new BillingService(s.ds).latestInvoices(s.customer.id, 100);
    if (typeof c.month === 'string') invoices = invoices.filter((i) => i.issueDate.startsWith(c.month as string));
    const names = invoices.map((i) => `${i.number.replace(/\//g, '-')}.pdf`);
    return attachments(s).some((a) => a.contentType === 'application/pdf' && names.includes(a.name ?? '')) ? null : `no PDF of ${c.month ? `the invoice of ${String(c.month)}` : 'an invoice'} was sent`;
  },
  async invoice_paid_shown(c, s) {
    if (!s.customer) return needCustomer(s);
    const month = String(c.month ?? '');
    const b = await new BillingService(s.ds).balance(s.customer.id, s.today);
    const inv = (await new BillingService(s.ds).latestInvoices(s.customer.id, 100)).find((i) => i.issueDate.startsWith(month));
    if (!inv) return `the customer has no invoice issued in ${month}`;
    const unpaid = b.unpaid.some((u) => u.invoice.number === inv.number);
    const says = (x: string): boolean | null => {
      if (/nieoplac|niezaplac|nie zostala oplac|nie jest oplac|do zaplaty|unpaid|not paid|not yet paid|не сплачен|не оплачен/.test(x)) return false;
      if (/oplacon|zaplacon|\bpaid\b|сплачен|оплачен/.test(x)) return true;
      return null;
    };
    const about = s.replies.filter((r) => textOf(r).includes(fold(inv.number)) || (r.activity.attachments ?? []).some((a) => a.name === `${inv.number.replace(/\//g, '-')}.pdf`));
    const verdicts = about.map((r) => says(textOf(r))).filter((v) => v !== null);
    if (!verdicts.length) return `no reply says whether ${inv.number} is paid`;
    return verdicts.includes(!unpaid) ? null : `the bot said ${inv.number} is ${unpaid ? 'paid' : 'unpaid'}, but it is ${unpaid ? 'unpaid' : 'paid'}`;
  },
  async payment_details(c, s) {
    if (!s.customer) return needCustomer(s);
    const digits = s.customer.bankAccount.replace(/\D/g, '');
    const withAccount = s.replies.filter((r) => textOf(r).replace(/\D/g, '').includes(digits) || textOf(r).includes(fold(formatAccountNumber(s.customer!.bankAccount))));
    if (!withAccount.length) return 'no reply gives the individual account number';
    const qrInCard = s.replies.some((r) => /kod qr|qr code|qr-код/i.test(textOf(r)) && (r.activity.attachments ?? []).some((a) => a.contentType === 'application/vnd.microsoft.card.adaptive' && JSON.stringify(a.content).includes('"Image"')));
    if (c.qr && !qrInCard && !attachments(s).some((a) => (a.contentType ?? '').startsWith('image/') && /qr/i.test(a.name ?? ''))) return 'no payment QR image was sent';
    return null;
  },
  async reading_saved(c, s) {
    const kind = c.meter === 'submeter' ? 'submeter' : 'main';
    const meter = await meterOf(s, kind);
    if (!meter) return `the customer has no ${kind} meter`;
    const litres = parseMeterValue(s.subst(String(c.value ?? '')));
    const rows = (await newReadings(s)).filter((r) => r.meterId === meter.id && r.date === s.today);
    if (!rows.length) return `no ${kind} reading was stored today`;
    if (litres !== null && !rows.some((r) => r.valueLitres === litres)) return `stored ${rows.map((r) => formatCubicMetres(r.valueLitres)).join(', ')}, expected ${formatCubicMetres(litres)}`;
    return null;
  },
  async no_reading_saved(_c, s) {
    const rows = await newReadings(s);
    return rows.length ? `a reading was stored: ${rows.map((r) => formatCubicMetres(r.valueLitres)).join(', ')}` : null;
  },
  async history_shown(_c, s) {
    if (!s.customer) return needCustomer(s);
    const meters = await new ReadingService(s.ds).metersOf(s.customer.id);
    const values = (await s.ds.getRepository(Reading).createQueryBuilder('r').where('r.meterId IN (:...ids)', { ids: meters.map((m) => m.id) }).getMany()).map((r) => fold(formatCubicMetres(r.valueLitres)));
    return anyReply(s, (x) => values.filter((v) => x.includes(v)).length >= 2) ? null : 'no reply lists past readings';
  },
  async consumption_shown(c, s) {
    const texty = anyReply(s, (x) => (x.match(/m³|m3/g) ?? []).length >= 2);
    if (!texty) return 'no reply gives consumption figures';
    // Web Chat gets the chart inside the answer card (cards.ts drops the separate file there): an Image in the card counts, a QR code does not.
    const chartInCard = s.replies.some((r) => (r.activity.attachments ?? []).some((a) => a.contentType === 'application/vnd.microsoft.card.adaptive' && cardImages(a.content).some((alt) => !/qr/i.test(alt))));
    if (c.chart && !chartInCard && !attachments(s).some((a) => (a.contentType ?? '').startsWith('image/') && !/qr/i.test(a.name ?? ''))) return 'no chart image was sent';
    return null;
  },
  async case_created(c, s) {
    const kind = CASE_KIND[String(c.kind)] ?? String(c.kind);
    const cases = (await newCases(s)).filter((x) => x.kind === kind);
    if (!cases.length) return `no ${String(c.kind)} case was filed from this chat`;
    const stems = ((c.textIncludes as string[] | undefined) ?? []).map((x) => fold(s.subst(x)));
    if (!stems.length) return null;
    const ok = cases.some((x) => {
      const stored = fold(`${x.text} ${x.location ?? ''}`);
      return stems.every((st) => stored.includes(st));
    });
    return ok ? null : `the stored text lacks ${stems.join(', ')}`;
  },
  async no_case_created(_c, s) {
    const cases = (await newCases(s)).filter((x) => x.kind !== 'handoff');
    return cases.length ? `case(s) filed: ${cases.map((x) => x.kind).join(', ')}` : null;
  },
  async case_status_shown(c, s) {
    const number = s.caseNumbers.get(String(c.case));
    if (!number) return `no setup case ${String(c.case)}`;
    const labels = statusLabels();
    return anyReply(s, (x) => x.includes(fold(number)) && labels.some((l) => x.includes(l))) ? null : `no reply gives ${number} with its status`;
  },
  async outage_shown(c, s) {
    const marker = s.outageMarkers.get(String(c.outage));
    if (!marker) return `no setup outage ${String(c.outage)}`;
    return anyReply(s, (x) => x.includes(fold(marker))) ? null : `no reply tells about outage ${String(c.outage)}`;
  },
  async subscribed(c, s) {
    const subs = await s.ds.getRepository(AlertSubscription).find({ where: { chatId: s.chat.id } });
    const key = streetKey(String(c.street ?? ''));
    const building = c.building === undefined || c.building === null ? null : String(c.building).toLowerCase();
    const ok = subs.some((x) => (x.streetKey === key || streetKey(x.street) === key) && (building === null || x.building.toLowerCase() === building || x.building === ''));
    return ok ? null : `no alert subscription for ${String(c.street)} ${building ?? ''} (has: ${subs.map((x) => `${x.street} ${x.building}`).join(', ') || 'none'})`;
  },
  async unsubscribed(_c, s) {
    const n = await s.ds.getRepository(AlertSubscription).count({ where: { chatId: s.chat.id } });
    return n ? `${n} subscription(s) left` : null;
  },
  async einvoice_active(c, s) {
    if (!s.customer) return needCustomer(s);
    const cust = await s.ds.getRepository(Customer).findOneByOrFail({ id: s.customer.id });
    if (!cust.eInvoice) return 'e-invoice is not on';
    if (typeof c.email === 'string' && (cust.email ?? '').toLowerCase() !== s.subst(c.email).toLowerCase()) return `e-invoice goes to ${cust.email ?? '(none)'}, expected ${c.email}`;
    return null;
  },
  async einvoice_inactive(_c, s) {
    if (!s.customer) return needCustomer(s);
    const cust = await s.ds.getRepository(Customer).findOneByOrFail({ id: s.customer.id });
    return cust.eInvoice ? 'e-invoice is on' : null;
  },
  async form_sent(_c, s) {
    const pdf = attachments(s).some((a) => a.contentType === 'application/pdf' && !/^FV-/.test(a.name ?? ''));
    return pdf || anyReply(s, (x) => x.includes('/forms/')) ? null : 'no form was given';
  },
  async submeter_date_shown(_c, s) {
    const m = await meterOf(s, 'submeter');
    if (!m?.legalizedUntil) return 'the customer has no sub-meter with a legalization date';
    return anyReply(s, (x) => x.includes(formatDate(m.legalizedUntil as string))) ? null : `no reply gives ${formatDate(m.legalizedUntil)}`;
  },
  async linked(c, s) {
    const link = await s.ds.getRepository(ChatLink).findOne({ where: { channel: s.chat.channel, channelUserId: s.chat.userId } });
    if (!link) return 'the chat is not linked';
    const cust = await s.ds.getRepository(Customer).findOneByOrFail({ id: link.customerId });
    return c.customer && cust.customerNumber !== String(c.customer) ? `linked to ${cust.customerNumber}` : null;
  },
  async not_linked(_c, s) {
    const link = await s.ds.getRepository(ChatLink).findOne({ where: { channel: s.chat.channel, channelUserId: s.chat.userId } });
    return link ? 'the chat is linked' : null;
  },
  async data_erased(_c, s) {
    const link = await s.ds.getRepository(ChatLink).findOne({ where: { channel: s.chat.channel, channelUserId: s.chat.userId } });
    if (link) return 'the chat is still linked';
    const subs = await s.ds.getRepository(AlertSubscription).count({ where: { chatId: s.chat.id } });
    if (subs) return 'alert subscriptions are left';
    const open = await s.ds.getRepository(CaseRecord).createQueryBuilder('c').where("c.chatId = :id AND c.status IN ('new','in_progress','waiting_for_customer')", { id: s.chat.id }).getCount();
    const entries = await s.ds.getRepository(TranscriptEntry).count({ where: { chatId: s.chat.id } });
    // The erasure keeps the transcript only where an open case needs it; what came after it is new.
    return open === 0 && entries >= s.messagesExchanged ? 'the transcript was kept' : null;
  },
  async handoff(_c, s) {
    const cases = (await newCases(s)).filter((x) => x.kind === 'handoff');
    const chat = await s.ds.getRepository(ChatConversation).findOneByOrFail({ id: s.chat.id });
    return cases.length || chat.handoffState !== 'bot' ? null : 'the customer was not put through to a person';
  },
  async mentions(c, s) {
    const any = ((c.any as string[] | undefined) ?? []).map((x) => fold(s.subst(x)));
    const after = typeof c.afterTurn === 'number' ? c.afterTurn : 0;
    const texts = s.replies.filter((r) => r.afterTurn > after).map(textOf);
    return texts.some((x) => any.some((a) => x.includes(a))) ? null : `no reply${after ? ` after turn ${after}` : ''} mentions ${any.join(' / ')}`;
  },
  async not_mentions(c, s) {
    const any = ((c.any as string[] | undefined) ?? []).map((x) => fold(s.subst(x)));
    const hit = allText(s).find((x) => any.some((a) => x.includes(a)));
    return hit ? `a reply mentions one of ${any.join(' / ')}` : null;
  },
  async no_refusal(_c, s) {
    const r = s.replies.find((x) => x.activity.channelData?.kropla?.refusal === 'outOfScope' || x.activity.channelData?.kropla?.refusal === 'notUnderstood');
    return r ? `the bot refused or did not understand: "${(r.activity.text ?? '').slice(0, 80)}"` : null;
  },
  async refusal(_c, s) {
    return s.replies.some((x) => x.activity.channelData?.kropla?.refusal === 'outOfScope' || x.activity.channelData?.kropla?.refusal === 'notOurs') ? null : 'the bot did not say that this is not its matter';
  },
};

/** Evaluates one check; an unknown type fails with its name. */
export async function evaluate(c: Check, s: JourneyState): Promise<string | null> {
  const fn = CHECKS[c.type];
  if (!fn) return `unknown check type ${c.type}`;
  return fn(c, s);
}
