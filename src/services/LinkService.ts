/**
 * Connecting a chat to a customer account with a one-time code: single use, 15-minute expiry, bound to
 * its purpose (an iBOK code on the plain code route; an e-mailed code only with its customer number and the
 * terms). Wrong tries are counted per chat (5 in 15 minutes), per client address across conversations
 * (10 in 15 minutes; IPv6 by /64) and per customer: guesses at one customer burn that customer's open
 * e-mailed codes instead of locking the customer out, so a fresh code always works. E-mailed codes are
 * limited per customer, per chat and per address each hour. Only code hashes are stored.
 */
import { sqlOf } from '../db/sql';
import { createHash, randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { IsNull, MoreThan } from 'typeorm';
import { ChatLink, Customer, LinkCode } from '../../models';
import { addressPseudonym } from '../http/address';
import { AttemptLog } from './attempts';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_TTL_MS = 15 * 60_000;
export const MAX_TRIES = 5;
/** Wrong codes from one client address (all its conversations) in {@link WINDOW_MS}. */
export const MAX_ADDRESS_TRIES = 10;
const WINDOW_MS = 15 * 60_000;
/** E-mailed codes per customer, per chat and per client address in an hour. */
export const MAX_MAILS_PER_CUSTOMER = 3;
export const MAX_MAILS_PER_CHAT = 3;
export const MAX_MAILS_PER_ADDRESS = 10;
const MAIL_WINDOW_MS = 3600_000;

export type LinkPurpose = 'ibok' | 'email';

export type RedeemOutcome =
  | { status: 'linked'; customer: Customer; via: string }
  | { status: 'invalid'; triesLeft: number }
  | { status: 'locked'; retryAt: Date };

export type EmailCodeOutcome = { status: 'sent'; code: string; expiresAt: Date; email: string } | { status: 'no_email' } | { status: 'limited'; retryAt: Date };

function hashCode(code: string): string {
  return createHash('sha256').update(normalizeLinkCode(code) ?? code).digest('hex');
}

/** `k7pm4qx9`, `K7PM-4QX9`, ` k7pm 4qx9 ` → `K7PM-4QX9`; null when it cannot be a code. */
export function normalizeLinkCode(raw: string): string | null {
  const s = raw.toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== 8 || [...s].some((c) => !ALPHABET.includes(c))) return null;
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/**
 * A fresh code `XXXX-XXXX`. It always mixes letters and digits, so that it never reads as a word or a number
 * in chat, and never starts with four digits and a digit (chat reads `2345-6…` as a number, not as a code:
 * one code in about a thousand was not understood when typed).
 */
export function newLinkCode(): string {
  let code = '';
  while (!/[A-Z]/.test(code) || !/\d/.test(code) || /^\d{5}/.test(code) || /^\d+M3$/.test(code)) {
    code = '';
    for (let i = 0; i < 8; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export class LinkService {
  private readonly attempts: AttemptLog;

  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.attempts = new AttemptLog(ds, now);
  }

  /** Issues a code for a customer (the iBOK portal shows it; or it is e-mailed). */
  async issueCode(customerId: number, purpose: LinkPurpose): Promise<{ code: string; expiresAt: Date }> {
    const code = newLinkCode();
    const expiresAt = new Date(this.now().getTime() + CODE_TTL_MS);
    await this.ds.getRepository(LinkCode).insert({ codeHash: hashCode(code), customerId, purpose, expiresAt, usedAt: null });
    return { code, expiresAt };
  }

  /**
   * A code to e-mail to the customer with this number, unless the hourly limits are reached (per customer,
   * per chat, per address). The caller sends the e-mail and answers the chat alike in every case.
   */
  async requestEmailCode(customerNumber: string, from: { channel: string; channelUserId: string; address?: string }): Promise<EmailCodeOutcome> {
    const chatSubject = `mail-chat:${from.channel}:${from.channelUserId}`;
    const addrSubject = from.address ? `mail-addr:${addressPseudonym(from.address)}` : null;
    const limits = await Promise.all([
      this.attempts.lockedUntil(chatSubject, MAX_MAILS_PER_CHAT, MAIL_WINDOW_MS),
      addrSubject ? this.attempts.lockedUntil(addrSubject, MAX_MAILS_PER_ADDRESS, MAIL_WINDOW_MS) : Promise.resolve(null),
    ]);
    const chatOrAddr = limits.find((d): d is Date => d !== null);
    if (chatOrAddr) return { status: 'limited', retryAt: chatOrAddr };
    await this.attempts.record(chatSubject);
    if (addrSubject) await this.attempts.record(addrSubject);
    const customer = await this.ds.getRepository(Customer).findOne({ where: { customerNumber } });
    if (!customer?.email) return { status: 'no_email' };
    const since = new Date(this.now().getTime() - MAIL_WINDOW_MS);
    const recent = await this.ds.getRepository(LinkCode).find({ where: { customerId: customer.id, purpose: 'email', createdAt: MoreThan(since) }, order: { createdAt: 'ASC' }, select: { id: true, createdAt: true } });
    if (recent.length >= MAX_MAILS_PER_CUSTOMER) return { status: 'limited', retryAt: new Date(recent[recent.length - MAX_MAILS_PER_CUSTOMER].createdAt.getTime() + MAIL_WINDOW_MS) };
    const { code, expiresAt } = await this.issueCode(customer.id, 'email');
    return { status: 'sent', code, expiresAt, email: customer.email };
  }

  /** When the chat may try again, or null when it may try now. */
  async lockedUntil(subject: string): Promise<Date | null> {
    return this.attempts.lockedUntil(subject, MAX_TRIES, WINDOW_MS);
  }

  /** When a chat (or its client address, across conversations) may try a code again; null when now. */
  async chatLockedUntil(channel: string, channelUserId: string, address?: string): Promise<Date | null> {
    const chat = await this.lockedUntil(`chat:${channel}:${channelUserId}`);
    if (chat) return chat;
    return address ? this.attempts.lockedUntil(`addr:${addressPseudonym(address)}`, MAX_ADDRESS_TRIES, WINDOW_MS) : null;
  }

  /**
   * Redeems a code for a chat user. Without `customerNumber` only an iBOK code is accepted; with it (the
   * e-mail route) only an e-mailed code of that customer. `address` is the client's {@link addressKey}.
   */
  async redeem(channel: string, channelUserId: string, rawCode: string, opts: { customerNumber?: string; termsAccepted?: boolean; address?: string } = {}): Promise<RedeemOutcome> {
    const chatSubject = `chat:${channel}:${channelUserId}`;
    const locked = await this.chatLockedUntil(channel, channelUserId, opts.address);
    if (locked) return { status: 'locked', retryAt: locked };
    const purpose: LinkPurpose = opts.customerNumber !== undefined ? 'email' : 'ibok';
    const customerForCount = opts.customerNumber !== undefined ? await this.ds.getRepository(Customer).findOne({ where: { customerNumber: opts.customerNumber } }) : null;
    const code = normalizeLinkCode(rawCode);
    const now = this.now();
    const row = code ? await this.ds.getRepository(LinkCode).findOne({ where: { codeHash: hashCode(code) } }) : null;
    const valid =
      row !== null && !row.usedAt && row.expiresAt.getTime() > now.getTime() && row.purpose === purpose && (purpose === 'ibok' || (customerForCount !== null && row.customerId === customerForCount.id));
    if (!row || !valid) {
      await this.attempts.record(chatSubject);
      if (opts.address) await this.attempts.record(`addr:${addressPseudonym(opts.address)}`);
      const custId = customerForCount?.id ?? null;
      if (custId !== null) await this.guessedAt(custId);
      const left = await this.chatLockedUntil(channel, channelUserId, opts.address);
      if (left) return { status: 'locked', retryAt: left };
      const used = (await this.attempts.since(chatSubject, WINDOW_MS)).length;
      return { status: 'invalid', triesLeft: Math.max(1, MAX_TRIES - used) };
    }
    return this.ds.transaction(async (em) => {
      const claimed = await em.getRepository(LinkCode).createQueryBuilder().update().set({ usedAt: now }).where('id = :id AND usedAt IS NULL', { id: row.id }).execute();
      if (!claimed.affected) return { status: 'invalid', triesLeft: MAX_TRIES - 1 } as RedeemOutcome;
      const links = em.getRepository(ChatLink);
      await links.delete({ channel, channelUserId });
      const termsAcceptedAt = row.purpose === 'ibok' || opts.termsAccepted ? now : null;
      await links.insert({ channel, channelUserId, customerId: row.customerId, via: row.purpose, termsAcceptedAt });
      const customer = await em.getRepository(Customer).findOneOrFail({ where: { id: row.customerId } });
      return { status: 'linked', customer, via: row.purpose } as RedeemOutcome;
    });
  }

  /**
   * A wrong code given with this customer's number. After {@link MAX_TRIES} such guesses (from anyone) the
   * customer's open e-mailed codes are spent, so that guessing cannot hit them; the customer is not locked out
   * and a code asked for afterwards works.
   */
  private async guessedAt(customerId: number): Promise<void> {
    const subject = `customer:${customerId}`;
    await this.attempts.record(subject);
    if ((await this.attempts.since(subject, WINDOW_MS)).length < MAX_TRIES) return;
    await this.ds.getRepository(LinkCode).update({ customerId, purpose: 'email', usedAt: IsNull(), expiresAt: MoreThan(this.now()) }, { usedAt: this.now() });
    await this.attempts.clear(subject);
  }

  /** The customer linked to a chat user, if any. */
  async linkedCustomerId(channel: string, channelUserId: string): Promise<number | null> {
    const link = await sqlOf(this.ds).one<{ customerId: number | string }>('SELECT "customerId" FROM chat_link WHERE "channel" = $1 AND "channelUserId" = $2', [channel, channelUserId]);
    return link ? Number(link.customerId) : null;
  }

  async unlink(channel: string, channelUserId: string): Promise<boolean> {
    const r = await this.ds.getRepository(ChatLink).delete({ channel, channelUserId });
    return (r.affected ?? 0) > 0;
  }
}
