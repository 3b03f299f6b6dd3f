/** The outages view (issue 8): a new notice with its audience preview and a confirmation, the list, updates, "water is back". */
import type { DeliveryStateDto, OutageNoticeDto, OutageRequest, OutageStreetDto, OutageUpdateRequest } from '../../src/staff/dto.js';
import { ApiError } from '../api/client.js';
import type { DeskContext } from '../context.js';
import { announce, byId, el, field as fieldOf, fmtDate } from '../dom.js';
import { t, tPlural } from '../i18n.js';
import { canSupervise } from '../store.js';

const PARITIES = ['all', 'odd', 'even'] as const;
const DELIVERY_STATES: readonly DeliveryStateDto[] = ['queued', 'sending', 'sent', 'failed', 'skipped'];
/** Labels of the form fields the API may name in a 400. */
const OUTAGE_FIELDS: Record<string, string> = { kind: 'desk.outages.kind', title: 'desk.outages.title', message: 'desk.outages.message', startsAt: 'desk.outages.startsAt', expectedEndAt: 'desk.outages.expectedEndAt', tankerLocation: 'desk.outages.tanker', streets: 'desk.outages.streets' };
let streetSeq = 0;

const field = (id: string, labelKey: string, control: HTMLElement) => fieldOf(id, t(labelKey), control);
const parityKey = (p: string) => `desk.outages.parity${p[0].toUpperCase()}${p.slice(1)}`;
const recipientsText = (n: number) => (n === 0 ? t('desk.outages.recipients.none') : tPlural('desk.outages.recipients', n));

