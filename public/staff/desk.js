// @ts-check
/**
 * The staff desk: login, queue, case view, replies, notes, live handoff, live updates (SSE),
 * and Microsoft Teams tab integration. Plain browser JavaScript, no framework.
 * Everything customers wrote is inserted with textContent — never as HTML.
 */
(function () {
  'use strict';

  /** @type {{texts: Record<string,string>, csrf: string|null, me: {id:number,name:string,role:string}|null, staff: {id:number,name:string}[], embedded: boolean, caseNumber: string|null, events: EventSource|null, queueTimer: number|null}} */
  const state = { texts: {}, csrf: null, me: null, staff: [], embedded: false, caseNumber: null, events: null, queueTimer: null };

  const STATUSES = ['new', 'in_progress', 'waiting_for_customer', 'resolved', 'rejected'];
  const CATEGORIES = ['invoice', 'meter', 'water_quality', 'pressure', 'staff', 'other', 'opinion', 'question', 'comment', 'leak', 'handoff'];
  const CHANNELS = ['webchat', 'telegram', 'msteams'];

  /** @param {string} key @param {Record<string, string|number>} [params] */
  function t(key, params) {
    const tpl = state.texts[key];
    if (tpl === undefined) return key;
    return tpl.replace(/\{(\w+)\}/g, (m, name) => (params && params[name] !== undefined ? String(params[name]) : m));
  }

  /**
   * Creates an element. Strings among children become text nodes (never HTML).
   * @param {string} tag @param {Record<string, string|boolean|number|null|undefined>} [attrs] @param {...(Node|string|null|undefined|false)} children
   */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (v === true) node.setAttribute(k, '');
      else node.setAttribute(k, String(v));
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
    return node;
  }

  /** @param {string} id */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

  const dateFmt = new Intl.DateTimeFormat('pl-PL', { timeZone: 'Europe/Warsaw', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  const dayFmt = new Intl.DateTimeFormat('pl-PL', { timeZone: 'Europe/Warsaw', day: '2-digit', month: '2-digit', year: 'numeric' });
  /** @param {string} iso */
  const fmtDate = (iso) => dateFmt.format(new Date(iso));
  /** @param {string} iso */
  const fmtDay = (iso) => dayFmt.format(new Date(iso));

  /** @param {string} msg */
  function announce(msg) {
    const a = $('announcer');
    a.textContent = '';
    window.setTimeout(() => { a.textContent = msg; }, 50);
  }

  class ApiError extends Error {
    /** @param {number} status @param {{error?: string, message?: string, field?: string}} body */
    constructor(status, body) {
      super(body.message || String(status));
      this.status = status;
      this.code = body.error || '';
      this.field = body.field;
    }
  }

  /** @param {string} method @param {string} path @param {unknown} [body] */
  async function api(method, path, body) {
    /** @type {Record<string,string>} */
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 204) return {};
    const data = await res.json().catch(() => ({}));
    if (res.status === 401 && path !== '/api/staff/login') {
      showLogin();
      throw new ApiError(401, data);
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  /** Fills every `[data-i18n]` element with its text. */
  function applyTexts() {
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.getAttribute('data-i18n') || '');
    document.title = t('desk.title');
  }

  /** @param {'login-view'|'queue-view'|'case-view'} id */
  function show(id) {
    for (const v of ['login-view', 'queue-view', 'case-view']) $(v).hidden = v !== id;
  }

  // --- Microsoft Teams ---------------------------------------------------------------------------------

  /** @param {number} ms */
  const timeout = (ms) => new Promise((_, reject) => window.setTimeout(() => reject(new Error('timeout')), ms));

  /** @param {string} theme */
  function applyTheme(theme) {
    document.body.classList.remove('theme-dark', 'theme-contrast', 'theme-default');
    document.body.classList.add(theme === 'dark' ? 'theme-dark' : theme === 'contrast' ? 'theme-contrast' : 'theme-default');
  }

  /** Initialises teams-js only inside an iframe, and never waits more than a few seconds. */
  async function initTeams() {
    let framed = false;
    try { framed = window.self !== window.top; } catch { framed = true; }
    if (!framed) return false;
    // teams-js is loaded only when framed: standalone, the page makes no call to Microsoft at all.
    try {
      await Promise.race([new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = '/staff/vendor/MicrosoftTeams.min.js';
        s.onload = resolve;
        s.onerror = reject;
        document.head.append(s);
      }), timeout(4000)]);
    } catch {
      return false;
    }
    /** @type {any} */
    const mt = /** @type {any} */ (window).microsoftTeams;
    if (!mt || !mt.app) return false;
    try {
      await Promise.race([mt.app.initialize(), timeout(4000)]);
      const ctx = await Promise.race([mt.app.getContext(), timeout(4000)]);
      applyTheme((ctx && ctx.app && ctx.app.theme) || 'default');
      if (ctx && ctx.app && ctx.app.locale) document.body.dataset.teamsLocale = String(ctx.app.locale);
      mt.app.registerOnThemeChangeHandler(applyTheme);
      document.body.classList.add('in-teams');
      try { mt.app.notifySuccess(); } catch { /* older hosts */ }
      return true;
    } catch {
      return false;
    }
  }

  // --- session -----------------------------------------------------------------------------------------

  function showLogin() {
    closeEvents();
    state.me = null;
    state.csrf = null;
    $('who').hidden = true;
    show('login-view');
    const email = /** @type {HTMLInputElement} */ ($('login-email'));
    email.focus();
  }

  /** @param {{staff: {id:number,name:string,role:string}, csrfToken: string}} data */
  async function signedIn(data) {
    state.me = data.staff;
    state.csrf = data.csrfToken;
    $('who-name').textContent = t('desk.login.signedInAs', { name: data.staff.name });
    $('who').hidden = false;
    const s = await api('GET', '/api/staff/assignees');
    state.staff = s.staff;
    openEvents();
    await route();
  }

  async function onLogin(/** @type {SubmitEvent} */ ev) {
    ev.preventDefault();
    const email = /** @type {HTMLInputElement} */ ($('login-email'));
    const password = /** @type {HTMLInputElement} */ ($('login-password'));
    const err = $('login-error');
    err.hidden = true;
    try {
      const data = await api('POST', '/api/staff/login', { email: email.value, password: password.value, embedded: state.embedded });
      password.value = '';
      await signedIn(data);
    } catch (e) {
      const locked = e instanceof ApiError && /locked/.test(e.message);
      err.textContent = t(locked ? 'desk.login.locked' : 'desk.login.failed');
      err.hidden = false;
      password.value = '';
      password.focus();
    }
  }

  async function onLogout() {
    try { await api('POST', '/api/staff/logout'); } catch { /* already gone */ }
    showLogin();
  }

  // --- live updates ------------------------------------------------------------------------------------

  function openEvents() {
    closeEvents();
    const es = new EventSource('/api/staff/events', { withCredentials: true });
    /** @param {string} type @param {string} key */
    const on = (type, key) => es.addEventListener(type, (ev) => {
      let data;
      try { data = JSON.parse(/** @type {MessageEvent} */ (ev).data); } catch { return; }
      if (key) announce(t(key, { caseNumber: data.caseNumber }));
      scheduleQueueRefresh();
      if (state.caseNumber === data.caseNumber && !$('case-view').hidden) void refreshCase(data.caseNumber, type !== 'case.updated' || true);
    });
    on('case.created', 'desk.queue.newCase');
    on('case.customerMessage', 'desk.queue.customerWrote');
    on('handoff.requested', 'desk.queue.handoffRequested');
    on('case.updated', '');
    state.events = es;
  }

  function closeEvents() {
    if (state.events) state.events.close();
    state.events = null;
  }

  function scheduleQueueRefresh() {
    if (state.queueTimer) return;
    state.queueTimer = window.setTimeout(() => {
      state.queueTimer = null;
      if (!$('queue-view').hidden) void loadQueue();
    }, 150);
  }

  // --- queue -------------------------------------------------------------------------------------------

  /** @param {HTMLSelectElement} sel @param {[string,string][]} options */
  function fillSelect(sel, options) {
    const current = sel.value;
    sel.replaceChildren(...options.map(([value, label]) => el('option', { value, text: label })));
    if (options.some(([v]) => v === current)) sel.value = current;
  }

  function setupFilters() {
    fillSelect(/** @type {HTMLSelectElement} */ ($('f-status')), [['open', t('desk.filters.open')], ['all', t('desk.filters.all')], ...STATUSES.map((s) => /** @type {[string,string]} */ ([s, t('desk.status.' + s)]))]);
    fillSelect(/** @type {HTMLSelectElement} */ ($('f-category')), [['', t('desk.filters.anyCategory')], ...CATEGORIES.map((c) => /** @type {[string,string]} */ ([c, t('desk.category.' + c)]))]);
    fillSelect(/** @type {HTMLSelectElement} */ ($('f-channel')), [['', t('desk.filters.anyChannel')], ...CHANNELS.map((c) => /** @type {[string,string]} */ ([c, t('desk.channel.' + c)]))]);
    fillSelect(/** @type {HTMLSelectElement} */ ($('f-assignee')), [['', t('desk.filters.anyone')], ['me', t('desk.filters.mine')], ['none', t('desk.filters.unassigned')]]);
  }

  function queueQuery() {
    const q = new URLSearchParams();
    for (const [id, name] of [['f-status', 'status'], ['f-category', 'category'], ['f-channel', 'channel'], ['f-assignee', 'assignee']]) {
      const v = /** @type {HTMLSelectElement} */ ($(id)).value;
      if (v) q.set(name, v);
    }
    return q.toString();
  }

  async function loadQueue() {
    const data = await api('GET', '/api/staff/cases?' + queueQuery());
    const body = $('queue-body');
    body.replaceChildren(...data.cases.map(queueRow));
    $('queue-empty').hidden = data.cases.length > 0;
  }

  /** @param {any} c */
  function queueRow(c) {
    const link = el('a', { href: '#case/' + encodeURIComponent(c.caseNumber), 'data-testid': 'open-case', text: c.caseNumber });
    const customer = c.customerNumber ? `${c.customerNumber} · ${c.customerName || ''}` : t('desk.queue.notLinked');
    const due = el('td', {}, fmtDay(c.dueAt));
    if (c.overdue) due.append(' ', el('span', { class: 'badge overdue', 'data-testid': 'overdue', text: t('desk.queue.overdue') }));
    const first = el('th', { scope: 'row' }, link);
    if (c.urgent) first.append(' ', el('span', { class: 'badge urgent', text: t('desk.queue.urgent') }));
    return el('tr', { 'data-testid': 'queue-row', 'data-case-number': c.caseNumber, class: c.overdue ? 'is-overdue' : null },
      first,
      el('td', {}, customer),
      el('td', {}, t('desk.kind.' + c.kind) + ' · ' + t('desk.category.' + c.category)),
      el('td', {}, t('desk.channel.' + c.channel)),
      el('td', { 'data-testid': 'queue-status' }, t('desk.status.' + c.status), c.handoffState === 'queued' ? el('span', { class: 'badge waiting', text: ' ' + t('desk.handoff.waiting') }) : null),
      el('td', {}, fmtDate(c.createdAt)),
      due,
      el('td', {}, c.assignee ? c.assignee.name || '' : t('desk.queue.unassigned')),
    );
  }

  // --- case view ---------------------------------------------------------------------------------------

  /** @param {string} caseNumber @param {boolean} [quiet] */
  async function refreshCase(caseNumber, quiet) {
    const view = $('case-view');
    // Keep what the user is typing across refreshes.
    /** @type {Record<string,string>} */
    const drafts = {};
    for (const ta of view.querySelectorAll('textarea')) drafts[ta.id] = /** @type {HTMLTextAreaElement} */ (ta).value;
    const active = document.activeElement && document.activeElement.id;
    let data;
    try {
      data = await api('GET', '/api/staff/cases/' + encodeURIComponent(caseNumber));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        view.replaceChildren(el('h1', { id: 'case-heading', tabindex: '-1', text: t('desk.case.notFound') }), backButton());
        return;
      }
      throw e;
    }
    renderCase(data);
    for (const [id, v] of Object.entries(drafts)) {
      const ta = document.getElementById(id);
      if (ta && v) /** @type {HTMLTextAreaElement} */ (ta).value = v;
    }
    if (quiet && active && document.getElementById(active)) /** @type {HTMLElement} */ (document.getElementById(active)).focus();
  }

  function backButton() {
    return el('p', {}, el('a', { href: '#queue', class: 'back', 'data-testid': 'back', text: t('desk.case.back') }));
  }

  /** @param {string} term @param {Node|string|null} value */
  const dlRow = (term, value) => (value === null || value === '' ? null : [el('dt', { text: term }), el('dd', {}, value)]);

  /** @param {any} d */
  function renderCase(d) {
    const c = d.case;
    const view = $('case-view');
    const details = el('dl', { class: 'details', 'data-testid': 'case-details' });
    const rows = [
      dlRow(t('desk.case.kind'), t('desk.kind.' + c.kind) + ' · ' + t('desk.category.' + c.category)),
      dlRow(t('desk.case.customer'), d.customer ? `${d.customer.number} · ${d.customer.name}` : t('desk.case.customerNone')),
      dlRow(t('desk.queue.channel'), t('desk.channel.' + c.channel)),
      dlRow(t('desk.case.status'), el('span', { 'data-testid': 'case-status', text: t('desk.status.' + c.status) })),
      dlRow(t('desk.queue.created'), fmtDate(c.createdAt)),
      dlRow(t('desk.queue.due'), el('span', {}, fmtDate(c.dueAt), c.overdue ? el('span', { class: 'badge overdue', text: ' ' + t('desk.queue.overdue') }) : null)),
      dlRow(t('desk.queue.assignee'), c.assignee ? c.assignee.name || '' : t('desk.case.nobody')),
      dlRow(t('desk.case.contactPreference'), t('desk.contactPreference.' + c.contactPreference)),
      dlRow(t('desk.case.contact'), c.contact),
      dlRow(t('desk.case.location'), c.location),
    ];
    for (const r of rows) if (r) details.append(...r);

    const parts = [
      backButton(),
      el('h1', { id: 'case-heading', tabindex: '-1', 'data-testid': 'case-heading', text: t('desk.case.heading', { caseNumber: c.caseNumber }) }),
      el('section', { 'aria-labelledby': 'h-details' }, el('h2', { id: 'h-details', text: t('desk.case.details') }), details,
        el('h3', { text: t('desk.case.text') }), el('p', { class: 'customer-text', 'data-testid': 'case-text', text: c.text })),
    ];
    if (c.kind === 'handoff' && d.chat) parts.push(handoffPanel(c, d.chat));
    parts.push(
      threadSection(d.messages),
      actionsSection(c, d.chat),
      attachmentsSection(d.attachments),
      transcriptSection(d.transcript),
      historySection(d.history),
    );
    view.replaceChildren(...parts);
  }

  /** @param {any} c @param {any} chat */
  function handoffPanel(c, chat) {
    const box = el('section', { class: 'handoff', 'aria-labelledby': 'h-handoff', 'data-testid': 'handoff' }, el('h2', { id: 'h-handoff', text: t('desk.kind.handoff') }));
    if (chat.handoffState === 'queued') {
      box.append(el('p', { text: t('desk.handoff.waiting') }));
      const b = el('button', { type: 'button', class: 'primary', 'data-testid': 'handoff-accept', text: t('desk.handoff.accept') });
      b.addEventListener('click', () => act(async () => {
        await api('POST', `/api/staff/handoffs/${encodeURIComponent(c.caseNumber)}/accept`);
        announce(t('desk.handoff.accepted'));
      }, c.caseNumber));
      box.append(b);
    }
    if (chat.handoffState === 'live') {
      box.append(el('p', { 'data-testid': 'handoff-live', text: t('desk.handoff.live', { name: (chat.handoffStaff && chat.handoffStaff.name) || '' }) }));
    }
    if (chat.handoffState !== 'bot') {
      const r = el('button', { type: 'button', 'data-testid': 'handoff-release', text: t('desk.handoff.release') });
      r.addEventListener('click', () => act(async () => {
        await api('POST', `/api/staff/handoffs/${encodeURIComponent(c.caseNumber)}/release`);
        announce(t('desk.handoff.releasedInfo'));
      }, c.caseNumber));
      box.append(r);
    }
    return box;
  }

  /** @param {any[]} messages */
  function threadSection(messages) {
    const list = el('ol', { class: 'thread', 'data-testid': 'thread' });
    for (const m of messages) {
      const who = m.author === 'staff' && m.staffName ? `${t('desk.author.staff')} · ${m.staffName}` : m.author === 'note' && m.staffName ? `${t('desk.author.note')} · ${m.staffName}` : t('desk.author.' + m.author);
      list.append(el('li', { class: 'msg msg-' + m.author, 'data-testid': 'thread-' + m.author },
        el('p', { class: 'meta' }, el('span', { class: 'author', text: who }), ' · ', el('time', { datetime: m.createdAt, text: fmtDate(m.createdAt) })),
        el('p', { class: 'body', text: m.text })));
    }
    return el('section', { 'aria-labelledby': 'h-thread' }, el('h2', { id: 'h-thread', text: t('desk.case.thread') }), messages.length ? list : el('p', { text: t('desk.case.threadEmpty') }));
  }

  /** @param {any[]} transcript */
  function transcriptSection(transcript) {
    const list = el('ol', { class: 'transcript', 'data-testid': 'transcript' });
    for (const e of transcript) {
      list.append(el('li', { class: 'msg msg-' + e.author },
        el('p', { class: 'meta' }, el('span', { class: 'author', text: t('desk.author.' + e.author) }), ' · ', el('time', { datetime: e.createdAt, text: fmtDate(e.createdAt) })),
        el('p', { class: 'body', text: e.text })));
    }
    return el('section', { 'aria-labelledby': 'h-transcript' }, el('h2', { id: 'h-transcript', text: t('desk.case.transcript') }), transcript.length ? list : el('p', { text: t('desk.case.transcriptEmpty') }));
  }

  /** @param {any[]} attachments */
  function attachmentsSection(attachments) {
    const list = el('ul', { class: 'attachments', 'data-testid': 'attachments' });
    for (const a of attachments) {
      const link = el('a', { href: a.url, target: '_blank', rel: 'noopener', text: a.fileName });
      list.append(el('li', {}, a.inline ? el('figure', {}, el('img', { src: a.url, alt: t('desk.case.attachmentImage', { fileName: a.fileName }), loading: 'lazy' }), el('figcaption', {}, link)) : link));
    }
    return el('section', { 'aria-labelledby': 'h-attachments' }, el('h2', { id: 'h-attachments', text: t('desk.case.attachments') }), attachments.length ? list : el('p', { text: t('desk.case.attachmentsEmpty') }));
  }

  /** @param {any[]} history */
  function historySection(history) {
    const list = el('ol', { class: 'history', 'data-testid': 'history' });
    for (const h of history) {
      const from = h.fromStatus ? t('desk.status.' + h.fromStatus) : '—';
      const by = h.changedBy === 'staff' ? h.staffName || t('desk.author.staff') : h.changedBy === 'customer' ? t('desk.case.changedByCustomer') : t('desk.case.changedBySystem');
      list.append(el('li', {}, el('time', { datetime: h.createdAt, text: fmtDate(h.createdAt) }), ' · ', t('desk.case.historyEntry', { from, to: t('desk.status.' + h.toStatus) }), ' · ', by));
    }
    return el('section', { 'aria-labelledby': 'h-history' }, el('h2', { id: 'h-history', text: t('desk.case.history') }), list);
  }

  /** Runs an action, then reloads the case and the queue; errors are shown in the live region. @param {() => Promise<void>} fn @param {string} caseNumber */
  async function act(fn, caseNumber) {
    try {
      await fn();
      await refreshCase(caseNumber, true);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) {
        const msg = e instanceof ApiError && e.code === 'reopen_forbidden' ? t('desk.case.reopenForbidden') : e instanceof ApiError && e.code === 'taken' ? t('desk.handoff.taken') : t('desk.case.error');
        const box = document.getElementById('case-error');
        if (box) { box.textContent = msg; box.hidden = false; }
        announce(msg);
      }
    }
  }

  /** @param {any} c @param {any} chat */
  function actionsSection(c, chat) {
    const live = chat && chat.handoffState === 'live';
    const sec = el('section', { 'aria-labelledby': 'h-actions', class: 'actions' }, el('h2', { id: 'h-actions', class: 'visually-hidden', text: t('desk.case.details') }));
    sec.append(el('p', { id: 'case-error', class: 'error', role: 'alert', hidden: true }));

    // Reply (or live message)
    const reply = el('form', { class: 'card', 'data-testid': 'reply-form', novalidate: true });
    const cannedSel = el('select', { id: 'canned', 'data-testid': 'canned' });
    const cannedKeys = Object.keys(state.texts).filter((k) => /^desk\.canned\.\w+\.label$/.test(k)).map((k) => k.slice(0, -'.label'.length));
    cannedSel.append(el('option', { value: '', text: t('desk.case.cannedNone') }), ...cannedKeys.map((k) => el('option', { value: k, text: t(k + '.label') })));
    const replyText = /** @type {HTMLTextAreaElement} */ (el('textarea', { id: 'reply-text', rows: '5', maxlength: '4000', 'aria-describedby': 'reply-help', 'data-testid': 'reply-text' }));
    cannedSel.addEventListener('change', () => {
      const v = /** @type {HTMLSelectElement} */ (cannedSel).value;
      if (v) {
        replyText.value = replyText.value ? replyText.value + '\n' + t(v + '.text') : t(v + '.text');
        /** @type {HTMLSelectElement} */ (cannedSel).value = '';
        replyText.focus();
      }
    });
    reply.append(
      el('h3', { text: live ? t('desk.handoff.liveLabel') : t('desk.case.reply') }),
      live ? null : el('p', { class: 'field' }, el('label', { for: 'canned', text: t('desk.case.canned') }), cannedSel),
      el('p', { class: 'field' }, el('label', { for: 'reply-text', text: live ? t('desk.handoff.liveLabel') : t('desk.case.reply') }), replyText),
      el('p', { id: 'reply-help', class: 'help', text: live ? t('desk.handoff.accepted') : t('desk.case.replyHelp') }),
      el('button', { type: 'submit', class: 'primary', 'data-testid': 'reply-send', text: live ? t('desk.handoff.sendLive') : t('desk.case.replySend') }),
    );
    reply.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = replyText.value.trim();
      if (!text) { announce(t('desk.case.required')); replyText.focus(); return; }
      void act(async () => {
        const r = await api('POST', `/api/staff/cases/${encodeURIComponent(c.caseNumber)}/messages`, { text });
        replyText.value = '';
        announce(r.delivery === 'queued' ? t('desk.case.replySent') : t('desk.case.replyStored'));
      }, c.caseNumber).then(() => {
        const ta = document.getElementById('reply-text');
        if (ta) /** @type {HTMLTextAreaElement} */ (ta).value = '';
      });
    });

    // Status
    const statusForm = el('form', { class: 'card inline', 'data-testid': 'status-form' });
    const statusSel = el('select', { id: 'status-select', 'data-testid': 'status-select' }, ...STATUSES.map((s) => el('option', { value: s, text: t('desk.status.' + s), selected: s === c.status })));
    statusForm.append(el('p', { class: 'field' }, el('label', { for: 'status-select', text: t('desk.case.status') }), statusSel), el('button', { type: 'submit', 'data-testid': 'status-save', text: t('desk.case.statusSave') }));
    statusForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const status = /** @type {HTMLSelectElement} */ (statusSel).value;
      void act(async () => {
        await api('PATCH', '/api/staff/cases/' + encodeURIComponent(c.caseNumber), { status });
        announce(t('desk.case.statusChanged', { status: t('desk.status.' + status) }));
      }, c.caseNumber);
    });

    // Assignment
    const assignForm = el('form', { class: 'card inline', 'data-testid': 'assign-form' });
    const assignSel = el('select', { id: 'assign-select', 'data-testid': 'assign-select' }, el('option', { value: '', text: t('desk.case.nobody') }), ...state.staff.map((s) => el('option', { value: String(s.id), text: s.name, selected: c.assignee && c.assignee.id === s.id })));
    const meBtn = el('button', { type: 'button', 'data-testid': 'assign-me', text: t('desk.case.assignMe') });
    /** @param {number|null} id */
    const assign = (id) => act(async () => {
      await api('PATCH', '/api/staff/cases/' + encodeURIComponent(c.caseNumber), { assignee: id });
      const who = state.staff.find((s) => s.id === id);
      announce(t('desk.case.assigned', { name: who ? who.name : t('desk.case.nobody') }));
    }, c.caseNumber);
    meBtn.addEventListener('click', () => { if (state.me) void assign(state.me.id); });
    assignForm.append(el('p', { class: 'field' }, el('label', { for: 'assign-select', text: t('desk.case.assign') }), assignSel), el('button', { type: 'submit', text: t('desk.case.assignSave') }), ' ', meBtn);
    assignForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = /** @type {HTMLSelectElement} */ (assignSel).value;
      void assign(v ? Number(v) : null);
    });

    // Internal note
    const noteForm = el('form', { class: 'card', 'data-testid': 'note-form', novalidate: true });
    const noteText = /** @type {HTMLTextAreaElement} */ (el('textarea', { id: 'note-text', rows: '3', maxlength: '4000', 'aria-describedby': 'note-help', 'data-testid': 'note-text' }));
    noteForm.append(el('h3', { text: t('desk.case.note') }), el('p', { class: 'field' }, el('label', { for: 'note-text', text: t('desk.case.note') }), noteText), el('p', { id: 'note-help', class: 'help', text: t('desk.case.noteHelp') }), el('button', { type: 'submit', 'data-testid': 'note-save', text: t('desk.case.noteSave') }));
    noteForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = noteText.value.trim();
      if (!text) { announce(t('desk.case.required')); noteText.focus(); return; }
      void act(async () => {
        await api('POST', `/api/staff/cases/${encodeURIComponent(c.caseNumber)}/notes`, { text });
        noteText.value = '';
        announce(t('desk.case.noteSaved'));
      }, c.caseNumber).then(() => {
        const ta = document.getElementById('note-text');
        if (ta) /** @type {HTMLTextAreaElement} */ (ta).value = '';
      });
    });

    sec.append(reply, statusForm, assignForm, noteForm);
    return sec;
  }

  // --- routing -----------------------------------------------------------------------------------------

  async function route() {
    if (!state.me) return;
    const m = /^#case\/(.+)$/.exec(location.hash);
    if (m) {
      const caseNumber = decodeURIComponent(m[1]);
      state.caseNumber = caseNumber;
      show('case-view');
      await refreshCase(caseNumber);
      const h = document.getElementById('case-heading');
      if (h) h.focus();
    } else {
      state.caseNumber = null;
      show('queue-view');
      await loadQueue();
      $('queue-heading').focus();
    }
  }

  async function start() {
    const [texts, embedded] = await Promise.all([fetch('/api/staff/i18n').then((r) => r.json()), initTeams()]);
    state.texts = texts.texts;
    state.embedded = embedded;
    applyTexts();
    setupFilters();
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', onLogout);
    $('filters').addEventListener('submit', (ev) => { ev.preventDefault(); void loadQueue(); });
    window.addEventListener('hashchange', () => { void route(); });
    try {
      const me = await api('GET', '/api/staff/me');
      await signedIn(me);
    } catch {
      showLogin();
    }
    document.body.dataset.ready = 'true';
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => { void start(); });
  else void start();
})();
