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

export type AlertRevision = 'published' | 'reminder' | `update-${string}` | 'ended';

export class AlertService {
  /** Called after messages were queued (wakes the delivery workers). */
  onQueued: () => void = () => undefined;

  constructor(
    private readonly outages: OutageService,
    private readonly outbox: OutboxService,
    private readonly log: Logger,
    private readonly reminderHours = 24,
  ) {}

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
      lines.push(t(locale, 'alert.details', p));
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
  async queue(notice: OutageNotice, revision: AlertRevision): Promise<number> {
    const targets = (await this.outages.affectedChats(notice)).filter((a) => !a.chat.blockedAt);
    await this.outbox.enqueue(
      targets.map((a) => ({
        idempotencyKey: `outage:${notice.id}:${revision}:chat:${a.chat.id}`,
        channel: a.chat.channel,
        chatId: a.chat.id,
        activity: this.alertActivity(notice, revision, a),
        noticeId: notice.id,
      })),
    );
    this.log.info({ noticeId: notice.id, revision, recipients: targets.length }, 'outage alert queued');
    this.onQueued();
    return targets.length;
  }

  /** Validates and stores a notice, then alerts its audience at once. */
  async publish(body: unknown): Promise<{ notice: OutageNotice; recipients: number }> {
    const notice = await this.outages.create(body);
    const recipients = await this.queue(notice, 'published');
    return { notice, recipients };
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
