import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What an analytics event records (issue 18): a finished task, a message nobody could place, a CSAT answer. */
export type AnalyticsKind = 'task' | 'fallback' | 'csat';

/**
 * One thing that happened in chat, recorded at the moment it happened, for the service analytics
 * (contracts §10). No personal data: the chat is an id, and a fallback's text has its digits and
 * e-mail addresses masked.
 */
@Entity('analytics_event')
@Index(['kind', 'occurredAt'])
export class AnalyticsEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  kind: AnalyticsKind;

  /** The task's intent (kind `task`). */
  @Column({ type: 'varchar', length: 40, nullable: true })
  intent: string | null;

  @Index()
  @Column({ type: 'integer', nullable: true })
  chatId: number | null;

  /** A fallback's message, masked (see `maskText`). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  text: string | null;

  @Column({ type: 'varchar', length: 5, nullable: true })
  locale: string | null;

  @Column({ type: Date })
  occurredAt: Date;
}
