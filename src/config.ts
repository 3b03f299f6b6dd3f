/**
 * Typed, validated configuration from the environment — the one place that reads `process.env`.
 * A bad value throws {@link ConfigError} naming the variable; `index.ts` prints that one line and exits.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/**
 * `synchronous` (SQLite only, `SQLITE_SYNCHRONOUS`): `NORMAL` (default, under WAL) does not wait for
 * the disk on each commit: a crash of the process loses nothing, a power cut may lose the last
 * transactions. `FULL` waits for the disk on every commit.
 */
export type DatabaseConfig = { type: 'sqlite'; path: string; synchronous?: 'NORMAL' | 'FULL' } | { type: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  /** Public base URL of this server (links in deep links, Teams cards, e-mails). */
  publicUrl: string;
  database: DatabaseConfig;
  demoData: boolean;
  adminApiToken: string;
  /** True when the token was generated for this start (it is printed once). */
  adminApiTokenGenerated: boolean;
  logLevel: string;
  telegram: {
    token: string | null;
    apiRoot: string;
    webhookUrl: string | null;
    webhookSecret: string | null;
    /** Outbound broadcast rate, messages per second over all chats. */
    ratePerSecond: number;
    botUsername: string | null;
    staffChatId: string | null;
  };
  webchat: {
    tokenRatePerMinute: number;
    messageRatePerMinute: number;
    tokenTtlSeconds: number;
    allowedOrigins: string[];
    maxUploadBytes: number;
    /** HMAC secret of Direct Line tokens (`DIRECTLINE_SECRET`, else generated once and kept in the database). */
    tokenSecret: string;
    /** True when `DIRECTLINE_SECRET` is unset (the app then takes the secret kept in the database). */
    tokenSecretGenerated: boolean;
  };
  microsoftApp: { appId: string | null; appPassword: string | null; tenantId: string | null };
  teamsWebhookUrl: string | null;
  /** Billing webhook (contracts §8): every feed event is POSTed there, signed with `secret`. */
  webhook: { url: string; secret: string } | null;
  /** Days the company has to answer a complaint (local regulations; default 14). */
  caseAnswerDays: number;
  /** Hours before a planned outage when subscribers are reminded. */
  outageReminderHours: number;
  /** Reminders (contracts §9): the daily run's time in Katowice (`REMINDERS_AT`, HH:MM) and whether a run may name its own day (`ALLOW_CLOCK_OVERRIDE=1`). */
  reminders: { at: string; allowClockOverride: boolean };
  /** SMTP URL for e-mail codes; without it mails are written to `data/outbox/`. */
  smtpUrl: string | null;
  mailFrom: string;
  mailDir: string;
  quickchartUrl: string | null;
  /** The company's NIP for the payment QR code on invoices (`COMPANY_NIP`; the default is a placeholder). */
  companyNip: string;
  termsUrl: string;
  /** Customer office hours, Monday–Friday, local time `HH:MM-HH:MM`. */
  officeHours: { open: string; close: string };
  /** ISO weekdays the office works (1 = Monday … 7 = Sunday); default Monday–Friday. */
  officeDays: number[];
  /** Whether Polish public holidays are days off (default true). */
  officeHolidays: boolean;
  instanceId: string;
  dataDir: string;
  /** How many reverse-proxy hops' `X-Forwarded-For` to trust (`TRUST_PROXY`, default 0: none). */
  trustProxy: number;
  /** Backpressure of customer turns (web chat and Telegram) in this process. */
  turns: {
    /** Turns run at once (`TURN_CONCURRENCY`). */
    concurrency: number;
    /** Turns waiting at most (`TURN_QUEUE_MAX`); past it the customer gets the polite busy reply. */
    maxQueued: number;
    /** The longest a turn may wait for its start (`TURN_MAX_WAIT_MS`) before new ones are refused. */
    maxWaitMs: number;
  };
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function url(env: Env, name: string, def: string | null, schemes = ['http:', 'https:']): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, `not a valid URL: "${raw}"`);
  }
  if (!schemes.includes(u.protocol)) throw new ConfigError(name, `unsupported scheme "${u.protocol}" (expected ${schemes.join(' or ')})`);
  return raw.replace(/\/+$/, '');
}

