/** Sign-in and sign-out. */
import { ApiError } from '../api/client.js';
import type { DeskContext } from '../context.js';
import { byId } from '../dom.js';
import { t } from '../i18n.js';

export function setupLogin(ctx: DeskContext, signedIn: () => Promise<void>, signedOut: () => void): void {
  const email = byId<HTMLInputElement>('login-email');
  const password = byId<HTMLInputElement>('login-password');
  const err = byId('login-error');
  byId('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.hidden = true;
    void (async () => {
      try {
        const data = await ctx.api.login({ email: email.value, password: password.value, embedded: ctx.store.state.embedded });
        password.value = '';
        ctx.store.set({ me: data.staff });
        await signedIn();
      } catch (e) {
        const locked = e instanceof ApiError && /locked/.test(e.message);
        err.textContent = t(locked ? 'desk.login.locked' : 'desk.login.failed');
        err.hidden = false;
        password.value = '';
        password.focus();
      }
    })();
  });
  byId('logout').addEventListener('click', () => {
    void (async () => {
      try { await ctx.api.logout(); } catch { /* already gone */ }
      signedOut();
    })();
  });
}
