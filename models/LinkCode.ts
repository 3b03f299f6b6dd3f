import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A one-time code that connects a chat to a customer. Only its hash is stored. */
@Entity('link_code')
export class LinkCode {
  @PrimaryGeneratedColumn()
  id: number;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  codeHash: string;

  @Index()
  @Column({ type: 'integer' })
  customerId: number;

  /** `ibok` or `email`. */
  @Column({ type: 'varchar', length: 10 })
  purpose: string;

  @Column({ type: Date })
  expiresAt: Date;

  @Column({ type: Date, nullable: true })
  usedAt: Date | null;

  @CreateDateColumn()
  createdAt: Date;
}
