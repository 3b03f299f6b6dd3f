/**
 * Service analytics (issue 18, contracts §10): what happens in chat is recorded as events at the
 * moment it happens (a task finished, a message nobody could place), and the staff labels of such
 * messages. The report itself is computed in src/staff/analytics.ts.
 */
import type { DataSource } from 'typeorm';
import { AnalyticsEvent, IntentLabel } from '../../models';
import { isUniqueViolation } from '../db/sql';

/** At most this many characters of a masked message are kept. */
const MAX_TEXT = 200;

/**
 * A customer's message as analytics keeps it: every digit as `#` (customer, meter, phone and case
 * numbers, amounts), e-mail addresses as `<e-mail>`, whitespace collapsed, cut to 200 characters.
 */
export function maskText(text: string): string {
  return text
    .replace(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu, '<e-mail>')
    .replace(/\p{Nd}/gu, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_TEXT);
}

export class AnalyticsService {
  constructor(private readonly ds: DataSource, private readonly now: () => Date = () => new Date()) {}

  /** Tasks finished in one turn of a chat. */
  async tasksCompleted(chatId: number, intents: string[]): Promise<void> {
    if (!intents.length) return;
    const at = this.now();
    await this.ds.getRepository(AnalyticsEvent).insert(intents.map((intent) => ({ kind: 'task' as const, intent, chatId, text: null, locale: null, occurredAt: at })));
  }

  /** A message the bot could not place (the fallback answer). Only the masked text is kept. */
  async fallback(chatId: number, text: string, locale: string): Promise<void> {
    const masked = maskText(text);
    await this.ds.getRepository(AnalyticsEvent).insert({ kind: 'fallback', intent: null, chatId, text: masked || null, locale, occurredAt: this.now() });
  }

  /**
   * Stores a staff label of a listed message (the masked text) with the right intent; labelling the
   * same text again replaces its intent. The language is the one the message was written in.
   */
  async label(text: string, intent: string, staffId: number | null): Promise<IntentLabel> {
    const seen = await this.ds.getRepository(AnalyticsEvent).findOne({ where: { kind: 'fallback', text }, order: { id: 'DESC' }, select: { id: true, locale: true } });
    const locale = seen?.locale ?? 'pl';
    const repo = this.ds.getRepository(IntentLabel);
    const existing = await repo.findOne({ where: { locale, text } });
    if (existing) {
      await repo.update({ id: existing.id }, { intent, staffId });
      return { ...existing, intent, staffId };
    }
    try {
      return await repo.save(repo.create({ text, intent, locale, staffId }));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // labelled at the same moment by someone else: the later label wins
      await repo.update({ locale, text }, { intent, staffId });
      return (await repo.findOneOrFail({ where: { locale, text } }));
    }
  }

  /** Every label, by language and text (for `npm run nlu:labels`). */
  async labels(): Promise<IntentLabel[]> {
    return this.ds.getRepository(IntentLabel).find({ order: { locale: 'ASC', text: 'ASC' } });
  }
}
