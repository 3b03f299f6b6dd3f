/** The Statystyki view's arithmetic (desk/analytics.ts): periods in the Katowice calendar, checks, chart series. */
import type { AnalyticsReportDto } from '../../src/staff/dto';
import { addDays, casesSeries, checkPeriod, containmentSplit, isDay, presetPeriod, tasksSeries, tasksTotal, warsawDate, wrapLabel } from '../../desk/analytics';

const report = (over: Partial<AnalyticsReportDto> = {}): AnalyticsReportDto => ({
  from: '2026-11-01', to: '2026-11-30', conversations: 8, customerMessages: 20, tasksCompleted: { 'balance.check': 3, 'reading.submit': 5, 'contact.info': 3, 'help': 0 },
  containment: 0.375, fallbacks: 4, handoffs: 2, misunderstood: [], csat: { responses: 0, average: null }, cases: { filed: 5, answeredInTime: 3, overdue: 1 }, ...over,
});

describe('Statystyki periods', () => {
  test('the date is the Katowice one: 23:30 UTC on 30 November is already 1 December there', () => {
    expect(warsawDate(new Date('2026-11-30T23:30:00Z'))).toBe('2026-12-01');
    expect(warsawDate(new Date('2026-07-31T21:59:00Z'))).toBe('2026-07-31');
    expect(warsawDate(new Date('2026-07-31T22:00:00Z'))).toBe('2026-08-01');
  });

  test('presets end today and include both days; months have their real lengths', () => {
    expect(presetPeriod('last7', '2026-12-01')).toEqual({ from: '2026-11-25', to: '2026-12-01' });
    expect(presetPeriod('last30', '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(presetPeriod('thisMonth', '2026-12-01')).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    expect(presetPeriod('lastMonth', '2026-03-15')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetPeriod('lastMonth', '2028-03-01')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(presetPeriod('lastMonth', '2027-01-10')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  test('checks name the field: missing, not a day, or reversed', () => {
    expect(checkPeriod({ from: '2026-11-01', to: '2026-11-30' })).toBeNull();
    expect(checkPeriod({ from: '2026-11-30', to: '2026-11-30' })).toBeNull();
    expect(checkPeriod({ from: '', to: '2026-11-30' })).toEqual({ field: 'from', problem: 'required' });
    expect(checkPeriod({ from: '2026-11-01', to: '' })).toEqual({ field: 'to', problem: 'required' });
    expect(checkPeriod({ from: '2026-02-30', to: '2026-03-01' })).toEqual({ field: 'from', problem: 'invalid' });
    expect(checkPeriod({ from: '2026-11-01', to: '30.11.2026' })).toEqual({ field: 'to', problem: 'invalid' });
    expect(checkPeriod({ from: '2026-12-01', to: '2026-11-01' })).toEqual({ field: 'to', problem: 'order' });
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
  });
});

describe('Statystyki series', () => {
  test('tasks per intent: most first, ties by name, zero rows left out, display names used', () => {
    const names: Record<string, string> = { 'balance.check': 'Saldo', 'reading.submit': 'Odczyt' };
    expect(tasksSeries(report(), (i) => names[i] ?? i)).toEqual({ labels: ['Odczyt', 'Saldo', 'contact.info'], values: [5, 3, 3] });
    expect(tasksTotal(report())).toBe(11);
    expect(tasksSeries(report({ tasksCompleted: {} }), String)).toEqual({ labels: [], values: [] });
  });

  test('containment as conversations: the share times the conversations, the rest never negative', () => {
    expect(containmentSplit(report())).toEqual({ contained: 3, other: 5 });
    expect(containmentSplit(report({ conversations: 0, containment: 0 }))).toEqual({ contained: 0, other: 0 });
    expect(containmentSplit(report({ conversations: 3, containment: 0.3333 }))).toEqual({ contained: 1, other: 2 });
    expect(containmentSplit(report({ conversations: 1, containment: 1 }))).toEqual({ contained: 1, other: 0 });
  });

  test('cases: filed, answered in time, overdue', () => {
    expect(casesSeries(report())).toEqual([5, 3, 1]);
  });

  test('labels wrap at word boundaries; a long word stays whole', () => {
    expect(wrapLabel('Połączenie z kontem klienta', 16)).toEqual(['Połączenie z', 'kontem klienta']);
    expect(wrapLabel('Saldo', 16)).toEqual(['Saldo']);
    expect(wrapLabel('Odpowiedziane w terminie', 14)).toEqual(['Odpowiedziane', 'w terminie']);
    expect(wrapLabel('Bardzodługiesłowobezspacji', 10)).toEqual(['Bardzodługiesłowobezspacji']);
  });
});
