import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One activity of a self-hosted Direct Line conversation, in order. The position in a
 * conversation (`seq`) is the watermark clients resume from after a reload.
 */
@Entity('directline_activity')
@Index(['conversationId', 'seq'], { unique: true })
export class DirectLineActivity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  conversationId: string;

  @Column({ type: 'integer' })
  seq: number;

  /** The full Bot Framework activity as JSON. */
  @Column({ type: 'text' })
  activity: string;

  @CreateDateColumn()
  createdAt: Date;
}
