import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One message of a chat, kept for the case view and erased on request or after retention. */
@Entity('transcript_entry')
@Index(['chatId', 'createdAt'])
export class TranscriptEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  chatId: number;

  /** `customer`, `bot` or `staff`. */
  @Column({ type: 'varchar', length: 10 })
  author: string;

  @Column({ type: 'text' })
  text: string;

  @CreateDateColumn()
  createdAt: Date;
}
