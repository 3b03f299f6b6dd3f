/** `readings.history`: past meter readings in a period (default: the last 12 months), with a line chart. */
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { App } from '../src/app';
import { formatCubicMetres, formatDate } from '../src/domain/format';
import { readingsChartConfig, renderChartPng } from '../src/documents/charts';
import { fileActivity, say, tr, turnInfo } from './context';
import { requireAccount, values } from './steps';
import { periodOf } from './ConsumptionDialog';

export class ReadingsHistoryDialog extends WaterfallDialog {
  constructor(app: App) {
    super('readings.history', [
      ...requireAccount(app),
      async (step) => {
        const info = turnInfo(step.context);
        const { from, to } = periodOf(info);
        const meters = await app.services.readings.metersOf(values(step).customerId as number);
        const main = meters.find((m) => m.kind === 'main') ?? meters[0];
        if (!main) {
          await say(step.context, 'reading.noMeters');
          return step.endDialog();
        }
        const rows = await app.services.readings.history(main.id, from, to);
        if (rows.length === 0) {
          await say(step.context, 'readings.none', { from: formatDate(from), to: formatDate(to) });
          return step.endDialog();
        }
        const lines = [tr(step.context, 'readings.header', { serial: main.serial, from: formatDate(from), to: formatDate(to) })];
        for (const r of rows.slice(-13)) lines.push(tr(step.context, 'readings.line', { date: formatDate(r.date), value: formatCubicMetres(r.valueLitres), source: tr(step.context, `readings.source.${r.source}`) }));
        const png = await renderChartPng(readingsChartConfig(rows.map((r) => ({ date: r.date, litres: r.valueLitres })), info.locale), { quickchartUrl: app.config.quickchartUrl });
        await step.context.sendActivity(fileActivity(lines.join('\n'), png, 'image/png', 'odczyty.png'));
        return step.endDialog();
      },
    ]);
  }
}
