import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One event of the billing feed (contracts §8), written in the same transaction as the change it
 * reports. `seq` orders the feed and is what the opaque cursor carries; on PostgreSQL event inserts
 * are serialised by a transaction-scoped advisory lock, so `seq` values become visible in order.
 */
@Entity('feed_event')
export class FeedEvent {
  @PrimaryGeneratedColumn()
  seq: number;

  /** The public event id (a UUID): the same in the feed and in every webhook delivery. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  uid: string;

  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ type: Date })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 20, nullable: true })
  customerNumber: string | null;

  /** The event's `data` as JSON. */
  @Column({ type: 'text' })
  data: string;
}
