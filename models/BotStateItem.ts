import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One botbuilder storage item (conversation/user state) with its eTag. */
@Entity('bot_state')
export class BotStateItem {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key: string;

  @Column({ type: 'text' })
  value: string;

  @Column({ type: 'varchar', length: 40 })
  eTag: string;

  @UpdateDateColumn()
  updatedAt: Date;
}
