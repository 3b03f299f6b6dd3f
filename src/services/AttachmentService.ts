/** Files customers send in chat and files the bot sends (charts, PDFs), reachable only by a random key. */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Attachment } from '../../models';

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
    return repo.save(repo.create({ ...a, fileName: a.fileName.slice(0, 200), contentType: a.contentType.slice(0, 100), size, accessKey: randomBytes(24).toString('base64url') }));
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
