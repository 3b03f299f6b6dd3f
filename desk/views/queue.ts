/** The queue view: filters and the table of cases by due date. */
import type { CaseSummaryDto } from '../../src/staff/dto.js';
import type { DeskContext } from '../context.js';
import { byId, el, fmtDate, fmtDay } from '../dom.js';
import { t } from '../i18n.js';

export const STATUSES = ['new', 'in_progress', 'waiting_for_customer', 'resolved', 'rejected'] as const;
const CATEGORIES = ['invoice', 'meter', 'water_quality', 'pressure', 'staff', 'other', 'opinion', 'question', 'comment', 'leak', 'handoff'];
const CHANNELS = ['webchat', 'telegram', 'msteams'];
const FILTERS: [string, 'status' | 'category' | 'channel' | 'assignee'][] = [['f-status', 'status'], ['f-category', 'category'], ['f-channel', 'channel'], ['f-assignee', 'assignee']];

function fillSelect(sel: HTMLSelectElement, options: [string, string][]): void {
  const current = sel.value;
  sel.replaceChildren(...options.map(([value, label]) => el('option', { value, text: label })));
  if (options.some(([v]) => v === current)) sel.value = current;
}

export function setupFilters(ctx: DeskContext): void {
  fillSelect(byId<HTMLSelectElement>('f-status'), [['open', t('desk.filters.open')], ['all', t('desk.filters.all')], ...STATUSES.map((s): [string, string] => [s, t(`desk.status.${s}`)])]);
  fillSelect(byId<HTMLSelectElement>('f-category'), [['', t('desk.filters.anyCategory')], ...CATEGORIES.map((c): [string, string] => [c, t(`desk.category.${c}`)])]);
  fillSelect(byId<HTMLSelectElement>('f-channel'), [['', t('desk.filters.anyChannel')], ...CHANNELS.map((c): [string, string] => [c, t(`desk.channel.${c}`)])]);
  fillSelect(byId<HTMLSelectElement>('f-assignee'), [['', t('desk.filters.anyone')], ['me', t('desk.filters.mine')], ['none', t('desk.filters.unassigned')]]);
  byId('filters').addEventListener('submit', (ev) => { ev.preventDefault(); void loadQueue(ctx); });
}

export async function loadQueue(ctx: DeskContext): Promise<void> {
  const q: Record<string, string> = {};
  for (const [id, name] of FILTERS) {
    const v = byId<HTMLSelectElement>(id).value;
    if (v) q[name] = v;
  }
  const data = await ctx.api.cases(q);
  byId('queue-body').replaceChildren(...data.cases.map(queueRow));
  byId('queue-empty').hidden = data.cases.length > 0;
}

function queueRow(c: CaseSummaryDto): HTMLTableRowElement {
  const link = el('a', { href: `#case/${encodeURIComponent(c.caseNumber)}`, 'data-testid': 'open-case', text: c.caseNumber });
  const customer = c.customerNumber ? `${c.customerNumber} · ${c.customerName || ''}` : t('desk.queue.notLinked');
  const due = el('td', {}, fmtDay(c.dueAt));
  if (c.overdue) due.append(' ', el('span', { class: 'badge overdue', 'data-testid': 'overdue', text: t('desk.queue.overdue') }));
  const first = el('th', { scope: 'row' }, link);
  if (c.urgent) first.append(' ', el('span', { class: 'badge urgent', text: t('desk.queue.urgent') }));
  return el('tr', { 'data-testid': 'queue-row', 'data-case-number': c.caseNumber, class: c.overdue ? 'is-overdue' : null },
    first,
    el('td', {}, customer),
    el('td', {}, `${t(`desk.kind.${c.kind}`)} · ${t(`desk.category.${c.category}`)}`),
    el('td', {}, t(`desk.channel.${c.channel}`)),
    el('td', { 'data-testid': 'queue-status' }, t(`desk.status.${c.status}`), c.handoffState === 'queued' ? el('span', { class: 'badge waiting', text: ` ${t('desk.handoff.waiting')}` }) : null),
    el('td', {}, fmtDate(c.createdAt)),
    due,
    el('td', {}, c.assignee ? c.assignee.name || '' : t('desk.queue.unassigned')),
  );
}
