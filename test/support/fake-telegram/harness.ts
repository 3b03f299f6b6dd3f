/**
 * Starts a real Kropla {@link App} wired to a {@link FakeTelegram}: polling (default) or webhook
 * mode with a secret. For end-to-end tests and benchmarks of anything that talks over Telegram.
 *
 * @example
 * const h = await startTelegramHarness({ mode: 'webhook' });
 * const user = h.fake.user();
 * h.fake.sendText(user, '/start');
 * await h.fake.waitForBotMessage(user.id);
 * await h.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOptions } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { FakeTelegram, type FakeTelegramOptions } from './FakeTelegram';

export interface TelegramHarness {
  app: App;
  fake: FakeTelegram;
  dir: string;
  /** The webhook secret (webhook mode). */
  secret: string | null;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  mode?: 'polling' | 'webhook';
  /** Extra environment for `loadConfig`. */
  env?: Record<string, string>;
  fake?: FakeTelegramOptions;
  app?: AppOptions;
}

export const TEST_ADMIN_TOKEN = 'test-admin-token-123456';
export const TEST_BOT_TOKEN = '123456:TEST';

/** A free TCP port on 127.0.0.1 (the webhook URL must name the port before the app listens). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startTelegramHarness(opts: HarnessOptions = {}): Promise<TelegramHarness> {
  const fake = await FakeTelegram.start({ token: TEST_BOT_TOKEN, ...opts.fake });
  const dir = mkdtempSync(join(tmpdir(), 'kropla-tg-'));
  const env: Record<string, string> = {
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dir}/k.sqlite`, DATA_DIR: dir, DEMO_DATA: '1', ADMIN_API_TOKEN: TEST_ADMIN_TOKEN,
    TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_API_ROOT: fake.url, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  };
  let secret: string | null = null;
  if (opts.mode === 'webhook') {
    const port = await freePort();
    secret = 'test_secret-abc123';
    Object.assign(env, { PORT: String(port), TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`, TELEGRAM_WEBHOOK_SECRET: secret });
  }
  Object.assign(env, opts.env);
  let app: App | null = null;
  try {
    app = await createApp(loadConfig(env), opts.app);
    await app.start();
  } catch (e) {
    if (app) await app.stop().catch(() => undefined);
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const started = app;
  return {
    app: started,
    fake,
    dir,
    secret,
    async stop() {
      await started.stop();
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
