import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Customer } from './Customer';
import type { CaseMessage } from './CaseMessage';

export type CaseKind = 'complaint' | 'message' | 'outage_report' | 'handoff';
export type CaseStatus = 'new' | 'in_progress' | 'waiting_for_customer' | 'resolved' | 'rejected';
export const CASE_STATUSES: readonly CaseStatus[] = ['new', 'in_progress', 'waiting_for_customer', 'resolved', 'rejected'];
export type CaseCategory = 'invoice' | 'meter' | 'water_quality' | 'pressure' | 'staff' | 'other' | 'opinion' | 'question' | 'comment' | 'leak' | 'handoff';

/** A complaint, message, outage report or handoff request filed in chat. */
@Entity('case_record')
export class CaseRecord {
  @PrimaryGeneratedColumn()
  id: number;

  /** Public signature the customer quotes, e.g. `KW/2026/000123`. */
  @Column({ type: 'varchar', length: 30, unique: true })
  caseNumber: string;

  @Column({ type: 'varchar', length: 20 })
  kind: CaseKind;

  @Column({ type: 'varchar', length: 20 })
  category: CaseCategory;

  @Column({ type: 'text' })
  text: string;

  @ManyToOne('Customer', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'customerId' })
  customer: Customer | null;

  @Index()
  @Column({ type: 'integer', nullable: true })
  customerId: number | null;

  /** Channel the case was filed on: `webchat`, `telegram`, `msteams`, … */
  @Column({ type: 'varchar', length: 20 })
  channel: string;

  /** The chat (ChatConversation id) that filed the case; replies go back there. */
  @Index()
  @Column({ type: 'integer', nullable: true })
  chatId: number | null;

  @Index()
  @Column({ type: 'varchar', length: 30, default: 'new' })
  status: CaseStatus;

  @Column({ type: 'boolean', default: false })
  urgent: boolean;

  /** How the customer wants to be answered: `chat`, `email`, `phone`. */
  @Column({ type: 'varchar', length: 10, default: 'chat' })
  contactPreference: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  contact: string | null;

  /** Where an outage report happened (free text as the customer gave it). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  location: string | null;

  @Column({ type: 'integer', nullable: true })
  assigneeId: number | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;

  @Index()
  @Column({ type: Date })
  dueAt: Date;

  @OneToMany('CaseMessage', 'caseRecord')
  messages: CaseMessage[];
}