/** Parses `DATABASE_URL`: `sqlite:PATH` or `postgres://user:pass@host:port/db`. */
export function parseDatabaseUrl(raw: string): DatabaseConfig {
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:./data/kropla.sqlite');
    return { type: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      const u = new URL(raw);
      if (!u.hostname) throw new Error('no host');
    } catch {
      throw new ConfigError('DATABASE_URL', 'not a valid postgres:// URL');
    }
    return { type: 'postgres', url: raw };
  }
  const scheme = /^([a-z0-9+.-]+):/i.exec(raw)?.[1];
  throw new ConfigError('DATABASE_URL', scheme ? `unknown scheme "${scheme}:" (use sqlite:PATH or postgres://…)` : 'expected sqlite:PATH or postgres://user:pass@host:port/db');
}

function withSynchronous(db: DatabaseConfig, raw: string | undefined): DatabaseConfig {
  if (db.type !== 'sqlite' || raw === undefined || raw === '') return db;
  const v = raw.toUpperCase();
  if (v !== 'NORMAL' && v !== 'FULL') throw new ConfigError('SQLITE_SYNCHRONOUS', `expected NORMAL or FULL, got "${raw}"`);
  return { ...db, synchronous: v };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `1-5` or `1,2,3` → ISO weekdays. */
function parseDays(raw: string): number[] {
  const days = new Set<number>();
  for (const part of raw.split(',')) {
    const m = /^\s*([1-7])(?:\s*-\s*([1-7]))?\s*$/.exec(part);
    if (!m) throw new ConfigError('OFFICE_DAYS', `expected ISO weekdays like 1-5 or 1,2,3 (1 = Monday), got "${raw}"`);
    for (let d = Number(m[1]); d <= Number(m[2] ?? m[1]); d++) days.add(d);
  }
  return [...days].sort();
}

/** Reads and validates the whole configuration. */
export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 3978, 0, 65535);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const demo = env.DEMO_DATA ?? '1';
  if (demo !== '0' && demo !== '1') throw new ConfigError('DEMO_DATA', `expected 0 or 1, got "${demo}"`);
  const tokenGiven = env.ADMIN_API_TOKEN;
  if (tokenGiven !== undefined && tokenGiven !== '' && tokenGiven.length < 16) throw new ConfigError('ADMIN_API_TOKEN', 'must be at least 16 characters');
  const webhookUrl = url(env, 'TELEGRAM_WEBHOOK_URL', null, ['https:', 'http:']);
  const webhookSecret = env.TELEGRAM_WEBHOOK_SECRET || null;
  if (webhookSecret && !/^[A-Za-z0-9_-]{1,256}$/.test(webhookSecret)) throw new ConfigError('TELEGRAM_WEBHOOK_SECRET', 'only A-Z, a-z, 0-9, _ and - (1–256 characters), as Telegram requires');
  const telegramToken = env.TELEGRAM_BOT_TOKEN || null;
  if (telegramToken && !/^\d+:[A-Za-z0-9_-]+$/.test(telegramToken)) throw new ConfigError('TELEGRAM_BOT_TOKEN', 'expected the form 123456:ABC-DEF… from @BotFather');
  const hours = env.OFFICE_HOURS || '07:30-15:30';
  const hm = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(hours);
  if (!hm) throw new ConfigError('OFFICE_HOURS', `expected HH:MM-HH:MM, got "${hours}"`);
  const origins = (env.WEBCHAT_ALLOWED_ORIGINS || '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of origins) {
    try {
      new URL(o);
    } catch {
      throw new ConfigError('WEBCHAT_ALLOWED_ORIGINS', `not an origin: "${o}"`);
    }
  }
  if (env.DIRECTLINE_SECRET && env.DIRECTLINE_SECRET.length < 32) throw new ConfigError('DIRECTLINE_SECRET', 'must be at least 32 characters');
  const billingHook = url(env, 'WEBHOOK_URL', null);
  const billingSecret = env.WEBHOOK_SECRET || '';
  if (billingHook && billingSecret.length < 16) throw new ConfigError('WEBHOOK_SECRET', 'must be set (at least 16 characters) when WEBHOOK_URL is set: receivers check the signature with it');
  const remindersAt = env.REMINDERS_AT || '09:00';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(remindersAt)) throw new ConfigError('REMINDERS_AT', `expected HH:MM (Europe/Warsaw), got "${remindersAt}"`);
  const clockOverride = env.ALLOW_CLOCK_OVERRIDE ?? '0';
  if (clockOverride !== '0' && clockOverride !== '1') throw new ConfigError('ALLOW_CLOCK_OVERRIDE', `expected 0 or 1, got "${clockOverride}"`);
  const dataDir = env.DATA_DIR || './data';
  const companyNip = (env.COMPANY_NIP || '1234563218').replace(/[\s-]/g, '');
  const nipSum = [6, 5, 7, 2, 3, 4, 5, 6, 7].reduce((acc, w, i) => acc + w * Number(companyNip[i]), 0) % 11;
  if (!/^\d{10}$/.test(companyNip) || nipSum !== Number(companyNip[9])) throw new ConfigError('COMPANY_NIP', 'expected a 10-digit NIP with a valid check digit');
  return {
    port,
    host: env.HOST || '0.0.0.0',
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${port}`) as string,
    database: withSynchronous(parseDatabaseUrl(env.DATABASE_URL || `sqlite:${dataDir}/kropla.sqlite`), env.SQLITE_SYNCHRONOUS),
    demoData: demo === '1',
    adminApiToken: tokenGiven || randomBytes(24).toString('base64url'),
    adminApiTokenGenerated: !tokenGiven,
    logLevel,
    telegram: {
      token: telegramToken,
      apiRoot: url(env, 'TELEGRAM_API_ROOT', 'https://api.telegram.org') as string,
      webhookUrl,
      webhookSecret,
      ratePerSecond: int(env, 'TELEGRAM_RATE_PER_SEC', 25, 1, 1000),
      botUsername: env.TELEGRAM_BOT_USERNAME || null,
      staffChatId: env.TELEGRAM_STAFF_CHAT_ID || null,
    },
    webchat: {
      tokenRatePerMinute: int(env, 'WEBCHAT_TOKEN_RATE_PER_MIN', 120, 1, 100000),
      messageRatePerMinute: int(env, 'WEBCHAT_MESSAGE_RATE_PER_MIN', 60, 1, 100000),
      tokenTtlSeconds: int(env, 'WEBCHAT_TOKEN_TTL_SEC', 3600, 60, 86400),
      allowedOrigins: origins,
      maxUploadBytes: int(env, 'WEBCHAT_MAX_UPLOAD_BYTES', 5 * 1024 * 1024, 1024, 50 * 1024 * 1024),
      tokenSecret: env.DIRECTLINE_SECRET || randomBytes(32).toString('base64url'),
      tokenSecretGenerated: !env.DIRECTLINE_SECRET,
    },
    microsoftApp: {
      appId: env.MicrosoftAppId || null,
      appPassword: env.MicrosoftAppPassword || null,
      tenantId: env.MicrosoftAppTenantId || null,
    },
    teamsWebhookUrl: url(env, 'TEAMS_WEBHOOK_URL', null),
    webhook: billingHook ? { url: billingHook, secret: billingSecret } : null,
    caseAnswerDays: int(env, 'CASE_ANSWER_DAYS', 14, 1, 365),
    outageReminderHours: int(env, 'OUTAGE_REMINDER_HOURS', 24, 1, 24 * 30),
    reminders: { at: remindersAt, allowClockOverride: clockOverride === '1' },
    smtpUrl: url(env, 'SMTP_URL', null, ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM || 'Kropla <kropla@wodociagi.katowice.pl>',
    mailDir: `${dataDir}/outbox`,
    quickchartUrl: url(env, 'QUICKCHART_URL', null),
    companyNip,
    termsUrl: url(env, 'IBOK_TERMS_URL', 'https://ibok.wodociagi.katowice.pl/regulamin') as string,
    officeHours: { open: hm[1], close: hm[2] },
    officeDays: parseDays(env.OFFICE_DAYS || '1-5'),
    officeHolidays: (env.OFFICE_HOLIDAYS || 'pl') !== 'none',
    instanceId: env.INSTANCE_ID || `${process.pid}-${randomBytes(3).toString('hex')}`,
    dataDir,
    trustProxy: int(env, 'TRUST_PROXY', 0, 0, 10),
    turns: {
      concurrency: int(env, 'TURN_CONCURRENCY', 8, 1, 256),
      maxQueued: int(env, 'TURN_QUEUE_MAX', 256, 1, 100000),
      maxWaitMs: int(env, 'TURN_MAX_WAIT_MS', 600, 10, 60000),
    },
  };
}

/** True when a file exists (used by start-up checks). */
export const fileExists = existsSync;
