import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A signed-in staff session. The cookie carries the token; only its SHA-256 is stored. */
@Entity('staff_session')
export class StaffSession {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Index()
  @Column({ type: 'integer' })
  staffId: number;

  @Column({ type: 'varchar', length: 64 })
  csrfToken: string;

  @Column({ type: Date })
  expiresAt: Date;

  @CreateDateColumn()
  createdAt: Date;
}
