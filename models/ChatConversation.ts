import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A chat with Kropla on one channel: where proactive messages (alerts, staff replies) are delivered.
 * `reference` is the botbuilder ConversationReference as JSON.
 */
@Entity('chat_conversation')
@Index(['channel', 'conversationId'], { unique: true })
export class ChatConversation {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  channel: string;

  @Column({ type: 'varchar', length: 200 })
  conversationId: string;

  @Column({ type: 'varchar', length: 200 })
  userId: string;

  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'varchar', length: 5, default: 'pl' })
  locale: string;

  /** Set when the channel said the user blocked the bot: no more deliveries. */
  @Column({ type: Date, nullable: true })
  blockedAt: Date | null;

  /** While a staff member chats live here, the bot stays silent. */
  @Column({ type: 'integer', nullable: true })
  handoffStaffId: number | null;

  @Column({ type: 'varchar', length: 20, default: 'bot' })
  handoffState: 'bot' | 'queued' | 'live';

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
