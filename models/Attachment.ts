import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A file a customer sent in chat (meter photo, complaint evidence). Stored in the database so every instance sees it. */
@Entity('attachment')
export class Attachment {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ type: 'integer', nullable: true })
  caseId: number | null;

  @Index()
  @Column({ type: 'integer', nullable: true })
  chatId: number | null;

  /** Random key in the file's URL, so that files cannot be fetched by guessing ids. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 48 })
  accessKey: string;

  @Column({ type: 'varchar', length: 200 })
  fileName: string;

  @Column({ type: 'varchar', length: 100 })
  contentType: string;

  @Column({ type: 'integer' })
  size: number;

  /** File content, base64 (portable across SQLite and PostgreSQL). */
  @Column({ type: 'text' })
  dataBase64: string;

  @CreateDateColumn()
  createdAt: Date;
}
