/**
 * `consumption.report`: water used in any period the customer names (default: the last
 * 12 months), as a short table and a column or line chart, compared with a year earlier.
 */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { addDays, formatCubicMetres, formatDate } from '../src/domain/format';
import { consumptionChartConfig, monthLabel, renderChartPng } from '../src/documents/charts';
import { fileActivity, say, tr, turnInfo } from './context';
import { requireAccount, values } from './steps';
import type { MonthBucket } from '../src/services/ConsumptionService';
import { namedPeriod } from './requests';
import { withCard } from '../src/channels/cards';

/** The period named in this turn (see {@link namedPeriod}), or the last 12 whole months. */
export function periodOf(info: ReturnType<typeof turnInfo>, defaultDays = 365): { from: string; to: string } {
  const p = namedPeriod(info.nlu);
  if (p) return { from: p.from, to: p.to > info.today ? info.today : p.to };
  return { from: addDays(info.today, -defaultDays), to: info.today };
}

export class ConsumptionDialog extends WaterfallDialog {
  constructor(app: App) {
    super('consumption.report', [
      ...requireAccount(app),
      async (step) => {
        const info = turnInfo(step.context);
        const { from, to } = periodOf(info);
        if (from > to) {
          await say(step.context, 'consumption.futurePeriod');
          return step.endDialog();
        }
        const report = await app.services.consumption.report(values(step).customerId as number, from, to);
        const covered = report.months.filter((m) => m.litres > 0);
        if (covered.length === 0) {
          await say(step.context, 'consumption.noData', { from: formatDate(from), to: formatDate(to) });
          return step.endDialog();
        }
        const lines = [tr(step.context, 'consumption.header', { from: formatDate(from), to: formatDate(to), total: formatCubicMetres(report.totalLitres) })];
        const lastMeasured = report.months.map((m) => !m.noData).lastIndexOf(true);
        // A month without readings is not "0,000 m³": the running month has no reading yet.
        const monthLine = (m: MonthBucket, i: number) => `${monthLabel(m.month, info.locale)}: ${m.noData ? tr(step.context, i > lastMeasured ? 'consumption.noReadingYet' : 'consumption.noReadings') : `${formatCubicMetres(m.litres)}${m.estimated ? ' *' : ''}`}`;
        const shown = report.months.slice(-12);
        shown.forEach((m) => lines.push(monthLine(m, report.months.indexOf(m))));
        if (shown.some((m) => m.estimated && !m.noData)) lines.push(tr(step.context, 'consumption.estimatedNote'));
        const cmp = report.comparison;
        if (cmp && cmp.previousYearTotalLitres > 0) {
          const diff = Math.round(((cmp.totalLitres - cmp.previousYearTotalLitres) / cmp.previousYearTotalLitres) * 100);
          const all = cmp.months.length === report.months.length;
          const span = cmp.months.length === 1 ? monthLabel(cmp.months[0], info.locale) : `${monthLabel(cmp.months[0], info.locale)} – ${monthLabel(cmp.months[cmp.months.length - 1], info.locale)}`;
          const key = `consumption.${diff >= 0 ? 'more' : 'less'}ThanLastYear${all ? '' : 'Part'}`;
          lines.push(tr(step.context, key, { total: formatCubicMetres(cmp.previousYearTotalLitres), now: formatCubicMetres(cmp.totalLitres), pct: Math.abs(diff), months: span }));
        } else if (report.previousYear) {
          lines.push(tr(step.context, 'consumption.noComparison'));
        }
        const kind = /lini|line|лін/i.test(info.nlu?.text ?? '') ? 'line' : 'bar';
        const config = consumptionChartConfig({ months: report.months, previousYear: report.previousYear, kind, locale: info.locale });
        const png = await renderChartPng(config, { quickchartUrl: app.config.quickchartUrl });
        const alt = tr(step.context, 'cards.chartAlt', { from: formatDate(from), to: formatDate(to) });
        await step.context.sendActivity(withCard(fileActivity(lines.join('\n'), png, 'image/png', 'zuzycie-wody.png'), { imageAlt: alt, imagePlacement: 'afterHeading', imageSize: 'stretch' }));
        return step.endDialog();
      },
    ]);
  }
}
