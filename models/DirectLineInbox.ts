import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A customer's Direct Line activity accepted (answered 200) whose turn has not finished yet: the
 * durable inbox. Written before the POST is answered, deleted when the bot's turn has run; what
 * a crash leaves here is processed again on start (at least once, idempotent by activity id).
 */
@Entity('directline_inbox')
@Index(['claimedAt'])
export class DirectLineInbox {
  /** The stored activity's id (`<conversation>|<seq>`). */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  activityId: string;

  @Column({ type: 'varchar', length: 100 })
  conversationId: string;

  /** Watermark of the customer's activity (replies come after it). */
  @Column({ type: 'integer' })
  seq: number;

  /** The activity as the bot receives it (JSON; uploads as `data:` URLs). */
  @Column({ type: 'text' })
  activity: string;

  /** The instance processing it. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  claimedBy: string | null;

  @Column({ type: Date, nullable: true })
  claimedAt: Date | null;

  @CreateDateColumn()
  createdAt: Date;
}
