import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Meter } from './Meter';

export type ReadingSource = 'collector' | 'customer' | 'estimate';

/** One meter reading. Values are kept in litres (m³ × 1000) so that sums are exact. */
@Entity('reading')
@Index(['meterId', 'date'], { unique: true })
export class Reading {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne('Meter', 'readings', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'meterId' })
  meter: Meter;

  @Column({ type: 'integer' })
  meterId: number;

  /** `YYYY-MM-DD`. */
  @Column({ type: 'varchar', length: 10 })
  date: string;

  /** Meter value in litres (dm³). */
  @Column({ type: 'integer' })
  valueLitres: number;

  @Column({ type: 'varchar', length: 12 })
  source: ReadingSource;

  @CreateDateColumn()
  createdAt: Date;
}
