/** Water consumption for any period, in monthly buckets, from meter readings. */
import type { DataSource } from 'typeorm';
import { Meter, Reading, ServicePoint } from '../../models';

export interface MonthBucket {
  /** `YYYY-MM`. */
  month: string;
  litres: number;
  /** True when part of the month was interpolated between readings. */
  estimated: boolean;
  /** True when no reading covers the month yet (the running month, or before the first reading): `litres` is 0 then, not a measurement. */
  noData?: boolean;
}

export interface ConsumptionReport {
  from: string;
  to: string;
  months: MonthBucket[];
  totalLitres: number;
  /** Same months a year earlier, when readings cover them. */
  previousYear: MonthBucket[] | null;
  previousYearTotalLitres: number | null;
  /**
   * Like with like: only the months that have data both in the period and a year earlier (`YYYY-MM`
   * of the period), with both totals over those months; null when no month has data in both.
   */
  comparison: { months: string[]; totalLitres: number; previousYearTotalLitres: number } | null;
}

const DAY = 86_400_000;
const t = (iso: string) => Date.parse(iso + 'T00:00:00Z');

/** Meter value at an instant by linear interpolation between readings; null outside their span. */
function valueAt(readings: { time: number; litres: number }[], time: number): number | null {
  if (readings.length === 0 || time < readings[0].time || time > readings[readings.length - 1].time) return null;
  for (let i = 1; i < readings.length; i++) {
    const a = readings[i - 1];
    const b = readings[i];
    if (time <= b.time) return b.time === a.time ? b.litres : a.litres + ((b.litres - a.litres) * (time - a.time)) / (b.time - a.time);
  }
  return readings[readings.length - 1].litres;
}

function monthsOf(from: string, to: string): { month: string; start: number; end: number }[] {
  const out: { month: string; start: number; end: number }[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endT = t(to) + DAY;
  for (;;) {
    const start = Date.UTC(y, m - 1, 1);
    if (start >= endT) break;
    const next = Date.UTC(y, m, 1);
    out.push({ month: `${y}-${String(m).padStart(2, '0')}`, start: Math.max(start, t(from)), end: Math.min(next, endT) });
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

function shiftYear(iso: string, years: number): string {
  const y = Number(iso.slice(0, 4)) + years;
  const md = iso.slice(5);
  return md === '02-29' ? `${y}-02-28` : `${y}-${md}`;
}

export class ConsumptionService {
  constructor(private readonly ds: DataSource) {}

  private async mainMeterReadings(customerId: number): Promise<Map<number, { time: number; litres: number }[]>> {
    const meters = await this.ds
      .getRepository(Meter)
      .createQueryBuilder('m')
      .innerJoin(ServicePoint, 'sp', 'sp.id = m.servicePointId')
      .where("sp.customerId = :customerId AND m.kind = 'main'", { customerId })
      .getMany();
    const out = new Map<number, { time: number; litres: number }[]>();
    for (const m of meters) {
      const rs = await this.ds.getRepository(Reading).find({ where: { meterId: m.id }, order: { date: 'ASC' } });
      out.set(m.id, rs.map((r) => ({ time: t(r.date), litres: r.valueLitres })));
    }
    return out;
  }

  private buckets(byMeter: Map<number, { time: number; litres: number }[]>, from: string, to: string): MonthBucket[] | null {
    const months = monthsOf(from, to);
    const result: MonthBucket[] = months.map((m) => ({ month: m.month, litres: 0, estimated: false, noData: true }));
    let covered = false;
    for (const readings of byMeter.values()) {
      const exact = new Set(readings.map((r) => r.time));
      months.forEach((m, i) => {
        const a = valueAt(readings, m.start);
        const b = valueAt(readings, m.end);
        if (a === null || b === null) return;
        covered = true;
        result[i].litres += Math.round(b - a);
        result[i].noData = false;
        if (!exact.has(m.start) || !exact.has(m.end)) result[i].estimated = true;
      });
    }
    return covered ? result.map(({ noData, ...b }) => (noData ? { ...b, noData } : b)) : null;
  }

  /** Consumption of the customer's main meters in [from, to], by calendar month. */
  async report(customerId: number, from: string, to: string): Promise<ConsumptionReport> {
    const byMeter = await this.mainMeterReadings(customerId);
    const months = this.buckets(byMeter, from, to) ?? monthsOf(from, to).map((m) => ({ month: m.month, litres: 0, estimated: true, noData: true }));
    const prev = this.buckets(byMeter, shiftYear(from, -1), shiftYear(to, -1));
    // Compare only months measured in both years: a full year against two months of data says nothing.
    const prevByMonth = new Map((prev ?? []).map((b) => [`${Number(b.month.slice(0, 4)) + 1}${b.month.slice(4)}`, b]));
    const both = months.filter((b) => !b.noData && prevByMonth.get(b.month) && !prevByMonth.get(b.month)?.noData);
    const comparison = both.length
      ? { months: both.map((b) => b.month), totalLitres: both.reduce((s, b) => s + b.litres, 0), previousYearTotalLitres: both.reduce((s, b) => s + (prevByMonth.get(b.month)?.litres ?? 0), 0) }
      : null;
    return {
      from,
      to,
      months,
      totalLitres: months.reduce((s, m) => s + m.litres, 0),
      previousYear: prev,
      previousYearTotalLitres: prev ? prev.reduce((s, m) => s + m.litres, 0) : null,
      comparison,
    };
  }
}
