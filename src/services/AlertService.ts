/**
 * Turns outage notices into alerts: one outbox message per affected chat, in the chat's language,
 * with an idempotency key per notice, revision and chat — so re-publishing or a restart never
 * sends anything twice. Planned outages get a reminder before they start.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { OutageNotice } from '../../models';
import { formatDateTime } from '../domain/format';
import { t, toLocale } from '../i18n/i18n';
import type { AffectedChat, OutageService } from './OutageService';
import type { OutboxService } from './OutboxService';
import { ValidationError } from './validation';

/** Telegram's fee for one message sent with `allow_paid_broadcast` (Bot API: 0.1 Stars a message). */
export const STARS_PER_PAID_MESSAGE = 0.1;
const MAX_STARS = 1_000_000;

/** The paid-broadcast settings of a deployment: the operator's opt-in and the two paces. */
export interface PaidBroadcastSettings {
  enabled: boolean;
  /** Paid messages a second (up to 1,000). */
  ratePerSecond: number;
  /** Telegram's free pace (`TELEGRAM_RATE_PER_SEC`). */
  freeRatePerSecond: number;
}

/** What a paid broadcast of one notice costs: `messages` go with the flag (the first ones), the rest at the free pace. */
export interface PaidBroadcastPlan {
  maxStars: number;
  messages: number;
  stars: number;
}

/** What publishing a notice would do, before it is published (the operator sees the cost first). */
export interface AlertCost {
  recipients: number;
  channels: Record<string, number>;
  telegram: { recipients: number; secondsAtFreePace: number; paidBroadcast: (PaidBroadcastPlan & { seconds: number }) | null };
}

export type AlertRevision = 'published' | 'reminder' | `update-${string}` | 'ended';

export class AlertService {
  /** Called after messages were queued (wakes the delivery workers). */
  onQueued: () => void = () => undefined;

  constructor(
    private readonly outages: OutageService,
    private readonly outbox: OutboxService,
    private readonly log: Logger,
    private readonly reminderHours = 24,
    private readonly paid: PaidBroadcastSettings = { enabled: false, ratePerSecond: 1000, freeRatePerSecond: 25 },
  ) {}

  /**
   * The paid broadcast a notice's body asks for (`"paidBroadcast": {"maxStars": N}`), or null; a 400 naming the
   * field when the deployment has not opted in, the notice is not a failure, or the budget is not a number of Stars.
   */
  paidRequest(body: unknown): { maxStars: number } | null {
    const b = (body ?? {}) as { paidBroadcast?: unknown; kind?: unknown };
    if (b.paidBroadcast === undefined || b.paidBroadcast === null || b.paidBroadcast === false) return null;
    if (typeof b.paidBroadcast !== 'object' || Array.isArray(b.paidBroadcast)) throw new ValidationError('paidBroadcast', 'expected {"maxStars": the budget in Telegram Stars}');
    const maxStars = (b.paidBroadcast as { maxStars?: unknown }).maxStars;
    if (typeof maxStars !== 'number' || !Number.isFinite(maxStars) || maxStars < STARS_PER_PAID_MESSAGE || maxStars > MAX_STARS) {
      throw new ValidationError('paidBroadcast.maxStars', `the budget in Telegram Stars, from ${STARS_PER_PAID_MESSAGE} to ${MAX_STARS}`);
    }
    if (!this.paid.enabled) throw new ValidationError('paidBroadcast', 'paid broadcast is not enabled on this deployment (TELEGRAM_PAID_BROADCAST=1)');
    if (b.kind !== 'failure') throw new ValidationError('paidBroadcast', 'only a failure notice may be sent as a paid broadcast');
    return { maxStars };
  }

  /** How many of `telegram` recipients the budget pays for, and what that costs. */
  static plan(telegram: number, maxStars: number): PaidBroadcastPlan {
    const messages = Math.min(telegram, Math.floor(maxStars / STARS_PER_PAID_MESSAGE + 1e-9));
    return { maxStars, messages, stars: Math.round(messages * STARS_PER_PAID_MESSAGE * 10) / 10 };
  }

  /** What publishing this body would do and cost, nothing stored (validated like {@link publish}). */
  async cost(body: unknown): Promise<AlertCost> {
    const paid = this.paidRequest(body);
    const { recipients, channels } = await this.outages.previewAudienceByChannel(body);
    const telegram = channels.telegram ?? 0;
    const free = (n: number) => Math.round((n / this.paid.freeRatePerSecond) * 10) / 10;
    let paidBroadcast: AlertCost['telegram']['paidBroadcast'] = null;
    if (paid) {
      const plan = AlertService.plan(telegram, paid.maxStars);
      paidBroadcast = { ...plan, seconds: Math.round((plan.messages / this.paid.ratePerSecond + (telegram - plan.messages) / this.paid.freeRatePerSecond) * 10) / 10 };
    }
    return { recipients, channels, telegram: { recipients: telegram, secondsAtFreePace: free(telegram), paidBroadcast } };
  }

