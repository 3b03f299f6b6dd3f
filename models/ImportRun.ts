import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One billing import: when billing exported the data (`asOf`, else the import time). Chat answers say "Stan na …" from the newest. */
@Entity('import_run')
export class ImportRun {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: Date })
  asOf: Date;

  @Column({ type: 'integer', default: 0 })
  customers: number;

  @CreateDateColumn()
  importedAt: Date;
}
