/**
 * Connecting a chat to a customer account with a one-time code: single use, 15-minute expiry,
 * at most 5 wrong tries per chat and per customer in 15 minutes. Only code hashes are stored.
 */
import { sqlOf } from '../db/sql';
import { createHash, randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ChatLink, Customer, LinkAttempt, LinkCode } from '../../models';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_TTL_MS = 15 * 60_000;
export const MAX_TRIES = 5;
const WINDOW_MS = 15 * 60_000;

export type RedeemOutcome =
  | { status: 'linked'; customer: Customer; via: string }
  | { status: 'invalid'; triesLeft: number }
  | { status: 'locked'; retryAt: Date };

function hashCode(code: string): string {
  return createHash('sha256').update(normalizeLinkCode(code) ?? code).digest('hex');
}

/** `k7pm4qx9`, `K7PM-4QX9`, ` k7pm 4qx9 ` → `K7PM-4QX9`; null when it cannot be a code. */
export function normalizeLinkCode(raw: string): string | null {
  const s = raw.toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== 8 || [...s].some((c) => !ALPHABET.includes(c))) return null;
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

export class LinkService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Issues a code for a customer (the iBOK portal shows it; or it is e-mailed). */
  async issueCode(customerId: number, purpose: 'ibok' | 'email'): Promise<{ code: string; expiresAt: Date }> {
    let code = '';
    // A code always mixes letters and digits, so that it never reads as a word or a number in chat.
    while (!/[A-Z]/.test(code) || !/\d/.test(code)) {
      code = '';
      for (let i = 0; i < 8; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    }
    code = `${code.slice(0, 4)}-${code.slice(4)}`;
    const expiresAt = new Date(this.now().getTime() + CODE_TTL_MS);
    await this.ds.getRepository(LinkCode).insert({ codeHash: hashCode(code), customerId, purpose, expiresAt, usedAt: null });
    return { code, expiresAt };
  }

  private async failures(subject: string): Promise<LinkAttempt[]> {
    const since = new Date(this.now().getTime() - WINDOW_MS);
    return this.ds
      .getRepository(LinkAttempt)
      .createQueryBuilder('a')
      .where('a.subject = :subject AND a.createdAt > :since', { subject, since })
      .orderBy('a.createdAt', 'ASC')
      .getMany();
  }

  /** When the chat (or customer) may try again, or null when it may try now. */
  async lockedUntil(subject: string): Promise<Date | null> {
    const f = await this.failures(subject);
    if (f.length < MAX_TRIES) return null;
    return new Date(f[f.length - MAX_TRIES].createdAt.getTime() + WINDOW_MS);
  }

  /**
   * Redeems a code for a chat user. For the `email` route, `customerNumber` must match the code's customer.
   */
  async redeem(channel: string, channelUserId: string, rawCode: string, opts: { customerNumber?: string; termsAccepted?: boolean } = {}): Promise<RedeemOutcome> {
    const chatSubject = `chat:${channel}:${channelUserId}`;
    const lockedChat = await this.lockedUntil(chatSubject);
    if (lockedChat) return { status: 'locked', retryAt: lockedChat };
    let customerForCount: Customer | null = null;
    if (opts.customerNumber) {
      customerForCount = await this.ds.getRepository(Customer).findOne({ where: { customerNumber: opts.customerNumber } });
      if (customerForCount) {
        const lockedCustomer = await this.lockedUntil(`customer:${customerForCount.id}`);
        if (lockedCustomer) return { status: 'locked', retryAt: lockedCustomer };
      }
    }
    const code = normalizeLinkCode(rawCode);
    const now = this.now();
    const row = code ? await this.ds.getRepository(LinkCode).findOne({ where: { codeHash: hashCode(code) } }) : null;
    const valid =
      row && !row.usedAt && row.expiresAt.getTime() > now.getTime() && (!customerForCount || row.customerId === customerForCount.id) && (!opts.customerNumber || customerForCount);
    if (!row || !valid) {
      await this.ds.getRepository(LinkAttempt).insert({ subject: chatSubject });
      const custId = customerForCount?.id ?? row?.customerId;
      if (custId) await this.ds.getRepository(LinkAttempt).insert({ subject: `customer:${custId}` });
      const used = (await this.failures(chatSubject)).length;
      return used >= MAX_TRIES ? { status: 'locked', retryAt: (await this.lockedUntil(chatSubject)) as Date } : { status: 'invalid', triesLeft: MAX_TRIES - used };
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
