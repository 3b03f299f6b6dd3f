/**
 * Kropla wired in one readable page, in order: config → logger → database → services →
 * recognizer → bot → HTTP routes → channels → outbox workers. Dependencies go in through constructors.
 */
import type { Server } from 'restify';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createLogger } from './logger';
import { openDatabase } from './db/dataSource';
import { sqlOf } from './db/sql';
import { ImportService } from './services/ImportService';
import { BillingService } from './services/BillingService';
import { ReadingService } from './services/ReadingService';
import { ConsumptionService } from './services/ConsumptionService';
import { CaseService } from './services/CaseService';
import { LinkService } from './services/LinkService';
import { ChatService } from './services/ChatService';
import { OutageService } from './services/OutageService';
import { OutboxService } from './services/OutboxService';
import { CustomerService } from './services/CustomerService';
import { AlertService } from './services/AlertService';
import { AttachmentService } from './services/AttachmentService';
import { Mailer } from './services/Mailer';
import { MeterOcr } from './ocr';
import { createServer } from './http/server';
import { registerAdminRoutes } from './http/admin';
import { registerHealthRoute, watchDatabaseFile } from './http/health';
import type { ChannelSender } from './channels/types';
import { OutboxWorker } from './outbox/OutboxWorker';
import { WebhookSender, WebhookWorker } from './outbox/WebhookWorker';
import { EventService } from './services/EventService';
import { AnalyticsService } from './services/AnalyticsService';
import { ReminderService } from './services/ReminderService';
import { CsatService } from './services/CsatService';
import { loadDemoData } from './demo/demoData';
import { KroplaRecognizer, type Recognizer } from './nlu';
import { KroplaBot } from './bot/KroplaBot';
import { registerDirectLine } from './channels/directline';
import { createTelegramChannel, type TelegramChannel } from './channels/telegram';
import { registerStaffRoutes } from './staff';
import { registerBotFrameworkRoute } from './channels/botframework';
import { registerDocumentRoutes } from './documents/routes';
import { KroplaEventBus } from './events';
import { Cluster } from './cluster';

export interface Services {
  imports: ImportService;
  billing: BillingService;
  readings: ReadingService;
  consumption: ConsumptionService;
  cases: CaseService;
  links: LinkService;
  chats: ChatService;
  outages: OutageService;
  outbox: OutboxService;
  customers: CustomerService;
  attachments: AttachmentService;
  events: EventService;
  analytics: AnalyticsService;
  reminders: ReminderService;
  csat: CsatService;
}

export interface AppOptions {
  log?: Logger;
  recognizer?: Recognizer;
  /** Start outbox workers (default true). Benchmarks and tests may run them themselves. */
  workers?: boolean;
  /** Webhook worker tuning (tests shorten the retry delays). */
  webhook?: ConstructorParameters<typeof WebhookWorker>[4];
}

export class App {
  readonly services: Services;
  readonly alerts: AlertService;
  readonly mailer: Mailer;
  readonly server: Server;
  readonly bot: KroplaBot;
  readonly events = new KroplaEventBus();
  /** Meter photo OCR (worker thread, started on the first photo). */
  readonly ocr = new MeterOcr();
  /** The other instances on the same PostgreSQL (events, one-instance jobs); inert on SQLite. */
  readonly cluster: Cluster;
  telegram: TelegramChannel | null = null;
  private readonly senders = new Map<string, ChannelSender>();
  private readonly workers: OutboxWorker[] = [];
  private webhookWorker: WebhookWorker | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly stopHooks: Array<() => Promise<void> | void> = [];
  private started = false;

  constructor(
    readonly config: Config & { adminImportMaxBytes: number },
    readonly log: Logger,
    readonly ds: DataSource,
    readonly recognizer: Recognizer,
    private readonly opts: AppOptions,
  ) {
    const events = new EventService(ds);
    events.webhooks = config.webhook !== null;
    events.onCommitted = () => this.webhookWorker?.poke();
    const services: Omit<Services, 'reminders' | 'csat'> = {
      imports: new ImportService(ds),
      billing: new BillingService(ds),
      readings: new ReadingService(ds, undefined, events),
      consumption: new ConsumptionService(ds),
      cases: new CaseService(ds, config.caseAnswerDays, undefined, events),
      links: new LinkService(ds),
      chats: new ChatService(ds),
      outages: new OutageService(ds),
      outbox: new OutboxService(ds),
      customers: new CustomerService(ds, events),
      attachments: new AttachmentService(ds),
      events,
      analytics: new AnalyticsService(ds),
    };
    this.services = { ...services, reminders: new ReminderService({ ds, config, services }), csat: new CsatService({ ds, services, pokeWorkers: () => this.pokeWorkers() }) };
    this.cluster = new Cluster(config.database, config.instanceId, log.child({ area: 'cluster' }));
    this.mailer = new Mailer(config.smtpUrl, config.mailFrom, config.mailDir);
    this.alerts = new AlertService(this.services.outages, this.services.outbox, log, config.outageReminderHours);
    this.alerts.onQueued = () => this.pokeWorkers();
    this.bot = new KroplaBot(this);
    this.server = createServer(log);
    registerHealthRoute(this.server, this);
    registerAdminRoutes(this.server, this);
    registerDocumentRoutes(this.server, this);
  }

  /** Adds a channel's proactive sender; its outbox worker starts with the app. */
  registerSender(sender: ChannelSender): void {
    this.senders.set(sender.channel, sender);
    if (this.started && this.opts.workers !== false) this.startWorker(sender);
  }

