/**
 * The Statystyki view (supervisors and admins): a period, the key figures, charts (Chart.js, loaded from the
 * same origin only when this view opens) each with its data as a table, and the misunderstood messages with
 * a one-click label to the right intent (`POST /api/staff/analytics/labels`).
 */
import type { Chart as ChartJs, ChartConfiguration } from 'chart.js';
import type { AnalyticsReportDto } from '../../src/staff/dto.js';
import { casesSeries, checkPeriod, containmentSplit, presetPeriod, PRESETS, tasksSeries, tasksTotal, warsawDate, wrapLabel, type Period, type Series } from '../analytics.js';
import { ApiError } from '../api/client.js';
import type { DeskContext } from '../context.js';
import { announce, byId, el, field, loadScript } from '../dom.js';
import { hasText, t, tPlural } from '../i18n.js';

type ChartCtor = new (canvas: HTMLCanvasElement, config: ChartConfiguration) => ChartJs;

const pct = new Intl.NumberFormat('pl-PL', { style: 'percent', maximumFractionDigits: 0 });
const num = new Intl.NumberFormat('pl-PL');
const avg = new Intl.NumberFormat('pl-PL', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dayFmt = new Intl.DateTimeFormat('pl-PL', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const fmtDay = (d: string) => dayFmt.format(new Date(`${d}T00:00:00Z`));

/** The intents' display names (desk.intent.*); an intent without one is shown by its name. */
export const intentLabel = (intent: string): string => (hasText(`desk.intent.${intent}`) ? t(`desk.intent.${intent}`) : intent);

let charts: ChartJs[] = [];
let lastPeriod: Period | null = null;

function destroyCharts(): void {
  for (const c of charts) c.destroy();
  charts = [];
}

async function chartJs(): Promise<ChartCtor | null> {
  try {
    await loadScript('/staff/vendor/chart.umd.min.js', 10_000);
  } catch {
    return null;
  }
  return (window as unknown as { Chart?: ChartCtor }).Chart ?? null;
}

export async function showStats(ctx: DeskContext): Promise<void> {
  destroyCharts();
  const today = warsawDate(new Date());
  const period = lastPeriod ?? presetPeriod('last30', today);
  const from = el('input', { type: 'date', name: 'from', required: true, max: today, 'data-testid': 'stats-from' });
  const to = el('input', { type: 'date', name: 'to', required: true, max: today, 'data-testid': 'stats-to' });
  from.value = period.from;
  to.value = period.to;
  const error = el('p', { id: 'stats-error', class: 'error', role: 'alert', 'data-testid': 'stats-error', hidden: true });
  const form = el('form', { class: 'card stats-period', 'data-testid': 'stats-period', novalidate: true, 'aria-labelledby': 'h-stats-period' },
    el('h2', { id: 'h-stats-period', text: t('desk.stats.period') }),
    el('div', { class: 'period-fields' },
      field('stats-from', t('desk.stats.from'), from),
      field('stats-to', t('desk.stats.to'), to),
      el('button', { type: 'submit', class: 'primary', 'data-testid': 'stats-show', text: t('desk.stats.show') })),
    el('div', { class: 'presets', role: 'group', 'aria-label': t('desk.stats.presets') }, ...PRESETS.map((p) => {
      const b = el('button', { type: 'button', 'data-preset': p, 'data-testid': `stats-preset-${p}`, text: t(`desk.stats.preset.${p}`) });
      b.addEventListener('click', () => {
        const r = presetPeriod(p, warsawDate(new Date()));
        from.value = r.from;
        to.value = r.to;
        form.requestSubmit();
      });
      return b;
    })),
    error);
  const results = el('div', { id: 'stats-results', class: 'stats-results', 'data-testid': 'stats-results', 'aria-busy': 'false' });

  const showError = (control: HTMLInputElement | null, msg: string) => {
    error.textContent = msg;
    error.hidden = false;
    for (const c of [from, to]) { c.removeAttribute('aria-invalid'); c.removeAttribute('aria-errormessage'); }
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-errormessage', 'stats-error');
      control.focus();
    }
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = { from: from.value, to: to.value };
    const problem = checkPeriod(p);
    if (problem) {
      const control = problem.field === 'from' ? from : to;
      const name = t(`desk.stats.${problem.field}`);
      showError(control, problem.problem === 'order' ? t('desk.stats.order') : problem.problem === 'required' ? t('desk.stats.required', { field: name }) : t('desk.stats.invalid', { field: name }));
      return;
    }
    error.hidden = true;
    for (const c of [from, to]) { c.removeAttribute('aria-invalid'); c.removeAttribute('aria-errormessage'); }
    void load(ctx, p, results, (e) => {
      if (e instanceof ApiError && e.status === 400 && (e.field === 'from' || e.field === 'to')) showError(e.field === 'from' ? from : to, t('desk.stats.invalid', { field: t(`desk.stats.${e.field}`) }));
      else if (!(e instanceof ApiError) || e.status !== 401) showError(null, t('desk.stats.error'));
    });
  });

  byId('stats-view').replaceChildren(
    el('h1', { id: 'stats-heading', tabindex: '-1', 'data-testid': 'stats-heading', text: t('desk.stats.heading') }),
    el('p', { class: 'help', text: t('desk.stats.intro') }),
    form,
    results,
  );
  await load(ctx, period, results, () => showError(null, t('desk.stats.error')));
}

