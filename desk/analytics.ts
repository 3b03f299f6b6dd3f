/**
 * The Statystyki view's arithmetic, kept apart from the DOM so that it is tested without a browser:
 * the period (presets in the utility's time zone, checks), and the series the charts draw from a report.
 */
import type { AnalyticsReportDto } from '../src/staff/dto.js';

/** YYYY-MM-DD of an instant in Europe/Warsaw (the utility's calendar). */
export function warsawDate(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar day written YYYY-MM-DD. */
export function isDay(s: string): boolean {
  const m = ISO_DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** `day` moved by `n` days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export type PresetName = 'last7' | 'last30' | 'thisMonth' | 'lastMonth';
export const PRESETS: readonly PresetName[] = ['last7', 'last30', 'thisMonth', 'lastMonth'];

export interface Period {
  from: string;
  to: string;
}

/** The period a preset names, ending today (both days included). */
export function presetPeriod(name: PresetName, today: string): Period {
  switch (name) {
    case 'last7': return { from: addDays(today, -6), to: today };
    case 'last30': return { from: addDays(today, -29), to: today };
    case 'thisMonth': return { from: `${today.slice(0, 8)}01`, to: today };
    case 'lastMonth': {
      const lastOfPrev = addDays(`${today.slice(0, 8)}01`, -1);
      return { from: `${lastOfPrev.slice(0, 8)}01`, to: lastOfPrev };
    }
  }
}

export type PeriodProblem = { field: 'from' | 'to'; problem: 'required' | 'invalid' | 'order' };

/** What is wrong with the period the user typed, or null. */
export function checkPeriod(p: Period): PeriodProblem | null {
  if (!p.from) return { field: 'from', problem: 'required' };
  if (!isDay(p.from)) return { field: 'from', problem: 'invalid' };
  if (!p.to) return { field: 'to', problem: 'required' };
  if (!isDay(p.to)) return { field: 'to', problem: 'invalid' };
  if (p.from > p.to) return { field: 'to', problem: 'order' };
  return null;
}

export interface Series {
  labels: string[];
  values: number[];
}

/** Tasks completed per intent, most first (ties by name), with the intents' display names. */
export function tasksSeries(report: AnalyticsReportDto, label: (intent: string) => string): Series {
  const rows = Object.entries(report.tasksCompleted).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { labels: rows.map(([k]) => label(k)), values: rows.map(([, n]) => n) };
}

export function tasksTotal(report: AnalyticsReportDto): number {
  return Object.values(report.tasksCompleted).reduce((a, b) => a + b, 0);
}

/** Conversations contained (no person needed, a task done) and the rest, from the share the API gives. */
export function containmentSplit(report: AnalyticsReportDto): { contained: number; other: number } {
  const contained = Math.round(report.containment * report.conversations);
  return { contained, other: Math.max(0, report.conversations - contained) };
}

/** Cases filed in the period, those answered in time, and those overdue. */
export function casesSeries(report: AnalyticsReportDto): number[] {
  return [report.cases.filed, report.cases.answeredInTime, report.cases.overdue];
}

/** A chart label broken into lines of at most `max` characters (Chart.js draws an array as lines). */
export function wrapLabel(label: string, max = 16): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last + ' ' + word).length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