/** A `datetime-local` value (the browser's time zone) as an ISO instant, or null. */
export function localToIso(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO instant as a `datetime-local` value. */
export function isoToLocal(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export async function showOutages(ctx: DeskContext): Promise<void> {
  const parts: HTMLElement[] = [el('h1', { id: 'outages-heading', tabindex: '-1', 'data-testid': 'outages-heading', text: t('desk.outages.heading') })];
  if (canSupervise(ctx.store.state.me)) parts.push(outageForm(ctx));
  else parts.push(el('p', { class: 'help', 'data-testid': 'outages-readonly', text: t('desk.outages.readOnly') }));
  const refresh = el('button', { type: 'button', 'data-testid': 'outages-refresh', text: t('desk.outages.refresh') });
  refresh.addEventListener('click', () => { void loadOutages(ctx); });
  parts.push(el('section', { 'aria-labelledby': 'h-outage-list', class: 'outage-list-section' },
    el('h2', { id: 'h-outage-list', text: t('desk.outages.listHeading') }),
    el('p', { class: 'help', text: t('desk.outages.listHelp') }),
    refresh,
    el('p', { id: 'outage-list-error', class: 'error', role: 'alert', hidden: true }),
    el('ul', { id: 'outage-list', class: 'outage-list', 'data-testid': 'outage-list' }),
    el('p', { id: 'outage-list-empty', 'data-testid': 'outage-list-empty', hidden: true, text: t('desk.outages.listEmpty') })));
  byId('outages-view').replaceChildren(...parts);
  await loadOutages(ctx);
}

/** The form for a new notice: fields, streets (add/remove), preview, publish with a confirmation. */
function outageForm(ctx: DeskContext): HTMLFormElement {
  const form = el('form', { class: 'card outage-form', 'data-testid': 'outage-form', novalidate: true, 'aria-labelledby': 'h-outage-form' });
  const kind = el('select', { name: 'kind', 'data-testid': 'outage-kind' }, el('option', { value: 'failure', text: t('desk.outages.kindFailure') }), el('option', { value: 'planned', text: t('desk.outages.kindPlanned') }));
  const title = el('input', { type: 'text', name: 'title', maxlength: '200', required: true, 'data-testid': 'outage-title' });
  const message = el('textarea', { name: 'message', rows: '4', maxlength: '4000', required: true, 'data-testid': 'outage-message' });
  const starts = el('input', { type: 'datetime-local', name: 'startsAt', required: true, 'data-testid': 'outage-starts' });
  starts.value = isoToLocal(new Date().toISOString());
  const ends = el('input', { type: 'datetime-local', name: 'expectedEndAt', 'data-testid': 'outage-ends' });
  const tanker = el('input', { type: 'text', name: 'tankerLocation', maxlength: '300', 'data-testid': 'outage-tanker' });
  const rows = el('div', { class: 'street-rows', 'data-testid': 'outage-streets' });
  const add = el('button', { type: 'button', 'data-testid': 'outage-add-street', text: t('desk.outages.addStreet') });
  const error = el('p', { id: 'outage-form-error', class: 'error', role: 'alert', 'data-testid': 'outage-form-error', hidden: true });
  const preview = el('p', { id: 'outage-preview', class: 'preview', role: 'status', 'data-testid': 'outage-preview' });
  const previewBtn = el('button', { type: 'button', 'data-testid': 'outage-preview-button', text: t('desk.outages.preview') });
  const publishBtn = el('button', { type: 'submit', class: 'primary', 'data-testid': 'outage-publish', text: t('desk.outages.publish') });
  const confirmBox = el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'outage-confirm-text', 'data-testid': 'outage-confirm', hidden: true });

  const clearPreview = () => {
    preview.textContent = '';
    confirmBox.hidden = true;
  };
  const streetRows = () => [...rows.querySelectorAll<HTMLFieldSetElement>('fieldset.street-row')];

  /** Renumbers the street rows' legends and remove buttons; the only row cannot be removed. */
  const renumber = () => {
    const all = streetRows();
    all.forEach((fs, i) => {
      const legend = fs.querySelector('legend');
      if (legend) legend.textContent = t('desk.outages.streetN', { n: i + 1 });
      const rm = fs.querySelector<HTMLButtonElement>('button.remove-street');
      if (!rm) return;
      rm.textContent = t('desk.outages.removeStreet', { n: i + 1 });
      rm.hidden = all.length === 1;
    });
  };

  const addRow = () => {
    const k = ++streetSeq;
    const parity = el('select', { 'data-testid': 'street-parity' }, ...PARITIES.map((p) => el('option', { value: p, text: t(parityKey(p)) })));
    const rm = el('button', { type: 'button', class: 'remove-street', 'data-testid': 'street-remove' });
    const fs = el('fieldset', { class: 'street-row', 'data-testid': 'street-row', 'data-row': String(k) },
      el('legend', {}),
      field(`os-street-${k}`, 'desk.outages.street', el('input', { type: 'text', maxlength: '120', required: true, autocomplete: 'off', 'data-testid': 'street-name', 'data-field': 'street' })),
      field(`os-from-${k}`, 'desk.outages.from', el('input', { type: 'text', inputmode: 'text', maxlength: '6', size: '6', autocomplete: 'off', 'data-testid': 'street-from', 'data-field': 'from' })),
      field(`os-to-${k}`, 'desk.outages.to', el('input', { type: 'text', maxlength: '6', size: '6', autocomplete: 'off', 'data-testid': 'street-to', 'data-field': 'to' })),
      field(`os-parity-${k}`, 'desk.outages.parity', parity),
      rm);
    parity.setAttribute('data-field', 'parity');
    rm.addEventListener('click', () => {
      const next = fs.nextElementSibling || fs.previousElementSibling;
      fs.remove();
      renumber();
      clearPreview();
      next?.querySelector('input')?.focus();
    });
    rows.append(fs);
    renumber();
    return fs;
  };
  add.addEventListener('click', () => {
    const fs = addRow();
    clearPreview();
    fs.querySelector('input')?.focus();
  });
  addRow();

  form.addEventListener('input', () => { preview.textContent = ''; });

  const showError = (control: HTMLElement | null, msg: string) => {
    error.textContent = msg;
    error.hidden = false;
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-errormessage', 'outage-form-error');
      control.focus();
    }
  };
  const clearErrors = () => {
    error.hidden = true;
    error.textContent = '';
    for (const c of form.querySelectorAll('[aria-invalid]')) { c.removeAttribute('aria-invalid'); c.removeAttribute('aria-errormessage'); }
  };
  const labelOf = (control: HTMLElement) => {
    const l = form.querySelector(`label[for="${control.id}"]`);
    const legend = control.closest('fieldset.street-row')?.querySelector('legend');
    return (legend ? `${legend.textContent} — ` : '') + (l ? l.textContent : '');
  };

  /** Reads and checks the form; shows the first problem and returns null. */
  const collect = (): OutageRequest | null => {
    clearErrors();
    const required: [HTMLInputElement | HTMLTextAreaElement, string][] = [[title, 'desk.outages.title'], [message, 'desk.outages.message'], [starts, 'desk.outages.startsAt']];
    for (const [c, key] of required) if (!c.value.trim()) { showError(c, t('desk.outages.required', { field: t(key) })); return null; }
    const streets: OutageRequest['streets'] = [];
    for (const fs of streetRows()) {
      const get = (f: string) => fs.querySelector(`[data-field="${f}"]`) as HTMLInputElement;
      if (!get('street').value.trim()) { showError(get('street'), t('desk.outages.required', { field: labelOf(get('street')) })); return null; }
      const s: OutageRequest['streets'][number] = { street: get('street').value.trim(), parity: get('parity').value };
      if (get('from').value.trim()) s.from = get('from').value.trim();
      if (get('to').value.trim()) s.to = get('to').value.trim();
      streets.push(s);
    }
    return {
      kind: kind.value,
      title: title.value.trim(),
      message: message.value.trim(),
      startsAt: localToIso(starts.value),
      expectedEndAt: localToIso(ends.value),
      tankerLocation: tanker.value.trim() || null,
      streets,
    };
  };

  /** Maps a 400 from the API (`streets[1].from`, `title`, …) to the control and says what to fix. */
  const apiProblem = (e: unknown) => {
    if (!(e instanceof ApiError)) { showError(null, t('desk.outages.error')); return; }
    if (e.status === 401) return;
    if (e.status !== 400 || !e.field) { showError(null, t('desk.outages.error')); return; }
    const m = /^streets\[(\d+)\]\.(\w+)$/.exec(e.field);
    let control: HTMLElement | null = null;
    if (m) control = streetRows()[Number(m[1])]?.querySelector<HTMLElement>(`[data-field="${m[2]}"]`) ?? null;
    else if (e.field === 'streets') control = rows.querySelector('input');
    else control = form.querySelector<HTMLElement>(`[name="${e.field}"]`);
    const name = control ? labelOf(control) : t(OUTAGE_FIELDS[e.field] || 'desk.outages.formHeading');
    showError(control, t('desk.outages.invalid', { field: name }));
  };

  const runPreview = async (): Promise<number | null> => {
    const body = collect();
    if (!body) return null;
    try {
      const r = await ctx.api.previewOutage(body);
      preview.textContent = recipientsText(r.recipients);
      return r.recipients;
    } catch (e) {
      apiProblem(e);
      return null;
    }
  };

  previewBtn.addEventListener('click', () => { confirmBox.hidden = true; void runPreview(); });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void (async () => {
      const n = await runPreview();
      if (n === null) return;
      const yes = el('button', { type: 'button', class: 'primary', 'data-testid': 'outage-confirm-yes', text: t('desk.outages.confirmPublishYes') });
      const no = el('button', { type: 'button', 'data-testid': 'outage-confirm-no', text: t('desk.outages.cancel') });
      confirmBox.replaceChildren(
        el('p', { id: 'outage-confirm-text', text: `${t('desk.outages.confirmPublish', { title: title.value.trim() })} ${recipientsText(n)}` }),
        yes, ' ', no);
      confirmBox.hidden = false;
      yes.focus();
      no.addEventListener('click', () => { confirmBox.hidden = true; publishBtn.focus(); });
      yes.addEventListener('click', () => {
        const body = collect();
        if (!body) { confirmBox.hidden = true; return; }
        yes.disabled = true;
        void (async () => {
          try {
            const r = await ctx.api.publishOutage(body);
            confirmBox.hidden = true;
            form.reset();
            starts.value = isoToLocal(new Date().toISOString());
            rows.replaceChildren();
            addRow();
            preview.textContent = '';
            announce(t('desk.outages.published', { n: r.recipients }));
            await loadOutages(ctx);
            document.querySelector<HTMLElement>(`[data-testid="outage-item"][data-notice-id="${r.id}"] h3`)?.focus();
          } catch (e) {
            confirmBox.hidden = true;
            apiProblem(e);
          }
        })();
      });
    })();
  });

  form.append(
    el('h2', { id: 'h-outage-form', text: t('desk.outages.formHeading') }),
    el('p', { class: 'help', text: t('desk.outages.formHelp') }),
    el('div', { class: 'grid' },
      field('o-kind', 'desk.outages.kind', kind),
      field('o-title', 'desk.outages.title', title),
      field('o-starts', 'desk.outages.startsAt', starts),
      field('o-ends', 'desk.outages.expectedEndAt', ends),
      field('o-tanker', 'desk.outages.tanker', tanker)),
    field('o-message', 'desk.outages.message', message),
    el('fieldset', { class: 'streets' }, el('legend', { text: t('desk.outages.streets') }), el('p', { class: 'help', text: t('desk.outages.streetsHelp') }), rows, add),
    error,
    el('p', { class: 'buttons' }, previewBtn, ' ', publishBtn),
    preview,
    confirmBox,
  );
  return form;
}

