import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A self-hosted Direct Line conversation (web chat) and the user it was opened for. */
@Entity('directline_conversation')
export class DirectLineConversation {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  userId: string;

  @CreateDateColumn()
  createdAt: Date;

  @Column({ type: Date, nullable: true })
  lastActivityAt: Date | null;
}
