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
import { withCard } from '../src/channels/cards';

/** The period named in this turn, or the last 12 whole months. */
export function periodOf(info: ReturnType<typeof turnInfo>, defaultDays = 365): { from: string; to: string } {
  const p = info.nlu?.entities.find((e) => e.type === 'period');
  if (p?.type === 'period') return { from: p.from, to: p.to > info.today ? info.today : p.to };
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
        for (const m of report.months.slice(-12)) lines.push(`${monthLabel(m.month, info.locale)}: ${formatCubicMetres(m.litres)}${m.estimated ? ' *' : ''}`);
        if (report.months.some((m) => m.estimated)) lines.push(tr(step.context, 'consumption.estimatedNote'));
        if (report.previousYearTotalLitres !== null && report.previousYearTotalLitres > 0) {
          const diff = Math.round(((report.totalLitres - report.previousYearTotalLitres) / report.previousYearTotalLitres) * 100);
          lines.push(tr(step.context, diff >= 0 ? 'consumption.moreThanLastYear' : 'consumption.lessThanLastYear', { total: formatCubicMetres(report.previousYearTotalLitres), pct: Math.abs(diff) }));
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
