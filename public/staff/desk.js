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

  /** @param {'login-view'|'queue-view'|'case-view'|'outages-view'} id */
  function show(id) {
    for (const v of ['login-view', 'queue-view', 'case-view', 'outages-view']) $(v).hidden = v !== id;
    for (const a of document.querySelectorAll('nav.views a')) {
      if (id === a.getAttribute('data-view') + '-view') a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
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

  // --- outages (issue 8) -------------------------------------------------------------------------------

  const PARITIES = ['all', 'odd', 'even'];
  const DELIVERY_STATES = ['queued', 'sending', 'sent', 'failed', 'skipped'];
  const plural = new Intl.PluralRules('pl-PL');
  /** Labels of the form fields the API may name in a 400. */
  const OUTAGE_FIELDS = { kind: 'desk.outages.kind', title: 'desk.outages.title', message: 'desk.outages.message', startsAt: 'desk.outages.startsAt', expectedEndAt: 'desk.outages.expectedEndAt', tankerLocation: 'desk.outages.tanker', streets: 'desk.outages.streets' };
  let streetSeq = 0;

  const canPublish = () => !!state.me && (state.me.role === 'supervisor' || state.me.role === 'admin');

  /** @param {number} n */
  const recipientsText = (n) => (n === 0 ? t('desk.outages.recipients.none') : t('desk.outages.recipients.' + plural.select(n), { n }));

  /** A `datetime-local` value (the browser's time zone) as an ISO instant, or null. @param {string} v */
  function localToIso(v) {
    if (!v) return null;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }

  /** An ISO instant as a `datetime-local` value. @param {string|null} iso */
  function isoToLocal(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }

  /** @param {string} id @param {string} labelKey @param {HTMLElement} control @param {string} [help] */
  function field(id, labelKey, control, help) {
    control.id = id;
    if (help) control.setAttribute('aria-describedby', id + '-help');
    return el('p', { class: 'field' }, el('label', { for: id, text: t(labelKey) }), control, help ? el('span', { id: id + '-help', class: 'help', text: help }) : null);
  }

  async function showOutages() {
    const view = $('outages-view');
    const parts = [el('h1', { id: 'outages-heading', tabindex: '-1', 'data-testid': 'outages-heading', text: t('desk.outages.heading') })];
    if (canPublish()) parts.push(outageForm());
    else parts.push(el('p', { class: 'help', 'data-testid': 'outages-readonly', text: t('desk.outages.readOnly') }));
    parts.push(el('section', { 'aria-labelledby': 'h-outage-list', class: 'outage-list-section' },
      el('h2', { id: 'h-outage-list', text: t('desk.outages.listHeading') }),
      el('p', { class: 'help', text: t('desk.outages.listHelp') }),
      (() => { const b = el('button', { type: 'button', 'data-testid': 'outages-refresh', text: t('desk.outages.refresh') }); b.addEventListener('click', () => { void loadOutages(); }); return b; })(),
      el('p', { id: 'outage-list-error', class: 'error', role: 'alert', hidden: true }),
      el('ul', { id: 'outage-list', class: 'outage-list', 'data-testid': 'outage-list' }),
      el('p', { id: 'outage-list-empty', 'data-testid': 'outage-list-empty', hidden: true, text: t('desk.outages.listEmpty') })));
    view.replaceChildren(...parts);
    await loadOutages();
  }

  /** The form for a new notice: fields, streets (add/remove), preview, publish with a confirmation. */
  function outageForm() {
    const form = /** @type {HTMLFormElement} */ (el('form', { class: 'card outage-form', 'data-testid': 'outage-form', novalidate: true, 'aria-labelledby': 'h-outage-form' }));
    const kind = el('select', { name: 'kind', 'data-testid': 'outage-kind' }, el('option', { value: 'failure', text: t('desk.outages.kindFailure') }), el('option', { value: 'planned', text: t('desk.outages.kindPlanned') }));
    const title = el('input', { type: 'text', name: 'title', maxlength: '200', required: true, 'data-testid': 'outage-title' });
    const message = el('textarea', { name: 'message', rows: '4', maxlength: '4000', required: true, 'data-testid': 'outage-message' });
    const starts = el('input', { type: 'datetime-local', name: 'startsAt', required: true, 'data-testid': 'outage-starts' });
    /** @type {HTMLInputElement} */ (starts).value = isoToLocal(new Date().toISOString());
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

    /** Renumbers the street rows' legends and remove buttons; the only row cannot be removed. */
    const renumber = () => {
      const all = [...rows.querySelectorAll('fieldset.street-row')];
      all.forEach((fs, i) => {
        const legend = fs.querySelector('legend');
        if (legend) legend.textContent = t('desk.outages.streetN', { n: i + 1 });
        const rm = /** @type {HTMLButtonElement} */ (fs.querySelector('button.remove-street'));
        rm.textContent = t('desk.outages.removeStreet', { n: i + 1 });
        rm.hidden = all.length === 1;
      });
    };

    const addRow = () => {
      const k = ++streetSeq;
      const parity = el('select', { 'data-testid': 'street-parity' }, ...PARITIES.map((p) => el('option', { value: p, text: t('desk.outages.parity' + p[0].toUpperCase() + p.slice(1)) })));
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
        const focusTo = next && next.querySelector('input');
        if (focusTo) /** @type {HTMLInputElement} */ (focusTo).focus();
      });
      rows.append(fs);
      renumber();
      return fs;
    };
    add.addEventListener('click', () => {
      const fs = addRow();
      clearPreview();
      /** @type {HTMLInputElement} */ (fs.querySelector('input')).focus();
    });
    addRow();

    form.addEventListener('input', () => { preview.textContent = ''; });

    /** @param {HTMLElement|null} control @param {string} msg */
    const showError = (control, msg) => {
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
    /** @param {HTMLElement} control */
    const labelOf = (control) => {
      const l = form.querySelector(`label[for="${control.id}"]`);
      const fs = control.closest('fieldset.street-row');
      const legend = fs && fs.querySelector('legend');
      return (legend ? legend.textContent + ' — ' : '') + (l ? l.textContent : '');
    };

    /** Reads and checks the form; shows the first problem and returns null. */
    const collect = () => {
      clearErrors();
      /** @type {[HTMLInputElement|HTMLTextAreaElement, string][]} */
      const required = [[/** @type {HTMLInputElement} */ (title), 'desk.outages.title'], [/** @type {HTMLTextAreaElement} */ (message), 'desk.outages.message'], [/** @type {HTMLInputElement} */ (starts), 'desk.outages.startsAt']];
      for (const [c, key] of required) if (!c.value.trim()) { showError(c, t('desk.outages.required', { field: t(key) })); return null; }
      const streets = [];
      for (const fs of rows.querySelectorAll('fieldset.street-row')) {
        const get = (/** @type {string} */ f) => /** @type {HTMLInputElement} */ (fs.querySelector(`[data-field="${f}"]`));
        if (!get('street').value.trim()) { showError(get('street'), t('desk.outages.required', { field: labelOf(get('street')) })); return null; }
        /** @type {Record<string,string>} */
        const s = { street: get('street').value.trim(), parity: get('parity').value };
        if (get('from').value.trim()) s.from = get('from').value.trim();
        if (get('to').value.trim()) s.to = get('to').value.trim();
        streets.push(s);
      }
      return {
        kind: /** @type {HTMLSelectElement} */ (kind).value,
        title: /** @type {HTMLInputElement} */ (title).value.trim(),
        message: /** @type {HTMLTextAreaElement} */ (message).value.trim(),
        startsAt: localToIso(/** @type {HTMLInputElement} */ (starts).value),
        expectedEndAt: localToIso(/** @type {HTMLInputElement} */ (ends).value),
        tankerLocation: /** @type {HTMLInputElement} */ (tanker).value.trim() || null,
        streets,
      };
    };

    /** Maps a 400 from the API (`streets[1].from`, `title`, …) to the control and says what to fix. @param {unknown} e */
    const apiProblem = (e) => {
      if (!(e instanceof ApiError)) { showError(null, t('desk.outages.error')); return; }
      if (e.status === 401) return;
      if (e.status !== 400 || !e.field) { showError(null, t('desk.outages.error')); return; }
      const m = /^streets\[(\d+)\]\.(\w+)$/.exec(e.field);
      /** @type {HTMLElement|null} */
      let control = null;
      if (m) {
        const fs = rows.querySelectorAll('fieldset.street-row')[Number(m[1])];
        control = fs ? /** @type {HTMLElement|null} */ (fs.querySelector(`[data-field="${m[2]}"]`)) : null;
      } else if (e.field === 'streets') control = /** @type {HTMLElement|null} */ (rows.querySelector('input'));
      else control = /** @type {HTMLElement|null} */ (form.querySelector(`[name="${e.field}"]`));
      const name = control ? labelOf(control) : t(/** @type {Record<string,string>} */ (OUTAGE_FIELDS)[e.field] || 'desk.outages.formHeading');
      showError(control, t('desk.outages.invalid', { field: name }));
    };

    /** @returns {Promise<number|null>} */
    const runPreview = async () => {
      const body = collect();
      if (!body) return null;
      try {
        const r = await api('POST', '/api/staff/outages/preview', body);
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
          el('p', { id: 'outage-confirm-text', text: t('desk.outages.confirmPublish', { title: /** @type {HTMLInputElement} */ (title).value.trim() }) + ' ' + recipientsText(n) }),
          yes, ' ', no);
        confirmBox.hidden = false;
        yes.focus();
        no.addEventListener('click', () => { confirmBox.hidden = true; publishBtn.focus(); });
        yes.addEventListener('click', () => {
          const body = collect();
          if (!body) { confirmBox.hidden = true; return; }
          /** @type {HTMLButtonElement} */ (yes).disabled = true;
          void (async () => {
            try {
              const r = await api('POST', '/api/staff/outages', body);
              confirmBox.hidden = true;
              form.reset();
              /** @type {HTMLInputElement} */ (starts).value = isoToLocal(new Date().toISOString());
              rows.replaceChildren();
              addRow();
              preview.textContent = '';
              announce(t('desk.outages.published', { n: r.recipients }));
              await loadOutages();
              const item = document.querySelector(`[data-testid="outage-item"][data-notice-id="${r.id}"] h3`);
              if (item) /** @type {HTMLElement} */ (item).focus();
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

  async function loadOutages() {
    const list = document.getElementById('outage-list');
    if (!list) return;
    const err = $('outage-list-error');
    let data;
    try {
      data = await api('GET', '/api/staff/outages');
      err.hidden = true;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) { err.textContent = t('desk.outages.error'); err.hidden = false; }
      return;
    }
    list.replaceChildren(...data.notices.map(outageItem));
    $('outage-list-empty').hidden = data.notices.length > 0;
  }

  /** @param {any} s */
  function streetText(s) {
    const range = s.from || s.to ? `${s.from || '…'}–${s.to || '…'}` : t('desk.outages.wholeStreet');
    return `${s.street} ${range}` + (s.parity !== 'all' ? ` (${t('desk.outages.parity' + s.parity[0].toUpperCase() + s.parity.slice(1))})` : '');
  }

  /** One notice: what, where, when, delivery counts, and (for supervisors) update / water is back. @param {any} n */
  function outageItem(n) {
    const hid = `outage-h-${n.id}`;
    const details = el('dl', { class: 'details' });
    /** @type {[string, Node|string][]} */
    const rows = [
      [t('desk.outages.kind'), n.kind === 'planned' ? t('desk.outages.kindPlanned') : t('desk.outages.kindFailure')],
      [t('desk.outages.starts'), fmtDate(n.startsAt)],
      [t('desk.outages.expectedEnd'), n.expectedEndAt ? fmtDate(n.expectedEndAt) : t('desk.outages.endUnknown')],
      [t('desk.outages.streetsList'), n.streets.map(streetText).join('; ')],
    ];
    if (n.tankerLocation) rows.push([t('desk.outages.tankerAt'), n.tankerLocation]);
    const delivery = el('ul', { class: 'delivery', 'data-testid': 'outage-delivery' }, ...DELIVERY_STATES.map((s) => el('li', { 'data-state': s, class: n.delivery[s] && s === 'failed' ? 'failed' : null, text: `${t('desk.outages.deliveryState.' + s)}: ${n.delivery[s] || 0}` })));
    rows.push([t('desk.outages.delivery'), delivery]);
    for (const [term, value] of rows) details.append(el('dt', { text: term }), el('dd', {}, value));
    const status = n.endedAt ? t('desk.outages.endedAt', { date: fmtDate(n.endedAt) }) : t('desk.outages.running');
    const item = el('li', { class: 'card outage' + (n.endedAt ? ' is-ended' : ''), 'data-testid': 'outage-item', 'data-notice-id': String(n.id) },
      el('article', { 'aria-labelledby': hid },
        el('h3', { id: hid, tabindex: '-1', 'data-testid': 'outage-title-text', text: n.title }),
        el('p', { class: 'outage-status', 'data-testid': 'outage-status' }, el('span', { class: 'badge ' + (n.endedAt ? 'ended' : 'running'), text: status })),
        el('p', { class: 'customer-text', text: n.message }),
        details));
    if (!n.endedAt && canPublish()) /** @type {HTMLElement} */ (item.querySelector('article')).append(outageActions(n));
    return item;
  }

  /** @param {any} n */
  function outageActions(n) {
    const box = el('div', { class: 'outage-actions' });
    const msg = el('p', { id: `ou-error-${n.id}`, class: 'error', role: 'alert', hidden: true });
    /** @param {unknown} e */
    const problem = (e) => {
      if (e instanceof ApiError && e.status === 401) return;
      msg.textContent = e instanceof ApiError && e.status === 409 ? t('desk.outages.alreadyEnded')
        : e instanceof ApiError && e.status === 400 && e.field ? t('desk.outages.invalid', { field: e.field === 'tankerLocation' ? t('desk.outages.updateTanker') : t('desk.outages.updateEnd') })
        : t('desk.outages.error');
      msg.hidden = false;
    };

    // Update: new expected end and/or tanker location.
    const form = el('form', { class: 'inline-form', 'data-testid': 'outage-update-form', 'aria-labelledby': `ou-h-${n.id}`, novalidate: true });
    const end = /** @type {HTMLInputElement} */ (el('input', { type: 'datetime-local', 'data-testid': 'outage-update-end' }));
    end.value = isoToLocal(n.expectedEndAt);
    const tanker = /** @type {HTMLInputElement} */ (el('input', { type: 'text', maxlength: '300', 'data-testid': 'outage-update-tanker' }));
    tanker.value = n.tankerLocation || '';
    form.append(
      el('h4', { id: `ou-h-${n.id}`, text: t('desk.outages.updateHeading') }),
      field(`ou-end-${n.id}`, 'desk.outages.updateEnd', end),
      field(`ou-tanker-${n.id}`, 'desk.outages.updateTanker', tanker),
      el('button', { type: 'submit', 'data-testid': 'outage-update-send', text: t('desk.outages.sendUpdate') }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      msg.hidden = true;
      /** @type {Record<string, string|null>} */
      const body = {};
      const newEnd = localToIso(end.value);
      if (end.value !== isoToLocal(n.expectedEndAt)) body.expectedEndAt = newEnd;
      if (tanker.value.trim() !== (n.tankerLocation || '')) body.tankerLocation = tanker.value.trim() || null;
      if (!Object.keys(body).length) { msg.textContent = t('desk.outages.nothingChanged'); msg.hidden = false; end.focus(); return; }
      void (async () => {
        try {
          const r = await api('PATCH', `/api/staff/outages/${n.id}`, body);
          announce(t('desk.outages.updated', { n: r.recipients }));
          await loadOutages();
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
      /** @type {HTMLButtonElement} */ (yes).disabled = true;
      void (async () => {
        try {
          const r = await api('PATCH', `/api/staff/outages/${n.id}`, { ended: true });
          announce(t('desk.outages.ended', { n: r.recipients }));
          await loadOutages();
          focusNotice(n.id);
        } catch (e) {
          /** @type {HTMLButtonElement} */ (yes).disabled = false;
          problem(e);
        }
      })();
    });

    box.append(msg, form, el('p', { class: 'buttons' }, endBtn), confirm);
    return box;
  }

  /** @param {number} id */
  function focusNotice(id) {
    const h = document.getElementById(`outage-h-${id}`);
    if (h) h.focus();
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
    } else if (location.hash === '#outages') {
      state.caseNumber = null;
      show('outages-view');
      await showOutages();
      $('outages-heading').focus();
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
