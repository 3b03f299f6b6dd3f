import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Customer } from './Customer';

/** An invoice issued to a customer. Amounts in grosze, consumption in litres. */
@Entity('invoice')
export class Invoice {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 40, unique: true })
  number: string;

  @ManyToOne('Customer', 'invoices', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customerId' })
  customer: Customer;

  @Index()
  @Column({ type: 'integer' })
  customerId: number;

  @Column({ type: 'varchar', length: 10 })
  issueDate: string;

  @Column({ type: 'varchar', length: 10 })
  dueDate: string;

  @Column({ type: 'varchar', length: 10 })
  periodFrom: string;

  @Column({ type: 'varchar', length: 10 })
  periodTo: string;

  @Column({ type: 'integer' })
  grossAmountGrosze: number;

  @Column({ type: 'integer' })
  consumptionLitres: number;
}
