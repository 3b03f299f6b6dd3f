/**
 * Customer satisfaction (issue 18, contracts §10): after a case is resolved (or a live handoff ends,
 * which resolves its case) the chat that filed it is asked once to rate the help 1–5 with buttons,
 * then may add a comment. Stored with the case in `case_feedback`; the unique case id makes sure the
 * question is never asked twice for the same case, whatever instance resolves it.
 */
import { ActionTypes } from 'botbuilder';
import { IsNull, type DataSource } from 'typeorm';
import { CaseFeedback, type CaseRecord } from '../../models';
import { isUniqueViolation, sqlOf } from '../db/sql';
import { t, toLocale } from '../i18n/i18n';
import type { ChatService } from './ChatService';
import type { OutboxService } from './OutboxService';

/** The question waits this long for its rating; the comment this long after the rating. */
const RATING_WAIT_MS = 7 * 86_400_000;
const COMMENT_WAIT_MS = 30 * 60_000;
export const RATINGS = ['1', '2', '3', '4', '5'] as const;

export interface CsatDeps {
  ds: DataSource;
  services: { chats: ChatService; outbox: OutboxService };
  pokeWorkers(): void;
}

export class CsatService {
  constructor(private readonly deps: CsatDeps) {}

  /** Asks the case's chat for a rating, once per case; false when there is no chat or it was asked already. */
  async ask(c: CaseRecord, now = new Date()): Promise<boolean> {
    if (c.chatId === null) return false;
    const chat = await this.deps.services.chats.byId(c.chatId);
    if (!chat || chat.blockedAt) return false;
    try {
      await this.deps.ds.getRepository(CaseFeedback).insert({ caseId: c.id, chatId: chat.id, askedAt: now, rating: null, comment: null, answeredAt: null });
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
    const locale = toLocale(chat.locale);
    const text = t(locale, 'csat.question', { caseNumber: c.caseNumber });
    const actions = RATINGS.map((r) => ({ type: ActionTypes.ImBack, title: r, value: r }));
    await this.deps.services.outbox.enqueue([{ idempotencyKey: `csat:${c.caseNumber}`, channel: chat.channel, chatId: chat.id, caseId: c.id, activity: { type: 'message', text, suggestedActions: { to: [], actions } } }]);
    await this.deps.services.chats.record(chat.id, 'bot', text);
    this.deps.pokeWorkers();
    return true;
  }

  /** The question of this chat waiting for a rating (the newest), if any. */
  async waitingForRating(chatId: number, now = new Date()): Promise<number | null> {
    const r = await sqlOf(this.deps.ds).one<{ id: number | string }>(
      'SELECT "id" FROM case_feedback WHERE "chatId" = $1 AND "rating" IS NULL AND "askedAt" >= $2 ORDER BY "id" DESC LIMIT 1', [chatId, new Date(now.getTime() - RATING_WAIT_MS)]);
    return r ? Number(r.id) : null;
  }

  /** The rated question of this chat whose comment may still come, if any. */
  async waitingForComment(chatId: number, now = new Date()): Promise<number | null> {
    const r = await sqlOf(this.deps.ds).one<{ id: number | string }>(
      'SELECT "id" FROM case_feedback WHERE "chatId" = $1 AND "rating" IS NOT NULL AND "comment" IS NULL AND "answeredAt" >= $2 ORDER BY "id" DESC LIMIT 1', [chatId, new Date(now.getTime() - COMMENT_WAIT_MS)]);
    return r ? Number(r.id) : null;
  }

  async rate(id: number, rating: number, now = new Date()): Promise<void> {
    await this.deps.ds.getRepository(CaseFeedback).update({ id, rating: IsNull() }, { rating, answeredAt: now });
  }

  /** The comment after the rating ('' when skipped: nothing more is waited for). */
  async comment(id: number, text: string): Promise<void> {
    await this.deps.ds.getRepository(CaseFeedback).update({ id }, { comment: text.slice(0, 2000) });
  }

  /** The feedback stored with a case. */
  async ofCase(caseId: number): Promise<CaseFeedback | null> {
    return this.deps.ds.getRepository(CaseFeedback).findOne({ where: { caseId } });
  }
}
