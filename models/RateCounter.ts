import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A shared rate limit's counter (contracts §11: rate limits are shared by the instances): hits of
 * one key in its current fixed window and in the window before, for a sliding-window estimate.
 */
@Entity('rate_counter')
export class RateCounter {
  /** `<limit>:<subject>`, e.g. `dl-msg:<conversation>` or `dl-token:<address pseudonym>`. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  key: string;

  /** The current window's number (time ÷ window length). */
  @Index()
  @Column({ type: 'bigint' })
  windowNo: string;

  @Column({ type: 'integer' })
  hits: number;

  /** Hits in window `windowNo - 1`. */
  @Column({ type: 'integer' })
  previous: number;
}
