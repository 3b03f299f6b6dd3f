/** The case view: details, live handoff, thread, reply / status / assignment / note, attachments, transcript, history. */
import type { AttachmentDto, CaseChatDto, CaseDetailResponse, CaseMessageDto, CaseStatusDto, StatusChangeDto, TranscriptEntryDto } from '../../src/staff/dto.js';
import { ApiError } from '../api/client.js';
import type { DeskContext } from '../context.js';
import { announce, byId, el, fmtDate } from '../dom.js';
import { t, textKeys } from '../i18n.js';
import { STATUSES } from './queue.js';

type CaseData = CaseDetailResponse['case'];

/** Loads and renders the case; keeps what the user is typing (and, when `quiet`, the focus) across refreshes. */
export async function refreshCase(ctx: DeskContext, caseNumber: string, quiet = false): Promise<void> {
  const view = byId('case-view');
  const drafts: Record<string, string> = {};
  for (const ta of view.querySelectorAll('textarea')) drafts[ta.id] = ta.value;
  const active = document.activeElement?.id;
  let data: CaseDetailResponse;
  try {
    data = await ctx.api.caseDetail(caseNumber);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      view.replaceChildren(el('h1', { id: 'case-heading', tabindex: '-1', text: t('desk.case.notFound') }), backButton());
      return;
    }
    throw e;
  }
  renderCase(ctx, data);
  for (const [id, v] of Object.entries(drafts)) {
    const ta = document.getElementById(id);
    if (ta instanceof HTMLTextAreaElement && v) ta.value = v;
  }
  if (quiet && active) document.getElementById(active)?.focus();
}

function backButton(): HTMLElement {
  return el('p', {}, el('a', { href: '#queue', class: 'back', 'data-testid': 'back', text: t('desk.case.back') }));
}

const dlRow = (term: string, value: Node | string | null): HTMLElement[] | null => (value === null || value === '' ? null : [el('dt', { text: term }), el('dd', {}, value)]);

function renderCase(ctx: DeskContext, d: CaseDetailResponse): void {
  const c = d.case;
  const details = el('dl', { class: 'details', 'data-testid': 'case-details' });
  const rows = [
    dlRow(t('desk.case.kind'), `${t(`desk.kind.${c.kind}`)} · ${t(`desk.category.${c.category}`)}`),
    dlRow(t('desk.case.customer'), d.customer ? `${d.customer.number} · ${d.customer.name}` : t('desk.case.customerNone')),
    dlRow(t('desk.queue.channel'), t(`desk.channel.${c.channel}`)),
    dlRow(t('desk.case.status'), el('span', { 'data-testid': 'case-status', text: t(`desk.status.${c.status}`) })),
    dlRow(t('desk.queue.created'), fmtDate(c.createdAt)),
    dlRow(t('desk.queue.due'), el('span', {}, fmtDate(c.dueAt), c.overdue ? ' ' : null, c.overdue ? el('span', { class: 'badge overdue', text: t('desk.queue.overdue') }) : null)),
    dlRow(t('desk.queue.assignee'), c.assignee ? c.assignee.name || '' : t('desk.case.nobody')),
    dlRow(t('desk.case.contactPreference'), t(`desk.contactPreference.${c.contactPreference}`)),
    dlRow(t('desk.case.contact'), c.contact),
    dlRow(t('desk.case.location'), c.location),
  ];
  for (const r of rows) if (r) details.append(...r);

  const parts: HTMLElement[] = [
    backButton(),
    el('h1', { id: 'case-heading', tabindex: '-1', 'data-testid': 'case-heading', text: t('desk.case.heading', { caseNumber: c.caseNumber }) }),
    el('section', { 'aria-labelledby': 'h-details' }, el('h2', { id: 'h-details', text: t('desk.case.details') }), details,
      el('h3', { text: t('desk.case.text') }), el('p', { class: 'customer-text', 'data-testid': 'case-text', text: c.text })),
  ];
  if (c.kind === 'handoff' && d.chat) parts.push(handoffPanel(ctx, c, d.chat));
  parts.push(
    threadSection(d.messages),
    actionsSection(ctx, c, d.chat),
    attachmentsSection(d.attachments),
    transcriptSection(d.transcript),
    historySection(d.history),
  );
  byId('case-view').replaceChildren(...parts);
}