export async function loadOutages(ctx: DeskContext): Promise<void> {
  const list = document.getElementById('outage-list');
  if (!list) return;
  const err = byId('outage-list-error');
  let notices: OutageNoticeDto[];
  try {
    notices = (await ctx.api.outages()).notices;
    err.hidden = true;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) { err.textContent = t('desk.outages.error'); err.hidden = false; }
    return;
  }
  list.replaceChildren(...notices.map((n) => outageItem(ctx, n)));
  byId('outage-list-empty').hidden = notices.length > 0;
}

function streetText(s: OutageStreetDto): string {
  const range = s.from || s.to ? `${s.from || '…'}–${s.to || '…'}` : t('desk.outages.wholeStreet');
  return `${s.street} ${range}` + (s.parity !== 'all' ? ` (${t(parityKey(s.parity))})` : '');
}

/** One notice: what, where, when, delivery counts, and (for supervisors) update / water is back. */
function outageItem(ctx: DeskContext, n: OutageNoticeDto): HTMLElement {
  const hid = `outage-h-${n.id}`;
  const details = el('dl', { class: 'details' });
  const rows: [string, Node | string][] = [
    [t('desk.outages.kind'), n.kind === 'planned' ? t('desk.outages.kindPlanned') : t('desk.outages.kindFailure')],
    [t('desk.outages.starts'), fmtDate(n.startsAt)],
    [t('desk.outages.expectedEnd'), n.expectedEndAt ? fmtDate(n.expectedEndAt) : t('desk.outages.endUnknown')],
    [t('desk.outages.streetsList'), n.streets.map(streetText).join('; ')],
  ];
  if (n.tankerLocation) rows.push([t('desk.outages.tankerAt'), n.tankerLocation]);
  const delivery = el('ul', { class: 'delivery', 'data-testid': 'outage-delivery' }, ...DELIVERY_STATES.map((s) => el('li', { 'data-state': s, class: n.delivery[s] && s === 'failed' ? 'failed' : null, text: `${t(`desk.outages.deliveryState.${s}`)}: ${n.delivery[s] || 0}` })));
  rows.push([t('desk.outages.delivery'), delivery]);
  for (const [term, value] of rows) details.append(el('dt', { text: term }), el('dd', {}, value));
  const status = n.endedAt ? t('desk.outages.endedAt', { date: fmtDate(n.endedAt) }) : t('desk.outages.running');
  const article = el('article', { 'aria-labelledby': hid },
    el('h3', { id: hid, tabindex: '-1', 'data-testid': 'outage-title-text', text: n.title }),
    el('p', { class: 'outage-status', 'data-testid': 'outage-status' }, el('span', { class: `badge ${n.endedAt ? 'ended' : 'running'}`, text: status })),
    el('p', { class: 'customer-text', text: n.message }),
    details);
  if (!n.endedAt && canSupervise(ctx.store.state.me)) article.append(outageActions(ctx, n));
  return el('li', { class: `card outage${n.endedAt ? ' is-ended' : ''}`, 'data-testid': 'outage-item', 'data-notice-id': String(n.id) }, article);
}

