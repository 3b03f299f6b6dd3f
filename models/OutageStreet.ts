import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { OutageNotice } from './OutageNotice';

/** One street (optionally a building range) affected by an outage notice. */
@Entity('outage_street')
export class OutageStreet {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne('OutageNotice', 'streets', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'noticeId' })
  notice: OutageNotice;

  @Index()
  @Column({ type: 'integer' })
  noticeId: number;

  @Column({ type: 'varchar', length: 120 })
  street: string;

  @Index()
  @Column({ type: 'varchar', length: 120 })
  streetKey: string;

  @Column({ type: 'varchar', length: 80, default: 'Katowice' })
  city: string;

  /** First building of the range (e.g. `12a`); null = from the start of the street. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  fromBuilding: string | null;

  /** Last building of the range; null = to the end of the street. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  toBuilding: string | null;

  /** `all`, `odd` or `even` house numbers. */
  @Column({ type: 'varchar', length: 4, default: 'all' })
  parity: 'all' | 'odd' | 'even';
}
