import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Customer } from './Customer';

/** A payment received from a customer. */
@Entity('payment')
@Index(['customerId', 'importKey'], { unique: true })
export class Payment {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne('Customer', 'payments', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customerId' })
  customer: Customer;

  @Column({ type: 'integer' })
  customerId: number;

  @Column({ type: 'varchar', length: 10 })
  date: string;

  @Column({ type: 'integer' })
  amountGrosze: number;

  @Column({ type: 'varchar', length: 40, nullable: true })
  invoiceNumber: string | null;

  /** Natural key that makes re-imports idempotent: date|amount|invoice|occurrence. */
  @Column({ type: 'varchar', length: 80 })
  importKey: string;
}
