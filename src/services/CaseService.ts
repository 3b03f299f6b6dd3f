/** Complaints, messages, outage reports and handoffs filed in chat: numbering, deadlines, status, thread. */
import { sqlOf } from '../db/sql';
import type { DataSource, EntityManager } from 'typeorm';
import { Attachment, CaseMessage, CaseRecord, CaseStatusChange } from '../../models';
import { CASE_STATUSES, type CaseCategory, type CaseKind, type CaseStatus } from '../../models/CaseRecord';
import type { CaseMessageAuthor } from '../../models/CaseMessage';
import { EventService } from './EventService';

export interface NewCase {
  kind: CaseKind;
  category: CaseCategory;
  text: string;
  customerId: number | null;
  channel: string;
  chatId: number | null;
  urgent?: boolean;
  contactPreference?: string;
  contact?: string | null;
  location?: string | null;
  /** Attachment ids (already stored for the chat) to attach to the case. */
  attachmentIds?: number[];
}

/** Normalises what a customer types as a case number: `kw 2026 000123`, `KW/2026/123` → `KW-2026-000123`. */
export function normalizeCaseNumber(raw: string): string | null {
  const m = /\bkw\s*[-/ ]?\s*(\d{4})\s*[-/ ]?\s*(\d{1,6})\b/i.exec(raw.trim());
  if (!m) return null;
  return `KW-${m[1]}-${m[2].padStart(6, '0')}`;
}

/** Advisory lock that serialises case numbering on PostgreSQL. */
const CASE_NUMBER_LOCK_KEY = 0x4b574e4f; // "KWNO"

export class CaseService {
  constructor(
    private readonly ds: DataSource,
    /** Days the company has to answer (configurable; default 14). */
    private readonly answerDays = 14,
    private readonly now: () => Date = () => new Date(),
    private readonly events = new EventService(ds),
  ) {}

  /** Due date: `answerDays` after filing; urgent reports are due the same day (24 h). */
  dueDate(createdAt: Date, urgent: boolean): Date {
    return new Date(createdAt.getTime() + (urgent ? 1 : this.answerDays) * 86_400_000);
  }

  private async nextNumber(em: EntityManager, year: number): Promise<string> {
    const prefix = `KW-${year}-`;
    const row = await em
      .getRepository(CaseRecord)
      .createQueryBuilder('c')
      .select('MAX(c.caseNumber)', 'max')
      .where('c.caseNumber LIKE :p', { p: `${prefix}%` })
      .getRawOne<{ max: string | null }>();
    const last = row?.max ? Number(row.max.slice(prefix.length)) : 0;
    return `${prefix}${String(last + 1).padStart(6, '0')}`;
  }

