/**
 * The staff desk (`/staff`): boots the texts and the Teams tab, signs in, routes the location hash to a view,
 * and keeps the open view fresh from the server's events. Modules: `api/` (typed client), `store.ts`,
 * `events.ts` (server-sent events), `views/` (one per view).
 */
import { StaffApi } from './api/staff.js';
import type { DeskContext } from './context.js';
import { announce, byId } from './dom.js';
import { coalesce, DeskEvents, EVENT_ANNOUNCEMENTS } from './events.js';
import { setTexts, t } from './i18n.js';
import { canSupervise, createDeskStore, routeFor, type ViewName } from './store.js';
import { initTeams } from './teams.js';
import { refreshCase } from './views/case.js';
import { setupLogin } from './views/login.js';
import { showOutages } from './views/outages.js';
import { loadQueue, setupFilters } from './views/queue.js';
import { showStats } from './views/stats.js';

const VIEWS: ViewName[] = ['login', 'queue', 'case', 'outages', 'stats'];

const store = createDeskStore();
const api = new StaffApi({ onUnauthorized: () => showLogin() });
const ctx: DeskContext = { api, store };

const events = new DeskEvents(() => new EventSource('/api/staff/events', { withCredentials: true }), (event) => {
  const key = EVENT_ANNOUNCEMENTS[event.type];
  if (key) announce(t(key, { caseNumber: event.caseNumber }));
  refreshQueueSoon();
  const { view, caseNumber } = store.state;
  if (view === 'case' && caseNumber === event.caseNumber) void refreshCase(ctx, event.caseNumber, true);
});

const refreshQueueSoon = coalesce(() => {
  if (store.state.view === 'queue') void loadQueue(ctx);
}, 150, { set: (f, ms) => window.setTimeout(f, ms) });

/** Shows one view's section and marks its navigation link as the current page. */
function show(view: ViewName): void {
  for (const v of VIEWS) byId(`${v}-view`).hidden = v !== view;
  for (const a of document.querySelectorAll('nav.views a')) {
    if (a.getAttribute('data-view') === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

store.subscribe((s, changed) => { if (changed.has('view')) show(s.view); });

function applyTexts(): void {
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.getAttribute('data-i18n') || '');
  document.title = t('desk.title');
}

function showLogin(): void {
  events.stop();
  api.http.csrf = null;
  store.set({ me: null, caseNumber: null });
  byId('who').hidden = true;
  store.set({ view: 'login' });
  show('login');
  byId<HTMLInputElement>('login-email').focus();
}

async function signedIn(): Promise<void> {
  const me = store.state.me;
  if (!me) return;
  byId('who-name').textContent = t('desk.login.signedInAs', { name: me.name });
  byId('who').hidden = false;
  // Statystyki: supervisors and admins only (the API says 403 to agents as well).
  byId('nav-stats').hidden = !canSupervise(me);
  store.set({ staff: (await api.assignees()).staff });
  events.start();
  await route();
}

async function route(): Promise<void> {
  if (!store.state.me) return;
  const r = routeFor(location.hash, store.state.me);
  store.set({ view: r.view, caseNumber: r.caseNumber });
  show(r.view);
  if (r.view === 'case' && r.caseNumber) {
    await refreshCase(ctx, r.caseNumber);
    document.getElementById('case-heading')?.focus();
  } else if (r.view === 'stats') {
    await showStats(ctx);
    byId('stats-heading').focus();
  } else if (r.view === 'outages') {
    await showOutages(ctx);
    byId('outages-heading').focus();
  } else {
    await loadQueue(ctx);
    byId('queue-heading').focus();
  }
}

async function start(): Promise<void> {
  const [texts, embedded] = await Promise.all([api.texts(), initTeams()]);
  setTexts(texts.texts);
  store.set({ embedded });
  applyTexts();
  setupFilters(ctx);
  setupLogin(ctx, signedIn, showLogin);
  window.addEventListener('hashchange', () => { void route(); });
  try {
    const me = await api.me();
    store.set({ me: me.staff });
    await signedIn();
  } catch {
    showLogin();
  }
  document.body.dataset.ready = 'true';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => { void start(); });
else void start();
