/**
 * Announces new escalations to the staff: a Teams channel (incoming webhook, Adaptive Card with a link
 * to the case in the desk) and a Telegram staff group. Customer text is truncated and never interpreted
 * as markup (Adaptive Card TextRun, plain Telegram text).
 *
 * @example
 * const n = new StaffNotifier({ publicUrl, teamsWebhookUrl, telegram: app.telegram, log });
 * n.attach(app.events);
 */
import type { Logger } from 'pino';
import type { CaseRecord } from '../../models';
import type { KroplaEventBus } from '../events';
import { t } from '../i18n/i18n';

/** The Telegram channel as far as the desk needs it (`sendStaffNotice` is optional until that channel has it). */
export interface StaffNoticeSender {
  sendStaffNotice?(text: string): Promise<unknown>;
}

export interface StaffNotifierOptions {
  publicUrl: string;
  teamsWebhookUrl: string | null;
  /** Called at each notice so a channel registered later is still used. */
  telegram: () => StaffNoticeSender | null;
  telegramStaffChatId: string | null;
  log: Logger;
  fetch?: typeof fetch;
}

/** Kinds of `case.created` worth a notice (a handoff is announced by `handoff.requested`, or as a case outside hours). */
const ANNOUNCED_KINDS = new Set(['complaint', 'outage_report', 'handoff']);
const MAX_TEXT = 300;

/** Removes control characters and cuts a text to `max` characters with an ellipsis. */
export function plainSnippet(text: string, max = MAX_TEXT): string {
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function caseLink(publicUrl: string, caseNumber: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/staff#case/${encodeURIComponent(caseNumber)}`;
}

/** The Teams incoming-webhook payload: one message with one Adaptive Card. */
export function adaptiveCardMessage(title: string, facts: { title: string; value: string }[], customerText: string, url: string, openLabel: string): object {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'FactSet', facts },
            // TextRun is never parsed as Markdown: what the customer wrote stays text.
            { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: customerText }] },
          ],
          actions: [{ type: 'Action.OpenUrl', title: openLabel, url }],
        },
      },
    ],
  };
}

export class StaffNotifier {
  private readonly pending = new Set<Promise<void>>();
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: StaffNotifierOptions) {
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** Subscribes to the events; returns the unsubscribe function. */
  attach(events: KroplaEventBus): () => void {
    const offs = [
      events.on('case.created', (c) => {
        if (ANNOUNCED_KINDS.has(c.kind)) this.track(this.announce(c, c.kind === 'handoff' ? 'afterHours' : 'created'));
      }),
      events.on('handoff.requested', (_chat, c) => this.track(this.announce(c, 'handoff'))),
    ];
    return () => offs.forEach((off) => off());
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every notice sent so far is done (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Sends the notices of one case; failures are logged, never thrown. */
  async announce(c: CaseRecord, why: 'created' | 'handoff' | 'afterHours'): Promise<void> {
    const url = caseLink(this.opts.publicUrl, c.caseNumber);
    const params = { caseNumber: c.caseNumber, kind: t('pl', `desk.kind.${c.kind}`), category: t('pl', `desk.category.${c.category}`) };
    const title = t('pl', `desk.notify.${why}`, params);
    const snippet = plainSnippet(c.text);
    const log = this.opts.log.child({ caseNumber: c.caseNumber });
    const jobs: Promise<void>[] = [];
    if (this.opts.teamsWebhookUrl) {
      const facts = [
        { title: t('pl', 'desk.notify.factCase'), value: c.caseNumber },
        { title: t('pl', 'desk.notify.factCategory'), value: params.category },
        { title: t('pl', 'desk.notify.factChannel'), value: c.channel },
        { title: t('pl', 'desk.notify.factDue'), value: c.dueAt.toLocaleString('pl-PL', { timeZone: 'Europe/Warsaw', dateStyle: 'short', timeStyle: 'short' }) },
      ];
      const body = adaptiveCardMessage(title, facts, snippet, url, t('pl', 'desk.notify.open'));
      jobs.push(
        this.fetchFn(this.opts.teamsWebhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
          .then((r) => {
            if (!r.ok) log.warn({ status: r.status }, 'Teams webhook refused the notice');
          })
          .catch((e: unknown) => log.warn({ err: (e as Error).message }, 'Teams webhook failed')),
      );
    }
    const tg = this.opts.telegramStaffChatId ? this.opts.telegram() : null;
    if (tg && typeof tg.sendStaffNotice === 'function') {
      const text = `${title}\n${snippet}\n${url}`;
      jobs.push(
        tg.sendStaffNotice(text).then(
          () => undefined,
          (e: unknown) => log.warn({ err: (e as Error).message }, 'Telegram staff notice failed'),
        ),
      );
    }
    await Promise.all(jobs);
  }
}