  /** Runs `fn` first thing in {@link stop} (channels close their sockets and timers). */
  onStop(fn: () => Promise<void> | void): void {
    this.stopHooks.push(fn);
  }

  sender(channel: string): ChannelSender | undefined {
    return this.senders.get(channel);
  }

  private startWorker(sender: ChannelSender): void {
    const w = new OutboxWorker(sender, this.services.outbox, this.services.chats, this.log.child({ worker: sender.channel }), `${this.config.instanceId}:${sender.channel}`);
    this.workers.push(w);
    if (sender.channel !== 'telegram') return w.start();
    // One instance sends Telegram's outbox: TELEGRAM_RATE_PER_SEC is the deployment's total (contracts §11).
    this.cluster.lead('telegram-outbox', () => w.start(), () => w.stop());
  }

  pokeWorkers(): void {
    for (const w of this.workers) w.poke();
  }

  /** The Telegram bot's username for deep links (config, or what getMe said). */
  telegramUsername(): string | null {
    return this.config.telegram.botUsername ?? this.telegram?.username ?? null;
  }

  /** Registers channels and routes, listens, starts workers and timers. */
  async start(): Promise<void> {
    await this.cluster.start();
    await registerDirectLine(this.server, this);
    await registerStaffRoutes(this.server, this);
    registerBotFrameworkRoute(this.server, this);
    this.telegram = createTelegramChannel(this);
    if (this.telegram) await this.telegram.init(this.server);
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(this.config.port, this.config.host, () => {
        this.server.removeListener('error', onError);
        resolve();
      });
    });
    this.started = true;
    if (this.opts.workers !== false) for (const s of this.senders.values()) this.startWorker(s);
    if (this.opts.workers !== false && this.config.webhook) {
      const hook = this.config.webhook;
      this.webhookWorker = new WebhookWorker(new WebhookSender(hook.url, hook.secret), this.services.outbox, this.log.child({ worker: 'webhook' }), `${this.config.instanceId}:webhook`, this.opts.webhook);
      this.webhookWorker.start();
    }
    if (this.telegram) await this.telegram.start();
    const remind = setInterval(() => {
      this.alerts.remindDue().catch((e: unknown) => this.log.error({ err: e }, 'outage reminders failed'));
    }, 60_000);
    remind.unref();
    this.timers.push(remind);
    // Reminders (contracts §9): the day's run once REMINDERS_AT has passed, on one instance (claimed per day).
    const daily = setInterval(() => {
      this.runDailyReminders().catch((e: unknown) => this.log.error({ err: e }, 'daily reminders failed'));
    }, 60_000);
    daily.unref();
    this.timers.push(daily);
    // Retention of files no case holds (see AttachmentService.sweep), hourly.
    const sweep = setInterval(() => {
      this.services.attachments.sweep().catch((e: unknown) => this.log.error({ err: e }, 'file retention sweep failed'));
    }, 3600_000);
    sweep.unref();
    this.timers.push(sweep);
    const watch = watchDatabaseFile(this);
    if (watch) this.timers.push(watch);
  }

  /**
   * The automatic daily reminder run: once REMINDERS_AT has passed in Katowice, the first instance to
   * claim the day (a row in app_setting) runs it. Returns how many were queued (0 when not its turn).
   */
  async runDailyReminders(now = new Date()): Promise<number> {
    const due = this.services.reminders.scheduledRun(now);
    if (!due) return 0;
    const sql = sqlOf(this.ds);
    const claimed = await sql.run('INSERT INTO app_setting ("key", "value") VALUES ($1, $2) ON CONFLICT ("key") DO NOTHING', [`reminders.run.${due.today}`, this.config.instanceId]);
    if (!claimed) return 0;
    const queued = await this.services.reminders.run(due.today, due.at);
    this.log.info({ day: due.today, queued }, 'daily reminders queued');
    if (queued) this.pokeWorkers();
    return queued;
  }

  /** The port actually listened on (PORT=0 picks a free one). */
  get port(): number {
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : this.config.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const h of this.stopHooks) await h();
    await this.ocr.close();
    if (this.telegram) await this.telegram.stop();
    await Promise.all(this.workers.map((w) => w.stop()));
    await this.webhookWorker?.stop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.cluster.stop();
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/**
 * A generated secret kept in the database (contracts §11): the first start stores `candidate`,
 * every later start (and every other instance) reads the stored one, so a restart does not end
 * open web chats.
 */
async function sharedSecret(ds: DataSource, key: string, candidate: string): Promise<string> {
  const sql = sqlOf(ds);
  await sql.run('INSERT INTO app_setting ("key", "value") VALUES ($1, $2) ON CONFLICT ("key") DO NOTHING', [key, candidate]);
  const row = await sql.one<{ value: string }>('SELECT "value" FROM app_setting WHERE "key" = $1', [key]);
  return row?.value ?? candidate;
}

/** Opens the database (migrating it), loads demo data into an empty one, and builds the app. */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.logLevel);
  const ds = await openDatabase(config.database);
  try {
    if (config.demoData) {
      const loaded = await loadDemoData(ds);
      if (loaded) log.info({ customers: loaded.customers }, 'demo data loaded into the empty database');
    }
    const recognizer = opts.recognizer ?? (await KroplaRecognizer.load());
    const tokenSecret = config.webchat.tokenSecretGenerated ? await sharedSecret(ds, 'directline.secret', config.webchat.tokenSecret) : config.webchat.tokenSecret;
    const full = { ...config, webchat: { ...config.webchat, tokenSecret }, adminImportMaxBytes: 256 * 1024 * 1024 };
    return new App(full, log, ds, recognizer, opts);
  } catch (e) {
    await ds.destroy();
    throw e;
  }
}
