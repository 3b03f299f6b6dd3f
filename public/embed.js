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

  function post(path, token, body) {
    var headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(base + path, { method: 'POST', headers: headers, body: JSON.stringify(body || {}), credentials: 'omit' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }

  /*
   * A token for the stored conversation (refreshed), or a new conversation: started here, while Web
   * Chat is still loading, with a `webchat/join` event, so that the bot's greeting is already waiting
   * when the widget connects (Web Chat then resumes the conversation instead of starting one).
   */
  function session() {
    var s = loadSession();
    var fresh = function () {
      return post('/api/webchat/token').then(function (r) {
        var n = { token: r.token, conversationId: r.conversationId, expiresAt: Date.now() + r.expires_in * 1000, resume: false };
        return post('/v3/directline/conversations', n.token).then(function (c) {
          n.token = c.token || n.token;
          n.resume = true;
          return post('/v3/directline/conversations/' + encodeURIComponent(n.conversationId) + '/activities', n.token, { type: 'event', name: 'webchat/join', locale: T.locale });
        }).then(function () { n.joined = true; }, function () { /* Web Chat starts the conversation and says join itself */ }).then(function () {
          saveSession(n);
          return n;
        });
      });
    };
    if (s && s.token && s.conversationId && s.expiresAt > Date.now() + 30000) {
      return post('/v3/directline/tokens/refresh', s.token).then(function (r) {
        var n = { token: r.token, conversationId: r.conversationId, expiresAt: Date.now() + r.expires_in * 1000, resume: true, joined: true };
        saveSession(n);
        return n;
      }, fresh);
    }
    return fresh();
  }

  var vendorLoading = null;
  function loadVendor() {
    if (window.WebChat) return Promise.resolve();
    if (vendorLoading) return vendorLoading;
    vendorLoading = new Promise(function (resolve, reject) {
      var s = el('script', { src: base + VENDOR_PATH });
      if (nonce) s.nonce = nonce;
      s.onload = function () { resolve(); };
      s.onerror = function () { vendorLoading = null; s.remove(); reject(new Error('vendor')); };
      document.head.appendChild(s);
    });
    return vendorLoading;
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

  /*
   * Web Chat's store: on connecting, a `webchat/join` event unless the conversation was already
   * joined (the bot greets a new conversation at once, without waiting for the customer); an answer that comes as an Adaptive Card shows as the
   * card only (its text is the fallback for clients without cards).
   */
  function createStore(joined) {
    return window.WebChat.createStore({}, function (api) {
      return function (next) {
        return function (action) {
          if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED' && !joined) {
            var result = next(action);
            api.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: { locale: T.locale } } });
            return result;
          }
          if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY' && action.payload && action.payload.activity) {
            var a = action.payload.activity;
            var cd = a.channelData || {};
            var hasCard = (a.attachments || []).some(function (x) { return x.contentType === 'application/vnd.microsoft.card.adaptive'; });
            if (cd.kropla && cd.kropla.textInCard && hasCard && a.text) {
              var copy = {};
              Object.keys(a).forEach(function (k) { if (k !== 'text') copy[k] = a[k]; });
              action = { type: action.type, meta: action.meta, payload: { activity: copy } };
            }
          }
          return next(action);
        };
      };
    });
  }

  function start() {
    if (started) return started;
    status.textContent = T.loading;
    retry.hidden = true;
    started = Promise.all([session(), loadVendor()]).then(function (r) {
      var s = r[0];
      var options = { token: s.token, domain: base + '/v3/directline', webSocket: true };
      if (s.resume) options.conversationId = s.conversationId;
      directLine = window.WebChat.createDirectLine(options);
      window.WebChat.renderWebChat({ directLine: directLine, store: createStore(!!s.joined), locale: T.locale, styleOptions: styleOptions, nonce: nonce }, host);
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
  /* A hand on the button: fetch Web Chat already, so the greeting follows the click at once. */
  ['pointerenter', 'focus', 'touchstart'].forEach(function (type) {
    button.addEventListener(type, function () { loadVendor().catch(function () { /* retried on open */ }); }, { once: true, passive: true });
  });
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

  /*
   * Web Chat is a large script: by default it is fetched and compiled when the page is idle after
   * loading, so that opening the chat greets at once. `data-preload="intent"` waits for a hand on the button.
   */
  var preload = (script && script.getAttribute('data-preload')) || 'idle';
  function preloadWhenIdle() {
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 1500); };
    idle(function () { loadVendor().catch(function () { /* retried on open */ }); }, { timeout: 5000 });
  }
  if (preload === 'idle') {
    if (document.readyState === 'complete') preloadWhenIdle();
    else window.addEventListener('load', preloadWhenIdle, { once: true });
  }

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
