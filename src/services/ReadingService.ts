/** Meter readings: history, and submission by the customer with plausibility checks. */
import type { DataSource } from 'typeorm';
import { Meter, Reading, ServicePoint } from '../../models';
import { addDays, daysBetween } from '../domain/format';
import { EventService } from './EventService';

export type SubmitOutcome =
  | { status: 'saved'; reading: Reading; previous: Reading | null; dailyLitres: number | null }
  | { status: 'lower_than_previous'; previous: Reading }
  | { status: 'suspicious'; previous: Reading; dailyLitres: number; averageDailyLitres: number }
  | { status: 'not_found' }
  | { status: 'invalid_date' };

/** Parses what a customer types as a meter value: `1312,5`, `1 312,500 m3`, `1312.5 m³` → litres. Null when it is not one. */
export function parseMeterValue(text: string): number | null {
  const t = text.trim().toLowerCase().replace(/\s*(m3|m³|m\^3|metr(ów|y|a)? sześc\w*|kubik\w*)\s*\.?$/u, '').trim();
  if (!/^\d{1,3}(?:[ \u00a0]\d{3})*(?:[.,]\d{1,3})?$|^\d+(?:[.,]\d{1,3})?$/.test(t)) return null;
  const n = Number(t.replace(/[ \u00a0]/g, '').replace(',', '.'));
  if (!Number.isFinite(n)) return null;
  return Math.round(n * 1000);
}

/** Largest value a water meter can show (99 999,999 m³). */
export const MAX_METER_LITRES = 99_999_999;

export class ReadingService {
  constructor(
    private readonly ds: DataSource,
    /** Implied daily use above this multiple of the average is flagged as a possible leak. */
    private readonly suspiciousFactor = 3,
    private readonly events = new EventService(ds),
  ) {}

  /** The customer's meters with their address, main meters first. */
  async metersOf(customerId: number): Promise<(Meter & { servicePoint: ServicePoint })[]> {
    return (await this.ds
      .getRepository(Meter)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.servicePoint', 'sp')
      .where('sp.customerId = :customerId', { customerId })
      .orderBy('m.kind', 'ASC')
      .addOrderBy('m.serial', 'ASC')
      .getMany()) as (Meter & { servicePoint: ServicePoint })[];
  }

  /** A meter — only if it belongs to this customer. */
  async meterOf(customerId: number, meterId: number): Promise<Meter | null> {
    return (await this.metersOf(customerId)).find((m) => m.id === meterId) ?? null;
  }

  async lastReading(meterId: number, beforeOrOn?: string): Promise<Reading | null> {
    const qb = this.ds.getRepository(Reading).createQueryBuilder('r').where('r.meterId = :meterId', { meterId });
    if (beforeOrOn) qb.andWhere('r.date <= :d', { d: beforeOrOn });
    return qb.orderBy('r.date', 'DESC').limit(1).getOne();
  }

  /** Readings of a meter in [from, to], oldest first. */
  async history(meterId: number, from: string, to: string): Promise<Reading[]> {
    return this.ds
      .getRepository(Reading)
      .createQueryBuilder('r')
      .where('r.meterId = :meterId AND r.date >= :from AND r.date <= :to', { meterId, from, to })
      .orderBy('r.date', 'ASC')
      .getMany();
  }

  /** Average daily use over the last year of real (non-estimated) readings, litres/day. */
  async averageDailyLitres(meterId: number, until: string): Promise<number | null> {
    const rows = await this.ds
      .getRepository(Reading)
      .createQueryBuilder('r')
      .where("r.meterId = :meterId AND r.date <= :until AND r.source <> 'estimate'", { meterId, until })
      .orderBy('r.date', 'DESC')
      .limit(13)
      .getMany();
    if (rows.length < 2) return null;
    const newest = rows[0];
    const oldest = rows[rows.length - 1];
    const days = daysBetween(oldest.date, newest.date);
    if (days <= 0) return null;
    return (newest.valueLitres - oldest.valueLitres) / days;
  }

  /**
   * Checks and saves a customer's reading. Refuses a value lower than the previous reading;
   * returns `suspicious` (without saving) when the implied daily use is over 3× the average,
   * unless `confirmed` — the customer saw the warning and insists.
   */
  async submit(customerId: number, meterId: number, litres: number, date: string, confirmed = false): Promise<SubmitOutcome> {
    const meter = await this.meterOf(customerId, meterId);
    if (!meter) return { status: 'not_found' };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { status: 'invalid_date' };
    // Today's own reading is replaced, not compared with: a correction ("ma być 910,496, nie 910,696") may be lower.
    const previous = await this.lastReading(meterId, addDays(date, -1));
    if (previous && litres < previous.valueLitres) return { status: 'lower_than_previous', previous };
    let dailyLitres: number | null = null;
    let suspicious = false;
    if (previous) {
      const days = Math.max(1, daysBetween(previous.date, date));
      dailyLitres = (litres - previous.valueLitres) / days;
      const avg = await this.averageDailyLitres(meterId, previous.date);
      suspicious = avg !== null && avg > 0 && dailyLitres > this.suspiciousFactor * avg;
      if (!confirmed && avg !== null && suspicious) {
        return { status: 'suspicious', previous, dailyLitres, averageDailyLitres: avg };
      }
    }
    // The reading and its reading.submitted event commit together (contracts §8).
    const reading = await this.events.transaction(async (em) => {
      const repo = em.getRepository(Reading);
      const existing = await repo.findOne({ where: { meterId, date } });
      const saved = existing
        ? await repo.save(repo.merge(existing, { valueLitres: litres, source: 'customer' }))
        : await repo.save(repo.create({ meterId, date, valueLitres: litres, source: 'customer' }));
      await this.events.record(em, { type: 'reading.submitted', customerId, data: { meterSerial: meter.serial, date, value: litres / 1000, suspicious } });
      return saved;
    });
    return { status: 'saved', reading, previous: previous && previous.date !== date ? previous : null, dailyLitres };
  }
}