  /** Files a case with a fresh number; retries on a number taken concurrently by another instance. */
  async create(input: NewCase): Promise<CaseRecord> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.events.transaction(async (em) => {
          // PostgreSQL: one number at a time over all instances (else concurrent filings keep colliding).
          if (em.connection.options.type === 'postgres') await em.query('SELECT pg_advisory_xact_lock($1)', [CASE_NUMBER_LOCK_KEY]);
          const createdAt = this.now();
          const caseNumber = await this.nextNumber(em, createdAt.getUTCFullYear());
          const repo = em.getRepository(CaseRecord);
          const c = await repo.save(
            repo.create({
              caseNumber, kind: input.kind, category: input.category, text: input.text, customerId: input.customerId,
              channel: input.channel, chatId: input.chatId, status: 'new', urgent: input.urgent ?? false,
              contactPreference: input.contactPreference ?? 'chat', contact: input.contact ?? null, location: input.location ?? null,
              createdAt, dueAt: this.dueDate(createdAt, input.urgent ?? false),
            }),
          );
          await em.getRepository(CaseMessage).insert({ caseId: c.id, author: 'customer', text: input.text, staffId: null });
          await em.getRepository(CaseStatusChange).insert({ caseId: c.id, fromStatus: null, toStatus: 'new', changedBy: 'customer' });
          if (input.attachmentIds?.length) {
            for (const id of input.attachmentIds) await em.getRepository(Attachment).update({ id, chatId: input.chatId ?? -1 }, { caseId: c.id });
          }
          await this.events.record(em, { type: 'case.created', customerId: c.customerId, subject: `case:${caseNumber}`, data: { caseNumber, kind: c.kind, category: c.category, channel: c.channel } });
          return c;
        });
      } catch (e) {
        if (attempt < 12 && /unique|duplicate/i.test(String((e as Error).message))) {
          // Another instance took the number; back off a little so that the writers spread out.
          await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
          continue;
        }
        throw e;
      }
    }
  }

  async byNumber(caseNumber: string): Promise<CaseRecord | null> {
    return this.ds.getRepository(CaseRecord).findOne({ where: { caseNumber } });
  }

  /**
   * A case the asking chat may see: filed by this customer, or filed from this very chat.
   * Anyone else's case answers null (the same as a number that does not exist).
   */
  async visibleTo(caseNumber: string, who: { customerId: number | null; chatId: number | null }): Promise<CaseRecord | null> {
    const c = await this.byNumber(caseNumber);
    if (!c) return null;
    if (who.customerId !== null && c.customerId === who.customerId) return c;
    if (who.chatId !== null && c.chatId === who.chatId) return c;
    return null;
  }

  /** Cases of a customer or a chat, newest first. */
  async listFor(who: { customerId: number | null; chatId: number | null }, limit = 5): Promise<CaseRecord[]> {
    const qb = this.ds.getRepository(CaseRecord).createQueryBuilder('c');
    if (who.customerId !== null) qb.where('c.customerId = :cid', { cid: who.customerId });
    else if (who.chatId !== null) qb.where('c.chatId = :chat', { chat: who.chatId });
    else return [];
    return qb.orderBy('c.createdAt', 'DESC').limit(limit).getMany();
  }

  async list(filter: { status?: CaseStatus | 'open'; category?: string; channel?: string } = {}): Promise<CaseRecord[]> {
    const qb = this.ds.getRepository(CaseRecord).createQueryBuilder('c');
    if (filter.status === 'open') qb.andWhere('c.status IN (:...open)', { open: ['new', 'in_progress', 'waiting_for_customer'] });
    else if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter.category) qb.andWhere('c.category = :category', { category: filter.category });
    if (filter.channel) qb.andWhere('c.channel = :channel', { channel: filter.channel });
    return qb.orderBy('c.dueAt', 'ASC').getMany();
  }

  async setStatus(caseId: number, status: CaseStatus, changedBy: string): Promise<void> {
    if (!CASE_STATUSES.includes(status)) throw new Error(`unknown status ${status}`);
    await this.events.transaction(async (em) => {
      const c = await em.getRepository(CaseRecord).findOneOrFail({ where: { id: caseId } });
      if (c.status === status) return;
      await em.getRepository(CaseRecord).update({ id: caseId }, { status });
      await em.getRepository(CaseStatusChange).insert({ caseId, fromStatus: c.status, toStatus: status, changedBy });
      await this.events.record(em, { type: 'case.updated', customerId: c.customerId, subject: `case:${c.caseNumber}`, data: { caseNumber: c.caseNumber, status } });
    });
  }

  async addMessage(caseId: number, author: CaseMessageAuthor, text: string, staffId: number | null = null): Promise<CaseMessage> {
    const repo = this.ds.getRepository(CaseMessage);
    return repo.save(repo.create({ caseId, author, text, staffId }));
  }

  /** The customer wrote into a case: the text joins its thread, and a case waiting for the customer is worked on again. */
  async addCustomerAnswer(c: CaseRecord, text: string): Promise<void> {
    await this.addMessage(c.id, 'customer', text);
    if (c.status === 'waiting_for_customer') await this.setStatus(c.id, 'in_progress', 'customer');
  }

  async messages(caseId: number): Promise<CaseMessage[]> {
    return this.ds.getRepository(CaseMessage).find({ where: { caseId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The open case of a chat waiting for the customer's answer, if any (its answer goes into that case). */
  async waitingForCustomer(chatId: number): Promise<CaseRecord | null> {
    // Every turn asks; almost always there is none: one cheap prepared query first.
    if (!(await sqlOf(this.ds).one('SELECT "id" FROM case_record WHERE "chatId" = $1 AND "status" = $2 LIMIT 1', [chatId, 'waiting_for_customer']))) return null;
    return this.ds.getRepository(CaseRecord).findOne({ where: { chatId, status: 'waiting_for_customer' }, order: { updatedAt: 'DESC' } });
  }
}
