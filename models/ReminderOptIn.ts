import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ReminderKind = 'reading' | 'invoice_due' | 'submeter_expiry' | 'invoice_issued';
export const REMINDER_KINDS: readonly ReminderKind[] = ['reading', 'invoice_due', 'submeter_expiry', 'invoice_issued'];

/** A chat's consent to one kind of reminder (contracts §9): it belongs to that chat only. */
@Entity('reminder_opt_in')
@Index(['chatId', 'kind'], { unique: true })
export class ReminderOptIn {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  chatId: number;

  @Column({ type: 'varchar', length: 20 })
  kind: ReminderKind;

  @CreateDateColumn()
  createdAt: Date;
}