function handoffPanel(ctx: DeskContext, c: CaseData, chat: CaseChatDto): HTMLElement {
  const box = el('section', { class: 'handoff', 'aria-labelledby': 'h-handoff', 'data-testid': 'handoff' }, el('h2', { id: 'h-handoff', text: t('desk.kind.handoff') }));
  if (chat.handoffState === 'queued') {
    box.append(el('p', { text: t('desk.handoff.waiting') }));
    const b = el('button', { type: 'button', class: 'primary', 'data-testid': 'handoff-accept', text: t('desk.handoff.accept') });
    b.addEventListener('click', () => void act(ctx, c.caseNumber, async () => {
      await ctx.api.acceptHandoff(c.caseNumber);
      announce(t('desk.handoff.accepted'));
    }));
    box.append(b);
  }
  if (chat.handoffState === 'live') {
    box.append(el('p', { 'data-testid': 'handoff-live', text: t('desk.handoff.live', { name: chat.handoffStaff?.name || '' }) }));
  }
  if (chat.handoffState !== 'bot') {
    const r = el('button', { type: 'button', 'data-testid': 'handoff-release', text: t('desk.handoff.release') });
    r.addEventListener('click', () => void act(ctx, c.caseNumber, async () => {
      await ctx.api.releaseHandoff(c.caseNumber);
      announce(t('desk.handoff.releasedInfo'));
    }));
    box.append(r);
  }
  return box;
}

function msgMeta(author: string, createdAt: string): HTMLElement {
  return el('p', { class: 'meta' }, el('span', { class: 'author', text: author }), ' · ', el('time', { datetime: createdAt, text: fmtDate(createdAt) }));
}

function threadSection(messages: CaseMessageDto[]): HTMLElement {
  const list = el('ol', { class: 'thread', 'data-testid': 'thread' });
  for (const m of messages) {
    const who = m.author === 'staff' && m.staffName ? `${t('desk.author.staff')} · ${m.staffName}` : m.author === 'note' && m.staffName ? `${t('desk.author.note')} · ${m.staffName}` : t(`desk.author.${m.author}`);
    list.append(el('li', { class: `msg msg-${m.author}`, 'data-testid': `thread-${m.author}` }, msgMeta(who, m.createdAt), el('p', { class: 'body', text: m.text })));
  }
  return el('section', { 'aria-labelledby': 'h-thread' }, el('h2', { id: 'h-thread', text: t('desk.case.thread') }), messages.length ? list : el('p', { text: t('desk.case.threadEmpty') }));
}

function transcriptSection(transcript: TranscriptEntryDto[]): HTMLElement {
  const list = el('ol', { class: 'transcript', 'data-testid': 'transcript' });
  for (const e of transcript) list.append(el('li', { class: `msg msg-${e.author}` }, msgMeta(t(`desk.author.${e.author}`), e.createdAt), el('p', { class: 'body', text: e.text })));
  return el('section', { 'aria-labelledby': 'h-transcript' }, el('h2', { id: 'h-transcript', text: t('desk.case.transcript') }), transcript.length ? list : el('p', { text: t('desk.case.transcriptEmpty') }));
}

function attachmentsSection(attachments: AttachmentDto[]): HTMLElement {
  const list = el('ul', { class: 'attachments', 'data-testid': 'attachments' });
  for (const a of attachments) {
    const link = el('a', { href: a.url, target: '_blank', rel: 'noopener', text: a.fileName });
    list.append(el('li', {}, a.inline ? el('figure', {}, el('img', { src: a.url, alt: t('desk.case.attachmentImage', { fileName: a.fileName }), loading: 'lazy' }), el('figcaption', {}, link)) : link));
  }
  return el('section', { 'aria-labelledby': 'h-attachments' }, el('h2', { id: 'h-attachments', text: t('desk.case.attachments') }), attachments.length ? list : el('p', { text: t('desk.case.attachmentsEmpty') }));
}

