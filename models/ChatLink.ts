import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Customer } from './Customer';

/** A channel user connected to a customer account (after a one-time code). */
@Entity('chat_link')
@Index(['channel', 'channelUserId'], { unique: true })
export class ChatLink {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  channel: string;

  @Column({ type: 'varchar', length: 200 })
  channelUserId: string;

  @ManyToOne('Customer', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customerId' })
  customer: Customer;

  @Index()
  @Column({ type: 'integer' })
  customerId: number;

  /** `ibok` (code from the portal) or `email` (code sent by e-mail). */
  @Column({ type: 'varchar', length: 10 })
  via: string;

  /** When the iBOK terms were accepted for this chat. */
  @Column({ type: Date, nullable: true })
  termsAcceptedAt: Date | null;

  @CreateDateColumn()
  createdAt: Date;
}
