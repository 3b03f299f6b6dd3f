import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A failed code attempt, counted per chat and per customer to stop guessing. */
@Entity('link_attempt')
@Index(['subject', 'createdAt'])
export class LinkAttempt {
  @PrimaryGeneratedColumn()
  id: number;

  /** `chat:<channel>:<userId>` or `customer:<id>`. */
  @Column({ type: 'varchar', length: 240 })
  subject: string;

  @CreateDateColumn()
  createdAt: Date;
}