function historySection(history: StatusChangeDto[]): HTMLElement {
  const list = el('ol', { class: 'history', 'data-testid': 'history' });
  for (const h of history) {
    const from = h.fromStatus ? t(`desk.status.${h.fromStatus}`) : '—';
    const by = h.changedBy === 'staff' ? h.staffName || t('desk.author.staff') : h.changedBy === 'customer' ? t('desk.case.changedByCustomer') : t('desk.case.changedBySystem');
    list.append(el('li', {}, el('time', { datetime: h.createdAt, text: fmtDate(h.createdAt) }), ' · ', t('desk.case.historyEntry', { from, to: t(`desk.status.${h.toStatus}`) }), ' · ', by));
  }
  return el('section', { 'aria-labelledby': 'h-history' }, el('h2', { id: 'h-history', text: t('desk.case.history') }), list);
}

/** Runs an action, then reloads the case; errors are shown in the case's alert and the live region. */
async function act(ctx: DeskContext, caseNumber: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    await refreshCase(ctx, caseNumber, true);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    const msg = e instanceof ApiError && e.code === 'reopen_forbidden' ? t('desk.case.reopenForbidden') : e instanceof ApiError && e.code === 'taken' ? t('desk.handoff.taken') : t('desk.case.error');
    const box = document.getElementById('case-error');
    if (box) { box.textContent = msg; box.hidden = false; }
    announce(msg);
  }
}

/** Empties the textarea `id` (after a refresh re-rendered it with the draft). */
const clearDraft = (id: string) => {
  const ta = document.getElementById(id);
  if (ta instanceof HTMLTextAreaElement) ta.value = '';
};

