/** Files customers send in chat and files the bot sends (charts, PDFs), reachable only by a random key. */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Attachment } from '../../models';
import { stripBidi } from '../domain/fileName';

/** How long a file no case holds is kept and served (a chat's photos, the bot's invoice PDFs, QR codes, charts). */
export const LOOSE_FILE_TTL_MS = 24 * 3600_000;

export interface NewAttachment {
  chatId: number | null;
  caseId: number | null;
  fileName: string;
  contentType: string;
  dataBase64: string;
}

export class AttachmentService {
  constructor(private readonly ds: DataSource) {}

  async store(a: NewAttachment): Promise<Attachment> {
    const repo = this.ds.getRepository(Attachment);
    const size = Buffer.byteLength(a.dataBase64, 'base64');
    return repo.save(repo.create({ ...a, fileName: stripBidi(a.fileName).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || 'plik', contentType: a.contentType.slice(0, 100), size, accessKey: randomBytes(24).toString('base64url') }));
  }

  /**
   * Retention: deletes files no case holds (uploads of chats that filed nothing, the bot's documents)
   * older than `maxAgeMs`. Returns how many went.
   */
  async sweep(maxAgeMs: number = LOOSE_FILE_TTL_MS, now: Date = new Date()): Promise<number> {
    const r = await this.ds.getRepository(Attachment).createQueryBuilder().delete().where('"caseId" IS NULL AND "createdAt" < :t', { t: new Date(now.getTime() - maxAgeMs) }).execute();
    return r.affected ?? 0;
  }

  async byId(id: number): Promise<Attachment | null> {
    return this.ds.getRepository(Attachment).findOne({ where: { id } });
  }

  async byAccessKey(key: string): Promise<Attachment | null> {
    return this.ds.getRepository(Attachment).findOne({ where: { accessKey: key } });
  }

  async ofCase(caseId: number): Promise<Attachment[]> {
    return this.ds.getRepository(Attachment).find({ where: { caseId }, order: { id: 'ASC' } });
  }

  /** Ids of files this chat sent that no case holds yet (to attach to a new complaint). */
  async looseOfChat(chatId: number): Promise<number[]> {
    const rows = await this.ds.getRepository(Attachment).createQueryBuilder('a').select('a.id').where('a.chatId = :chatId AND a.caseId IS NULL', { chatId }).getMany();
    return rows.map((r) => r.id);
  }
}
