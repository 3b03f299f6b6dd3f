import { Column, Entity, Index, ManyToOne, OneToMany, PrimaryColumn, JoinColumn } from 'typeorm';
import type { Customer } from './Customer';
import type { Meter } from './Meter';

/** A place of water supply (an address with its meters) under a customer's contract. */
@Entity('service_point')
export class ServicePoint {
  /** The utility's identifier, e.g. `SP-100234-1`. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @ManyToOne('Customer', 'servicePoints', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customerId' })
  customer: Customer;

  @Column({ type: 'integer' })
  customerId: number;

  @Column({ type: 'varchar', length: 120 })
  street: string;

  /** Street key for matching: lower case, no diacritics, no `ul./al./pl.` prefix. */
  @Index()
  @Column({ type: 'varchar', length: 120 })
  streetKey: string;

  @Column({ type: 'varchar', length: 20 })
  building: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  apartment: string | null;

  @Column({ type: 'varchar', length: 10 })
  postalCode: string;

  @Column({ type: 'varchar', length: 80 })
  city: string;

  @OneToMany('Meter', 'servicePoint')
  meters: Meter[];
}
