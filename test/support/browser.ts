/**
 * Shared helpers for end-to-end tests: start a real Kropla app on a free port over a fresh SQLite
 * file, and launch Debian's Chromium through playwright-core (a missing browser fails under CI).
 *
 * @example
 * const t = await startTestApp();            // t.app, t.url, t.stop()
 * const browser = await launchChromium();    // throws when /usr/bin/chromium is missing and CI is set
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, type App, type AppOptions } from '../../src/app';
import { loadConfig } from '../../src/config';

export const ADMIN_TOKEN = 'test-admin-token-123456';
export const CHROMIUM = '/usr/bin/chromium';

export interface TestApp {
  app: App;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts the app on a free port with demo data and a throwaway SQLite database. A turn may wait 30 s before
 * the polite busy reply (`TURN_MAX_WAIT_MS`; the server's default is 0.6 s): on a shared, loaded test machine
 * the event loop runs late, and a test of what the bot answers must not get "very many people are writing"
 * instead. Tests of that reply set `TURN_*` themselves.
 */
export async function startTestApp(env: Record<string, string> = {}, opts: AppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-e2e-'));
  const config = loadConfig({
    TURN_MAX_WAIT_MS: '30000',
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'kropla.sqlite')}`, DEMO_DATA: '1', ADMIN_API_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: process.env.KROPLA_TEST_LOG ?? 'silent', DATA_DIR: dir, ...env,
  });
  const app = await createApp(config, opts);
  await app.start();
  return {
    app,
    url: app.url,
    dir,
    async stop() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether Chromium is installed; under CI a missing browser is an error, not a skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: install it with "apt-get update && apt-get install -y chromium"`);
  return false;
}

/** Launches headless Chromium (Debian's build) the way the test suites share. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** Calls the admin API of a test app. */
export async function admin(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const r = await fetch(url + path, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => null) };
}

/** Opens the web chat widget on the page by keyboard and waits for its send box. */
export async function openWidgetByKeyboard(page: Page): Promise<void> {
  await page.locator('#kropla-chat-button').waitFor();
  await page.focus('#kropla-chat-button');
  await page.keyboard.press('Enter');
  await page.locator('#kropla-chat-panel .webchat__send-box-text-box__input').waitFor({ timeout: 20_000 });
}

/** Types a message into the widget's send box and sends it with Enter. */
export async function sendChatMessage(page: Page, text: string): Promise<void> {
  const input = page.locator('#kropla-chat-panel .webchat__send-box-text-box__input');
  await input.fill(text);
  await input.press('Enter');
}

/** The texts of the transcript's activities, in order (bot and user). */
export async function transcriptTexts(page: Page): Promise<string[]> {
  return page.locator('#kropla-chat-panel .webchat__bubble__content').allInnerTexts();
}
