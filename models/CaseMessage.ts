import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { CaseRecord } from './CaseRecord';

export type CaseMessageAuthor = 'customer' | 'staff' | 'system' | 'note';

/** One entry in a case's thread: the customer's words, a staff reply, an internal note. */
@Entity('case_message')
export class CaseMessage {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne('CaseRecord', 'messages', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'caseId' })
  caseRecord: CaseRecord;

  @Index()
  @Column({ type: 'integer' })
  caseId: number;

  @Column({ type: 'varchar', length: 10 })
  author: CaseMessageAuthor;

  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  @Column({ type: 'text' })
  text: string;

  @CreateDateColumn()
  createdAt: Date;
}
