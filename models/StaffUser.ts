import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type StaffRole = 'agent' | 'supervisor' | 'admin';

/** A member of the customer-service staff using the desk. */
@Entity('staff_user')
export class StaffUser {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200, unique: true })
  email: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 12 })
  role: StaffRole;

  /** scrypt hash: `scrypt$N$r$p$salt$hash` (base64). */
  @Column({ type: 'varchar', length: 300 })
  passwordHash: string;

  @Column({ type: 'integer', default: 0 })
  failedLogins: number;

  @Column({ type: Date, nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn()
  createdAt: Date;
}
