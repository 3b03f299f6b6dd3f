import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ServicePoint } from './ServicePoint';
import type { Invoice } from './Invoice';
import type { Payment } from './Payment';

/** A customer of the utility: one contract, identified by the customer number printed on invoices. */
@Entity('customer')
export class Customer {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20, unique: true })
  customerNumber: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  phone: string | null;

  /** The customer's individual IBAN for payments (PL + 26 digits). */
  @Column({ type: 'varchar', length: 34 })
  bankAccount: string;

  @Column({ type: 'boolean', default: false })
  eInvoice: boolean;

  @OneToMany('ServicePoint', 'customer')
  servicePoints: ServicePoint[];

  @OneToMany('Invoice', 'customer')
  invoices: Invoice[];

  @OneToMany('Payment', 'customer')
  payments: Payment[];

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
