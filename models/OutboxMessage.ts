import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'skipped';

/**
 * A proactive message waiting to be delivered to a chat (outage alert, staff reply).
 * `idempotencyKey` is unique, so the same alert is never queued twice for one recipient.
 */
@Entity('outbox_message')
@Index(['status', 'channel', 'nextAttemptAt'])
export class OutboxMessage {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200, unique: true })
  idempotencyKey: string;

  @Column({ type: 'varchar', length: 20 })
  channel: string;

  @Index()
  @Column({ type: 'integer' })
  chatId: number;

  /** The botbuilder Activity (partial) to send, as JSON. */
  @Column({ type: 'text' })
  activity: string;

  @Column({ type: 'varchar', length: 10, default: 'queued' })
  status: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: Date })
  nextAttemptAt: Date;

  @Column({ type: 'varchar', length: 80, nullable: true })
  lockedBy: string | null;

  @Column({ type: Date, nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  lastError: string | null;

  @Index()
  @Column({ type: 'integer', nullable: true })
  noticeId: number | null;

  @Index()
  @Column({ type: 'integer', nullable: true })
  caseId: number | null;

  /**
   * Messages with the same key are delivered one after another in id order (webhooks: per customer).
   * Null: no order to keep.
   */
  @Index()
  @Column({ type: 'varchar', length: 80, nullable: true })
  orderKey: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @Column({ type: Date, nullable: true })
  sentAt: Date | null;
}
