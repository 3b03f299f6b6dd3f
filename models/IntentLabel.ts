import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A staff member's label on a message Kropla did not understand (masked text → the right intent).
 * `npm run nlu:labels` writes them to `locales/<lang>/nlu/labelled.json` for the corpus build.
 */
@Entity('intent_label')
@Index(['locale', 'text'], { unique: true })
export class IntentLabel {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 300 })
  text: string;

  @Column({ type: 'varchar', length: 40 })
  intent: string;

  @Column({ type: 'varchar', length: 5, default: 'pl' })
  locale: string;

  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  @CreateDateColumn()
  createdAt: Date;
}
