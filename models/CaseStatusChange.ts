import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Status history of a case (who moved it from what to what, and when). */
@Entity('case_status_change')
export class CaseStatusChange {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ type: 'integer' })
  caseId: number;

  @Column({ type: 'varchar', length: 30, nullable: true })
  fromStatus: string | null;

  @Column({ type: 'varchar', length: 30 })
  toStatus: string;

  /** `customer`, `system` or `staff:<id>`. */
  @Column({ type: 'varchar', length: 40 })
  changedBy: string;

  @CreateDateColumn()
  createdAt: Date;
}
