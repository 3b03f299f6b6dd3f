import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A chat subscribed to outage alerts: either for a customer's service point,
 * or for a bare street + building (residents who are not customers themselves).
 */
@Entity('alert_subscription')
@Index(['chatId', 'servicePointId', 'streetKey', 'building'], { unique: true })
export class AlertSubscription {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ type: 'integer' })
  chatId: number;

  /** The customer's service point, or '' for a bare street subscription. */
  @Column({ type: 'varchar', length: 40, default: '' })
  servicePointId: string;

  /** Street as typed/normalized for display. */
  @Column({ type: 'varchar', length: 120 })
  street: string;

  @Index()
  @Column({ type: 'varchar', length: 120 })
  streetKey: string;

  @Column({ type: 'varchar', length: 20, default: '' })
  building: string;

  @Column({ type: 'varchar', length: 80, default: 'Katowice' })
  city: string;

  @CreateDateColumn()
  createdAt: Date;
}
