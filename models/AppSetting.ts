import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A setting the deployment shares through its database, e.g. the generated Direct Line secret
 * when `DIRECTLINE_SECRET` is unset (contracts §11): a restart keeps open web chats working.
 */
@Entity('app_setting')
export class AppSetting {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
