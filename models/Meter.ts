import { Column, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { ServicePoint } from './ServicePoint';
import type { Reading } from './Reading';

export type MeterKind = 'main' | 'submeter';

/** A water meter: the utility's main meter or the customer's sub-meter (podlicznik). */
@Entity('meter')
export class Meter {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 40, unique: true })
  serial: string;

  @Column({ type: 'varchar', length: 10 })
  kind: MeterKind;

  /** Last day of legal validity, `YYYY-MM-DD`. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  legalizedUntil: string | null;

  @ManyToOne('ServicePoint', 'meters', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'servicePointId' })
  servicePoint: ServicePoint;

  @Column({ type: 'varchar', length: 40 })
  servicePointId: string;

  @OneToMany('Reading', 'meter')
  readings: Reading[];
}