async function load(ctx: DeskContext, period: Period, results: HTMLElement, onError: (e: unknown) => void): Promise<void> {
  results.setAttribute('aria-busy', 'true');
  let report: AnalyticsReportDto;
  let intents: string[];
  try {
    [report, intents] = await Promise.all([ctx.api.analytics(period.from, period.to), ctx.api.intents().then((r) => r.intents)]);
  } catch (e) {
    results.setAttribute('aria-busy', 'false');
    onError(e);
    return;
  }
  lastPeriod = period;
  destroyCharts();
  const Chart = await chartJs();
  results.replaceChildren(...render(ctx, report, intents, period));
  if (Chart) drawCharts(Chart, results);
  results.setAttribute('aria-busy', 'false');
  results.dataset.from = period.from;
  results.dataset.to = period.to;
  announce(t('desk.stats.loaded', { from: fmtDay(period.from), to: fmtDay(period.to) }));
}

function figure(key: string, value: string, testid: string, note?: string): HTMLElement {
  return el('div', { class: 'figure', 'data-testid': `figure-${testid}` },
    el('dt', { text: t(`desk.stats.${key}`) }),
    el('dd', {}, el('span', { class: 'value', 'data-testid': `value-${testid}`, text: value }), note ? el('span', { class: 'note', text: note }) : null));
}

function group(id: string, titleKey: string, ...figures: HTMLElement[]): HTMLElement {
  return el('section', { class: 'card figure-group', 'aria-labelledby': `h-fig-${id}` },
    el('h3', { id: `h-fig-${id}`, text: t(`desk.stats.group.${titleKey}`) }),
    el('dl', { class: 'figures' }, ...figures));
}

function render(ctx: DeskContext, r: AnalyticsReportDto, intents: string[], period: Period): HTMLElement[] {
  const csat = r.csat.responses > 0 && r.csat.average !== null ? t('desk.stats.csatValue', { average: avg.format(r.csat.average) }) : t('desk.stats.csatNone');
  const figures = el('div', { class: 'figure-groups', 'data-testid': 'stats-figures' },
    group('chat', 'chat',
      figure('conversations', num.format(r.conversations), 'conversations'),
      figure('customerMessages', num.format(r.customerMessages), 'customer-messages'),
      figure('tasksTotal', num.format(tasksTotal(r)), 'tasks'),
      figure('containment', pct.format(r.containment), 'containment', t('desk.stats.containmentHelp'))),
    group('people', 'people',
      figure('fallbacks', num.format(r.fallbacks), 'fallbacks'),
      figure('handoffs', num.format(r.handoffs), 'handoffs'),
      figure('csat', csat, 'csat', r.csat.responses > 0 ? tPlural('desk.stats.csatResponses', r.csat.responses) : undefined)),
    group('cases', 'cases',
      figure('casesFiled', num.format(r.cases.filed), 'cases-filed'),
      figure('casesInTime', num.format(r.cases.answeredInTime), 'cases-in-time'),
      figure('casesOverdue', num.format(r.cases.overdue), 'cases-overdue')));

  const split = containmentSplit(r);
  const tasks = tasksSeries(r, intentLabel);
  const charts = el('div', { class: 'charts' },
    chartBox('containment', t('desk.stats.chartContainment'), { labels: [t('desk.stats.contained'), t('desk.stats.notContained')], values: [split.contained, split.other] }, r.conversations === 0 ? t('desk.stats.noConversations') : null),
    chartBox('tasks', t('desk.stats.chartTasks'), tasks, tasks.values.length ? null : t('desk.stats.chartTasksEmpty')),
    chartBox('people', t('desk.stats.chartPeople'), { labels: [t('desk.stats.fallbacks'), t('desk.stats.handoffs')], values: [r.fallbacks, r.handoffs] }, null),
    chartBox('cases', t('desk.stats.chartCases'), { labels: [t('desk.stats.casesFiled'), t('desk.stats.casesInTime'), t('desk.stats.casesOverdue')], values: casesSeries(r) }, null));

  return [
    el('h2', { id: 'h-stats-figures', 'data-testid': 'stats-period-heading', text: t('desk.stats.summary', { from: fmtDay(period.from), to: fmtDay(period.to) }) }),
    figures,
    el('h2', { id: 'h-stats-charts', text: t('desk.stats.charts') }),
    charts,
    misunderstoodSection(ctx, r, intents),
  ];
}

