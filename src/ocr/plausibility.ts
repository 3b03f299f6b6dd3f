/**
 * Plausibility of a value read from a photo, before the customer is asked to confirm it: it must be
 * read with confidence, not lower than the last reading, and within what the customer's usual use
 * allows since then (3× the average daily use, as the leak warning of ReadingService, plus 1 m³ of
 * slack). Anything else is not suggested: the customer is asked to type the value and told what was seen.
 */
import { daysBetween } from '../domain/format';
import type { MeterRead } from './types';

export interface UsageHistory {
  last: { valueLitres: number; date: string } | null;
  /** Usual use in litres a day (null: not enough history). */
  averageDailyLitres: number | null;
  today: string;
}

export type ReadJudgement =
  | { kind: 'suggest'; litres: number; litresRead: boolean }
  | { kind: 'ask'; reason: 'unreadable' | 'lower' | 'tooHigh'; seen: string };

/** Use allowed per day when the customer has no history: a large household. */
export const DEFAULT_DAILY_LITRES = 600;
const FACTOR = 3;
const SLACK_LITRES = 1000;

/** A suggestion to confirm, or a request to type the value (with what was seen). */
export function judgeRead(read: MeterRead, history: UsageHistory): ReadJudgement {
  if (!read.found || !read.certain || read.cubicMetres === null) return { kind: 'ask', reason: 'unreadable', seen: read.seen };
  const litresRead = read.litres !== null;
  const litres = Number(read.cubicMetres) * 1000 + (litresRead ? Number(read.litres) : 0);
  const last = history.last;
  if (last) {
    if (litres < last.valueLitres) return { kind: 'ask', reason: 'lower', seen: read.seen };
    const days = Math.max(1, daysBetween(last.date, history.today));
    const daily = history.averageDailyLitres && history.averageDailyLitres > 0 ? history.averageDailyLitres : DEFAULT_DAILY_LITRES;
    if (litres - last.valueLitres > FACTOR * daily * days + SLACK_LITRES) return { kind: 'ask', reason: 'tooHigh', seen: read.seen };
  }
  return { kind: 'suggest', litres, litresRead };
}