  /** The alert text for one chat. */
  alertActivity(notice: OutageNotice, revision: AlertRevision, target: AffectedChat): object {
    const locale = toLocale(target.chat.locale);
    const p = {
      title: notice.title,
      message: notice.message,
      start: formatDateTime(notice.startsAt),
      end: notice.expectedEndAt ? formatDateTime(notice.expectedEndAt) : t(locale, 'alert.endUnknown'),
      tanker: notice.tankerLocation ?? '',
      address: target.building ? `${target.street} ${target.building}` : target.street,
    };
    const head =
      revision === 'ended' ? t(locale, 'alert.ended', p)
      : revision === 'reminder' ? t(locale, 'alert.reminder', p)
      : revision.startsWith('update') ? t(locale, 'alert.update', p)
      : notice.kind === 'failure' ? t(locale, 'alert.failure', p) : t(locale, 'alert.planned', p);
    const lines = [head];
    if (revision !== 'ended') {
      // Planned works have a planned end, not a repair ("usunięcie") of a failure.
      lines.push(t(locale, notice.kind === 'failure' ? 'alert.details' : 'alert.plannedDetails', p));
      if (notice.tankerLocation) lines.push(t(locale, 'alert.tanker', p));
      lines.push(t(locale, 'alert.emergency'));
    }
    return {
      type: 'message',
      text: lines.join('\n\n'),
      locale,
      suggestedActions: {
        actions: [{ type: 'postBack', title: t(locale, 'alert.unsubscribeButton'), value: `/wypisz ${target.subscriptionId}` }],
        to: [],
      },
      channelData: { kropla: { kind: 'outage', noticeId: notice.id, revision } },
    };
  }

  /** Queues the alert for every affected chat; returns how many chats it reaches. */
  async queue(notice: OutageNotice, revision: AlertRevision, paid: { maxStars: number } | null = null): Promise<number> {
    return (await this.queueAlerts(notice, revision, paid)).recipients;
  }

  /**
   * Queues the alert for every affected chat; with a paid broadcast, the first Telegram chats the budget
   * pays for are marked (`channelData.kropla.paidBroadcast`) and queued first, the rest go at the free pace.
   */
  private async queueAlerts(notice: OutageNotice, revision: AlertRevision, paid: { maxStars: number } | null): Promise<{ recipients: number; plan: PaidBroadcastPlan | null }> {
    const targets = (await this.outages.affectedChats(notice)).filter((a) => !a.chat.blockedAt);
    const telegram = targets.filter((a) => a.chat.channel === 'telegram');
    const plan = paid ? AlertService.plan(telegram.length, paid.maxStars) : null;
    const paidChats = new Set(telegram.slice(0, plan?.messages ?? 0).map((a) => a.chat.id));
    const ordered = paidChats.size ? [...targets.filter((a) => paidChats.has(a.chat.id)), ...targets.filter((a) => !paidChats.has(a.chat.id))] : targets;
    await this.outbox.enqueue(
      ordered.map((a) => {
        const activity = this.alertActivity(notice, revision, a) as { channelData: { kropla: Record<string, unknown> } };
        if (paidChats.has(a.chat.id)) activity.channelData.kropla.paidBroadcast = true;
        return {
          idempotencyKey: `outage:${notice.id}:${revision}:chat:${a.chat.id}`,
          channel: a.chat.channel,
          chatId: a.chat.id,
          activity,
          noticeId: notice.id,
        };
      }),
    );
    this.log.info({ noticeId: notice.id, revision, recipients: targets.length, paidMessages: plan?.messages ?? 0, paidStars: plan?.stars ?? 0 }, 'outage alert queued');
    this.onQueued();
    return { recipients: targets.length, plan };
  }

  /**
   * Validates and stores a notice, then alerts its audience at once; a failure notice may ask for a
   * paid broadcast on Telegram within a budget (`paidBroadcast: {maxStars}`, when the deployment opted in).
   */
  async publish(body: unknown): Promise<{ notice: OutageNotice; recipients: number; paidBroadcast: PaidBroadcastPlan | null }> {
    const paid = this.paidRequest(body); // a bad budget stores nothing
    const notice = await this.outages.create(body);
    const { recipients, plan } = await this.queueAlerts(notice, 'published', paid);
    return { notice, recipients, paidBroadcast: plan };
  }

  /** Updates a notice (new end, tanker, text) or ends it, and tells the same audience. */
  async update(id: number, body: unknown): Promise<{ notice: OutageNotice; recipients: number } | null> {
    const notice = await this.outages.update(id, body);
    if (!notice) return null;
    // Each update is its own revision (a fresh key), so two updates in the same second both reach everyone.
    const revision: AlertRevision = notice.endedAt ? 'ended' : `update-${Date.now()}-${randomBytes(4).toString('hex')}`;
    return { notice, recipients: await this.queue(notice, revision) };
  }

  /** Queues reminders for planned outages starting within `reminderHours` (once per notice). */
  async remindDue(now = new Date()): Promise<number> {
    let total = 0;
    for (const n of await this.outages.current(now)) {
      if (n.kind !== 'planned' || n.remindedAt) continue;
      const until = n.startsAt.getTime() - now.getTime();
      if (until > 0 && until <= this.reminderHours * 3600_000 && n.createdAt.getTime() < n.startsAt.getTime() - this.reminderHours * 3600_000) {
        total += await this.queue(n, 'reminder');
        await this.outages.markReminded(n.id);
      }
    }
    return total;
  }
}