/** A chart (a canvas with a text alternative) and the same numbers as a table. */
function chartBox(name: string, title: string, s: Series, empty: string | null): HTMLElement {
  const hid = `chart-h-${name}`;
  const summary = s.labels.map((l, i) => `${l}: ${num.format(s.values[i])}`).join(', ');
  const box = el('figure', { class: `chart chart-${name}`, 'data-testid': `chart-${name}`, 'aria-labelledby': hid },
    el('figcaption', { id: hid, class: 'chart-title', text: title }));
  if (empty) {
    box.append(el('p', { class: 'help', 'data-testid': `chart-${name}-empty`, text: empty }));
    return box;
  }
  const height = name === 'tasks' ? Math.max(10, s.labels.length * 2.2 + 3) : 14;
  const canvasBox = el('div', { class: 'chart-canvas' }, el('canvas', { role: 'img', 'aria-label': `${title}. ${summary}`, 'data-chart': name, 'data-labels': JSON.stringify(s.labels), 'data-values': JSON.stringify(s.values) }));
  canvasBox.dataset.height = String(height);
  const table = el('table', { class: 'chart-data', 'data-testid': `chart-${name}-data` },
    el('caption', { class: 'visually-hidden', text: title }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('desk.stats.item') }), el('th', { scope: 'col', text: t('desk.stats.count') }))),
    el('tbody', {}, ...s.labels.map((l, i) => el('tr', {}, el('th', { scope: 'row', text: l }), el('td', { text: num.format(s.values[i]) })))));
  box.append(canvasBox, el('details', { class: 'chart-details' }, el('summary', { text: t('desk.stats.chartData') }), table));
  return box;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function drawCharts(Chart: ChartCtor, root: HTMLElement): void {
  const fg = cssVar('--fg', '#1b1b1b');
  const accent = cssVar('--accent', '#0b4f8a');
  const danger = cssVar('--danger', '#a1000e');
  const muted = cssVar('--muted', '#4a4a4a');
  const line = cssVar('--line', '#c8c8c8');
  const ok = cssVar('--ok', '#1d6b35');
  const font = { family: getComputedStyle(document.body).fontFamily, size: 14 };
  for (const canvas of root.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')) {
    const name = canvas.dataset.chart ?? '';
    const labels = JSON.parse(canvas.dataset.labels ?? '[]') as string[];
    const values = JSON.parse(canvas.dataset.values ?? '[]') as number[];
    const box = canvas.parentElement as HTMLElement;
    box.style.height = `${box.dataset.height ?? 14}rem`;
    const colors = name === 'containment' ? [accent, line] : name === 'cases' ? [accent, ok, danger] : name === 'people' ? [danger, muted] : [accent];
    const horizontal = name === 'tasks';
    const config: ChartConfiguration = name === 'containment'
      ? {
        type: 'doughnut',
        data: { labels, datasets: [{ data: values, backgroundColor: colors, borderColor: cssVar('--bg', '#ffffff'), borderWidth: 2 }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom', labels: { color: fg, font } }, tooltip: { enabled: true } } },
      }
      : {
        type: 'bar',
        data: { labels: labels.map((l) => wrapLabel(l, horizontal ? 22 : 14)), datasets: [{ label: t('desk.stats.count'), data: values, backgroundColor: colors, borderWidth: 0 }] },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false, indexAxis: horizontal ? 'y' : 'x',
          plugins: { legend: { display: false } },
          scales: {
            x: { ticks: { color: fg, font, precision: 0, maxRotation: 0, autoSkip: false }, grid: { color: horizontal ? line : 'transparent' }, beginAtZero: true },
            y: { ticks: { color: fg, font, precision: 0, autoSkip: false }, grid: { color: horizontal ? 'transparent' : line }, beginAtZero: true },
          },
        },
      };
    charts.push(new Chart(canvas, config));
  }
  root.dataset.charts = String(charts.length);
}

function misunderstoodSection(ctx: DeskContext, r: AnalyticsReportDto, intents: string[]): HTMLElement {
  const sec = el('section', { 'aria-labelledby': 'h-misunderstood', class: 'misunderstood', 'data-testid': 'misunderstood' },
    el('h2', { id: 'h-misunderstood', text: t('desk.stats.misunderstood.heading') }),
    el('p', { class: 'help', id: 'misunderstood-help', text: t('desk.stats.misunderstood.help') }));
  if (!r.misunderstood.length) {
    sec.append(el('p', { 'data-testid': 'misunderstood-empty', text: t('desk.stats.misunderstood.empty') }));
    return sec;
  }
  const options = [...intents].sort((a, b) => intentLabel(a).localeCompare(intentLabel(b), 'pl'));
  const body = el('tbody', {});
  r.misunderstood.forEach((m, i) => {
    const textId = `mu-text-${i}`;
    const sel = el('select', { id: `mu-intent-${i}`, 'data-testid': 'misunderstood-intent' },
      el('option', { value: '', text: t('desk.stats.misunderstood.choose') }),
      ...options.map((intent) => el('option', { value: intent, text: intentLabel(intent) === intent ? intent : `${intentLabel(intent)} (${intent})` })));
    if (m.label && options.includes(m.label)) sel.value = m.label;
    const btn = el('button', { type: 'button', 'data-testid': 'misunderstood-label', 'aria-describedby': textId, text: t('desk.stats.misunderstood.label') });
    const status = el('span', { class: 'label-status', role: 'status', 'data-testid': 'misunderstood-status', text: m.label ? t('desk.stats.misunderstood.labeled', { intent: intentLabel(m.label) }) : '' });
    btn.addEventListener('click', () => {
      const intent = sel.value;
      status.classList.remove('error');
      if (!intent) {
        status.textContent = t('desk.stats.misunderstood.chooseFirst');
        status.classList.add('error');
        sel.focus();
        return;
      }
      btn.disabled = true;
      void (async () => {
        try {
          await ctx.api.label({ text: m.text, intent });
          status.textContent = t('desk.stats.misunderstood.labeled', { intent: intentLabel(intent) });
          row.classList.add('is-labeled');
          row.dataset.labeled = intent;
        } catch (e) {
          btn.disabled = false;
          if (e instanceof ApiError && e.status === 401) return;
          status.textContent = t('desk.stats.misunderstood.labelError');
          status.classList.add('error');
        }
      })();
    });
    const row = el('tr', { 'data-testid': 'misunderstood-row', class: m.label ? 'is-labeled' : null, 'data-labeled': m.label },
      el('td', { id: textId, class: 'customer-text', 'data-testid': 'misunderstood-text', text: m.text }),
      el('td', { class: 'num', 'data-testid': 'misunderstood-count', text: num.format(m.count) }),
      el('td', {}, el('label', { for: `mu-intent-${i}`, class: 'visually-hidden', text: t('desk.stats.misunderstood.intentFor', { text: m.text.length > 60 ? `${m.text.slice(0, 59)}…` : m.text }) }), sel, ' ', btn, ' ', status));
    body.append(row);
  });
  sec.append(el('div', { class: 'table-wrap' }, el('table', { class: 'queue misunderstood-table', 'data-testid': 'misunderstood-table', 'aria-describedby': 'misunderstood-help' },
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: t('desk.stats.misunderstood.text') }),
      el('th', { scope: 'col', class: 'num', text: t('desk.stats.misunderstood.count') }),
      el('th', { scope: 'col', text: t('desk.stats.misunderstood.intent') }))),
    body)));
  return sec;
}