function outageActions(ctx: DeskContext, n: OutageNoticeDto): HTMLElement {
  const box = el('div', { class: 'outage-actions' });
  const msg = el('p', { id: `ou-error-${n.id}`, class: 'error', role: 'alert', hidden: true });
  const problem = (e: unknown) => {
    if (e instanceof ApiError && e.status === 401) return;
    msg.textContent = e instanceof ApiError && e.status === 409 ? t('desk.outages.alreadyEnded')
      : e instanceof ApiError && e.status === 400 && e.field ? t('desk.outages.invalid', { field: e.field === 'tankerLocation' ? t('desk.outages.updateTanker') : t('desk.outages.updateEnd') })
        : t('desk.outages.error');
    msg.hidden = false;
  };

  // Update: new expected end and/or tanker location.
  const form = el('form', { class: 'inline-form', 'data-testid': 'outage-update-form', 'aria-labelledby': `ou-h-${n.id}`, novalidate: true });
  const end = el('input', { type: 'datetime-local', 'data-testid': 'outage-update-end' });
  end.value = isoToLocal(n.expectedEndAt);
  const tanker = el('input', { type: 'text', maxlength: '300', 'data-testid': 'outage-update-tanker' });
  tanker.value = n.tankerLocation || '';
  form.append(
    el('h4', { id: `ou-h-${n.id}`, text: t('desk.outages.updateHeading') }),
    field(`ou-end-${n.id}`, 'desk.outages.updateEnd', end),
    field(`ou-tanker-${n.id}`, 'desk.outages.updateTanker', tanker),
    el('button', { type: 'submit', 'data-testid': 'outage-update-send', text: t('desk.outages.sendUpdate') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    const body: OutageUpdateRequest = {};
    if (end.value !== isoToLocal(n.expectedEndAt)) body.expectedEndAt = localToIso(end.value);
    if (tanker.value.trim() !== (n.tankerLocation || '')) body.tankerLocation = tanker.value.trim() || null;
    if (!Object.keys(body).length) { msg.textContent = t('desk.outages.nothingChanged'); msg.hidden = false; end.focus(); return; }
    void (async () => {
      try {
        const r = await ctx.api.updateOutage(n.id, body);
        announce(t('desk.outages.updated', { n: r.recipients }));
        await loadOutages(ctx);
        focusNotice(n.id);
      } catch (e) { problem(e); }
    })();
  });

  // Water is back, after a confirmation.
  const endBtn = el('button', { type: 'button', class: 'primary', 'data-testid': 'outage-end', text: t('desk.outages.end') });
  const confirm = el('div', { class: 'confirm', role: 'group', 'aria-labelledby': `oe-text-${n.id}`, 'data-testid': 'outage-end-confirm', hidden: true });
  const yes = el('button', { type: 'button', class: 'primary', 'data-testid': 'outage-end-yes', text: t('desk.outages.confirmEndYes') });
  const no = el('button', { type: 'button', 'data-testid': 'outage-end-no', text: t('desk.outages.cancel') });
  confirm.append(el('p', { id: `oe-text-${n.id}`, text: t('desk.outages.confirmEnd', { title: n.title }) }), yes, ' ', no);
  endBtn.addEventListener('click', () => { confirm.hidden = false; yes.focus(); });
  no.addEventListener('click', () => { confirm.hidden = true; endBtn.focus(); });
  yes.addEventListener('click', () => {
    yes.disabled = true;
    void (async () => {
      try {
        const r = await ctx.api.updateOutage(n.id, { ended: true });
        announce(t('desk.outages.ended', { n: r.recipients }));
        await loadOutages(ctx);
        focusNotice(n.id);
      } catch (e) {
        yes.disabled = false;
        problem(e);
      }
    })();
  });

  box.append(msg, form, el('p', { class: 'buttons' }, endBtn), confirm);
  return box;
}

function focusNotice(id: number): void {
  document.getElementById(`outage-h-${id}`)?.focus();
}
