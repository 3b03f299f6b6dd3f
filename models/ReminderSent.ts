import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ReminderKind } from './ReminderOptIn';

/**
 * A reminder queued for a chat: at most one per chat, kind and subject (the unique index).
 * `subject` names what it is about (an invoice number, a meter and reading day, a meter and a stage).
 */
@Entity('reminder_sent')
@Index(['chatId', 'kind', 'subject'], { unique: true })
export class ReminderSent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  chatId: number;

  @Column({ type: 'varchar', length: 20 })
  kind: ReminderKind;

  @Column({ type: 'varchar', length: 120 })
  subject: string;

  /** The meter a reading reminder asks about (the next number in the chat is its reading). */
  @Column({ type: 'varchar', length: 40, nullable: true })
  meterSerial: string | null;

  @Column({ type: Date })
  sentAt: Date;

  /** When the customer answered it (a reading reminder's reading). */
  @Column({ type: Date, nullable: true })
  answeredAt: Date | null;
}
