/**
 * Failed attempts counted in the database (table `link_attempt`), so that every instance sees the same
 * count: wrong link codes per chat, per customer and per client address; failed staff logins per address.
 * A subject is a string such as `chat:webchat:u1`, `customer:7`, `addr:203.0.113.5`, `staff-addr:2001:db8::/64`.
 */
import type { DataSource } from 'typeorm';
import { LinkAttempt } from '../../models';

export class AttemptLog {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(subject: string): Promise<void> {
    await this.ds.getRepository(LinkAttempt).insert({ subject });
  }

  /** Forgets a subject's attempts (a counter that has done its work). */
  async clear(subject: string): Promise<void> {
    await this.ds.getRepository(LinkAttempt).delete({ subject });
  }

  /** The attempts of a subject within the last `windowMs`, oldest first. */
  async since(subject: string, windowMs: number): Promise<Date[]> {
    const since = new Date(this.now().getTime() - windowMs);
    const rows = await this.ds
      .getRepository(LinkAttempt)
      .createQueryBuilder('a')
      .where('a.subject = :subject AND a.createdAt > :since', { subject, since })
      .orderBy('a.createdAt', 'ASC')
      .getMany();
    return rows.map((r) => r.createdAt);
  }

  /** When a subject with `max` attempts in `windowMs` may try again; null when it may try now. */
  async lockedUntil(subject: string, max: number, windowMs: number): Promise<Date | null> {
    const f = await this.since(subject, windowMs);
    if (f.length < max) return null;
    return new Date(f[f.length - max].getTime() + windowMs);
  }
}
