/*
 * Kropla web chat — the one-line embed for any website:
 *   <script src="https://<kropla-server>/webchat.js" defer></script>
 * Optional attributes: data-lang="pl|en|uk" (default: the page's <html lang>), nonce="…" (CSP).
 * Adds a floating button that opens a chat panel (Microsoft Web Chat over Kropla's own Direct Line).
 */
(function () {
  'use strict';
  if (window.__kroplaChat) return;
  window.__kroplaChat = true;

  var TEXTS = /*__KROPLA_TEXTS__*/ {};
  var VENDOR_PATH = /*__KROPLA_VENDOR__*/ '/vendor/webchat.js';
  var script = document.currentScript;
  var base = new URL(script && script.src ? script.src : '/', location.href).origin;
  var nonce = (script && (script.nonce || script.getAttribute('nonce'))) || undefined;
  var langHint = ((script && script.getAttribute('data-lang')) || document.documentElement.lang || 'pl').slice(0, 2).toLowerCase();
  var T = TEXTS[langHint] || TEXTS.pl;
  var KEY = 'kropla.webchat.' + base;
  var started = null;
  var directLine = null;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  var css = el('link', { rel: 'stylesheet', href: base + '/webchat.css' });
  document.head.appendChild(css);

  var icon = '<svg aria-hidden="true" focusable="false" width="24" height="24" viewBox="0 0 24 24"><path fill="currentColor" d="M12 2C8 7 5 10.5 5 14a7 7 0 0 0 14 0c0-3.5-3-7-7-12z"/></svg>';
  var button = el('button', { type: 'button', id: 'kropla-chat-button', 'class': 'kropla-chat-button', 'aria-expanded': 'false', 'aria-controls': 'kropla-chat-panel', 'aria-label': T.openLabel });
  button.innerHTML = icon;
  button.appendChild(el('span', { 'class': 'kropla-chat-button__text', text: T.open }));

  var title = el('h2', { id: 'kropla-chat-title', 'class': 'kropla-chat-panel__title', text: T.title });
  var subtitle = el('p', { id: 'kropla-chat-subtitle', 'class': 'kropla-chat-panel__subtitle', text: T.subtitle });
  var closeBtn = el('button', { type: 'button', 'class': 'kropla-chat-panel__close', 'aria-label': T.close, title: T.close });
  closeBtn.innerHTML = '<svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 20 20"><path d="M4 4l12 12M16 4L4 16" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"/></svg>';
  var status = el('p', { 'class': 'kropla-chat-panel__status', role: 'status' });
  var retry = el('button', { type: 'button', 'class': 'kropla-chat-panel__retry', text: T.retry });
  retry.hidden = true;
  var host = el('div', { 'class': 'kropla-chat-panel__webchat' });
  var panel = el('div', { id: 'kropla-chat-panel', 'class': 'kropla-chat-panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'kropla-chat-title', 'aria-describedby': 'kropla-chat-subtitle' }, [
    el('div', { 'class': 'kropla-chat-panel__header' }, [el('div', { 'class': 'kropla-chat-panel__heading' }, [title, subtitle]), closeBtn]),
    status, retry, host,
  ]);
  panel.hidden = true;

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(button);
    if (sessionStorage.getItem(KEY + '.open') === '1') open(false);
  }

  function loadSession() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (e) { return null; }
  }
  function saveSession(s) {
    try { sessionStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* private mode */ }
  }

  function post(path, token) {
    var headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(base + path, { method: 'POST', headers: headers, body: '{}', credentials: 'omit' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }

  /* A token for the stored conversation (refreshed), or a new conversation's token. */
  function session() {
    var s = loadSession();
    var fresh = function () {
      return post('/api/webchat/token').then(function (r) {
        var n = { token: r.token, conversationId: r.conversationId, expiresAt: Date.now() + r.expires_in * 1000, resume: false };
        saveSession(n);
        return n;
      });
    };
    if (s && s.token && s.conversationId && s.expiresAt > Date.now() + 30000) {
      return post('/v3/directline/tokens/refresh', s.token).then(function (r) {
        var n = { token: r.token, conversationId: r.conversationId, expiresAt: Date.now() + r.expires_in * 1000, resume: true };
        saveSession(n);
        return n;
      }, fresh);
    }
    return fresh();
  }

  function loadVendor() {
    if (window.WebChat) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var s = el('script', { src: base + VENDOR_PATH });
      if (nonce) s.nonce = nonce;
      s.onload = function () { resolve(); };
      s.onerror = function () { reject(new Error('vendor')); };
      document.head.appendChild(s);
    });
  }

  var styleOptions = {
    accentColor: '#00508c',
    primaryFont: "'Segoe UI', 'Helvetica Neue', Arial, sans-serif",
    bubbleBackground: '#eef4fa',
    bubbleBorderColor: '#c5d7ea',
    bubbleBorderRadius: 12,
    bubbleFromUserBackground: '#00508c',
    bubbleFromUserBorderColor: '#00508c',
    bubbleFromUserTextColor: '#ffffff',
    bubbleFromUserBorderRadius: 12,
    bubbleTextColor: '#1b1b1b',
    bubbleMaxWidth: 560,
    bubbleMinWidth: 120,
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBorderColor: '#00508c',
    suggestedActionTextColor: '#00508c',
    suggestedActionBorderRadius: 16,
    suggestedActionLayout: 'flow',
    sendBoxButtonColor: '#00508c',
    sendBoxButtonColorOnHover: '#003a66',
    sendBoxBorderTop: 'solid 1px #8a8a8a',
    sendBoxPlaceholderColor: '#595959',
    subtle: '#595959',
    timestampColor: '#595959',
    transcriptVisualKeyboardIndicatorColor: '#00508c',
    botAvatarInitials: 'K',
    botAvatarBackgroundColor: '#00508c',
    hideUploadButton: false,
    uploadAccept: 'image/jpeg,image/png,image/gif,image/webp,application/pdf',
    uploadMultiple: false,
    rootHeight: '100%',
    rootWidth: '100%',
  };

  function start() {
    if (started) return started;
    status.textContent = T.loading;
    retry.hidden = true;
    started = Promise.all([session(), loadVendor()]).then(function (r) {
      var s = r[0];
      var options = { token: s.token, domain: base + '/v3/directline', webSocket: true };
      if (s.resume) options.conversationId = s.conversationId;
      directLine = window.WebChat.createDirectLine(options);
      window.WebChat.renderWebChat({ directLine: directLine, locale: T.locale, styleOptions: styleOptions, nonce: nonce }, host);
      status.textContent = '';
    }).catch(function () {
      started = null;
      status.textContent = T.error;
      retry.hidden = false;
    });
    return started;
  }

  function focusInput() {
    var input = panel.querySelector('.webchat__send-box-text-box__input, textarea, input[type="text"]');
    if (input) input.focus();
    else setTimeout(focusInput, 100);
  }

  function open(takeFocus) {
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    button.classList.add('kropla-chat-button--open');
    sessionStorage.setItem(KEY + '.open', '1');
    start().then(function () { if (takeFocus !== false) focusInput(); });
  }

  function close() {
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.classList.remove('kropla-chat-button--open');
    sessionStorage.removeItem(KEY + '.open');
    button.focus();
  }

  button.addEventListener('click', function () { if (panel.hidden) open(true); else close(); });
  closeBtn.addEventListener('click', close);
  retry.addEventListener('click', function () { start(); });
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' || e.key === 'Esc') { e.stopPropagation(); close(); }
  });
  /* Keep the token Direct Line refreshed, so a reload resumes the same conversation. */
  window.addEventListener('pagehide', function () {
    var s = loadSession();
    if (s && directLine && directLine.token && directLine.token !== s.token) { s.token = directLine.token; s.expiresAt = Date.now() + 15 * 60 * 1000; saveSession(s); }
  });

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
