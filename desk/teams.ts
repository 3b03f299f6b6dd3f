/**
 * Microsoft Teams tab: teams-js is loaded only when the desk is framed (standalone, the page makes no call to
 * Microsoft at all), and never waited for more than a few seconds.
 */
import { loadScript } from './dom.js';

interface TeamsContext { app?: { theme?: string; locale?: string } }
interface TeamsJs {
  app?: {
    initialize(): Promise<void>;
    getContext(): Promise<TeamsContext>;
    registerOnThemeChangeHandler(fn: (theme: string) => void): void;
    notifySuccess(): void;
  };
}

const timeout = (ms: number) => new Promise<never>((_, reject) => window.setTimeout(() => reject(new Error('timeout')), ms));

export function applyTheme(theme: string): void {
  document.body.classList.remove('theme-dark', 'theme-contrast', 'theme-default');
  document.body.classList.add(theme === 'dark' ? 'theme-dark' : theme === 'contrast' ? 'theme-contrast' : 'theme-default');
}

/** True when running as an initialised Teams tab. */
export async function initTeams(): Promise<boolean> {
  let framed = false;
  try { framed = window.self !== window.top; } catch { framed = true; }
  if (!framed) return false;
  try {
    await loadScript('/staff/vendor/MicrosoftTeams.min.js', 4000);
  } catch {
    return false;
  }
  const mt = (window as unknown as { microsoftTeams?: TeamsJs }).microsoftTeams;
  const app = mt?.app;
  if (!app) return false;
  try {
    await Promise.race([app.initialize(), timeout(4000)]);
    const ctx = await Promise.race([app.getContext(), timeout(4000)]);
    applyTheme(ctx?.app?.theme || 'default');
    if (ctx?.app?.locale) document.body.dataset.teamsLocale = String(ctx.app.locale);
    app.registerOnThemeChangeHandler(applyTheme);
    document.body.classList.add('in-teams');
    try { app.notifySuccess(); } catch { /* older hosts */ }
    return true;
  } catch {
    return false;
  }
}
