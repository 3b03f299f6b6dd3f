import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { OutageStreet } from './OutageStreet';

export type OutageKind = 'failure' | 'planned';

/** A water outage notice (failure or planned works) with the streets it affects. */
@Entity('outage_notice')
export class OutageNotice {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 10 })
  kind: OutageKind;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: Date })
  startsAt: Date;

  @Column({ type: Date, nullable: true })
  expectedEndAt: Date | null;

  /** Where the water tanker (beczkowóz) stands, if any. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  tankerLocation: string | null;

  /** Set when water is back. */
  @Column({ type: Date, nullable: true })
  endedAt: Date | null;

  /** Set when the pre-start reminder of a planned outage was queued. */
  @Column({ type: Date, nullable: true })
  remindedAt: Date | null;

  @OneToMany('OutageStreet', 'notice', { cascade: true })
  streets: OutageStreet[];

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
