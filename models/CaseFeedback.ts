import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The satisfaction question (CSAT, contracts §10) of one case: asked once (the unique case id),
 * answered 1–5 with an optional comment.
 */
@Entity('case_feedback')
export class CaseFeedback {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', unique: true })
  caseId: number;

  @Index()
  @Column({ type: 'integer' })
  chatId: number;

  @Column({ type: Date })
  askedAt: Date;

  @Column({ type: 'integer', nullable: true })
  rating: number | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: Date, nullable: true })
  answeredAt: Date | null;
}