function actionsSection(ctx: DeskContext, c: CaseData, chat: CaseChatDto | null): HTMLElement {
  const live = chat?.handoffState === 'live';
  const sec = el('section', { 'aria-labelledby': 'h-actions', class: 'actions' }, el('h2', { id: 'h-actions', class: 'visually-hidden', text: t('desk.case.details') }));
  sec.append(el('p', { id: 'case-error', class: 'error', role: 'alert', hidden: true }));

  // Reply (or live message)
  const reply = el('form', { class: 'card', 'data-testid': 'reply-form', novalidate: true });
  const cannedSel = el('select', { id: 'canned', 'data-testid': 'canned' });
  const cannedKeys = textKeys().filter((k) => /^desk\.canned\.\w+\.label$/.test(k)).map((k) => k.slice(0, -'.label'.length));
  cannedSel.append(el('option', { value: '', text: t('desk.case.cannedNone') }), ...cannedKeys.map((k) => el('option', { value: k, text: t(`${k}.label`) })));
  const replyText = el('textarea', { id: 'reply-text', rows: '5', maxlength: '4000', 'aria-describedby': 'reply-help', 'data-testid': 'reply-text' });
  cannedSel.addEventListener('change', () => {
    const v = cannedSel.value;
    if (!v) return;
    replyText.value = replyText.value ? `${replyText.value}\n${t(`${v}.text`)}` : t(`${v}.text`);
    cannedSel.value = '';
    replyText.focus();
  });
  reply.append(
    el('h3', { text: live ? t('desk.handoff.liveLabel') : t('desk.case.reply') }),
    ...(live ? [] : [el('p', { class: 'field' }, el('label', { for: 'canned', text: t('desk.case.canned') }), cannedSel)]),
    el('p', { class: 'field' }, el('label', { for: 'reply-text', text: live ? t('desk.handoff.liveLabel') : t('desk.case.reply') }), replyText),
    el('p', { id: 'reply-help', class: 'help', text: live ? t('desk.handoff.accepted') : t('desk.case.replyHelp') }),
    el('button', { type: 'submit', class: 'primary', 'data-testid': 'reply-send', text: live ? t('desk.handoff.sendLive') : t('desk.case.replySend') }),
  );
  reply.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = replyText.value.trim();
    if (!text) { announce(t('desk.case.required')); replyText.focus(); return; }
    void act(ctx, c.caseNumber, async () => {
      const r = await ctx.api.reply(c.caseNumber, text);
      replyText.value = '';
      announce(r.delivery === 'queued' ? t('desk.case.replySent') : t('desk.case.replyStored'));
    }).then(() => clearDraft('reply-text'));
  });

  // Status
  const statusForm = el('form', { class: 'card inline', 'data-testid': 'status-form' });
  const statusSel = el('select', { id: 'status-select', 'data-testid': 'status-select' }, ...STATUSES.map((s) => el('option', { value: s, text: t(`desk.status.${s}`), selected: s === c.status })));
  statusForm.append(el('p', { class: 'field' }, el('label', { for: 'status-select', text: t('desk.case.status') }), statusSel), el('button', { type: 'submit', 'data-testid': 'status-save', text: t('desk.case.statusSave') }));
  statusForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const status = statusSel.value as CaseStatusDto;
    void act(ctx, c.caseNumber, async () => {
      await ctx.api.patchCase(c.caseNumber, { status });
      announce(t('desk.case.statusChanged', { status: t(`desk.status.${status}`) }));
    });
  });

  // Assignment
  const { staff, me } = ctx.store.state;
  const assignForm = el('form', { class: 'card inline', 'data-testid': 'assign-form' });
  const assignSel = el('select', { id: 'assign-select', 'data-testid': 'assign-select' }, el('option', { value: '', text: t('desk.case.nobody') }), ...staff.map((s) => el('option', { value: String(s.id), text: s.name, selected: c.assignee?.id === s.id })));
  const meBtn = el('button', { type: 'button', 'data-testid': 'assign-me', text: t('desk.case.assignMe') });
  const assign = (id: number | null) => act(ctx, c.caseNumber, async () => {
    await ctx.api.patchCase(c.caseNumber, { assignee: id });
    const who = staff.find((s) => s.id === id);
    announce(t('desk.case.assigned', { name: who ? who.name : t('desk.case.nobody') }));
  });
  meBtn.addEventListener('click', () => { if (me) void assign(me.id); });
  assignForm.append(el('p', { class: 'field' }, el('label', { for: 'assign-select', text: t('desk.case.assign') }), assignSel), el('button', { type: 'submit', text: t('desk.case.assignSave') }), ' ', meBtn);
  assignForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = assignSel.value;
    void assign(v ? Number(v) : null);
  });

  // Internal note
  const noteForm = el('form', { class: 'card', 'data-testid': 'note-form', novalidate: true });
  const noteText = el('textarea', { id: 'note-text', rows: '3', maxlength: '4000', 'aria-describedby': 'note-help', 'data-testid': 'note-text' });
  noteForm.append(el('h3', { text: t('desk.case.note') }), el('p', { class: 'field' }, el('label', { for: 'note-text', text: t('desk.case.note') }), noteText), el('p', { id: 'note-help', class: 'help', text: t('desk.case.noteHelp') }), el('button', { type: 'submit', 'data-testid': 'note-save', text: t('desk.case.noteSave') }));
  noteForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = noteText.value.trim();
    if (!text) { announce(t('desk.case.required')); noteText.focus(); return; }
    void act(ctx, c.caseNumber, async () => {
      await ctx.api.note(c.caseNumber, text);
      noteText.value = '';
      announce(t('desk.case.noteSaved'));
    }).then(() => clearDraft('note-text'));
  });

  sec.append(reply, statusForm, assignForm, noteForm);
  return sec;
}
