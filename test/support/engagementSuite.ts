/**
 * The engagement tables (issue 18) on SQLite (`npm test`) and PostgreSQL (`npm run test:postgres`):
 * opt-ins and one-time claims decided by their unique indexes, CSAT asked once per case, and the
 * analytics report's SQL over events, transcripts, cases and feedback.
 */
import type { DataSource } from 'typeorm';
import { AnalyticsEvent, ChatLink } from '../../models';
import { AnalyticsService } from '../../src/services/AnalyticsService';
import { BillingService } from '../../src/services/BillingService';
import { CaseService } from '../../src/services/CaseService';
import { ChatService } from '../../src/services/ChatService';
import { CsatService } from '../../src/services/CsatService';
import { CustomerService } from '../../src/services/CustomerService';
import { ImportService } from '../../src/services/ImportService';
import { LinkService } from '../../src/services/LinkService';
import { OutboxService } from '../../src/services/OutboxService';
import { ReadingService } from '../../src/services/ReadingService';
import { ReminderService } from '../../src/services/ReminderService';
import { analyticsReport } from '../../src/staff/analytics';
import { isoDateInWarsaw } from '../../src/domain/format';
import { warsawInstant } from '../../src/domain/warsawTime';
import { twoCustomerFile } from './serviceSuite';

export function engagementSuite(name: string, open: () => Promise<DataSource>): void {
  describe(`engagement tables on ${name}`, () => {
    let ds: DataSource;
    let chats: ChatService;
    let outbox: OutboxService;
    let reminders: ReminderService;
    let csat: CsatService;
    let cases: CaseService;
    let analytics: AnalyticsService;

    beforeAll(async () => {
      ds = await open();
      chats = new ChatService(ds);
      outbox = new OutboxService(ds);
      cases = new CaseService(ds);
      analytics = new AnalyticsService(ds);
      const services = { billing: new BillingService(ds), links: new LinkService(ds), outbox, readings: new ReadingService(ds), customers: new CustomerService(ds) };
      reminders = new ReminderService({ ds, config: { companyNip: '1234563218', reminders: { at: '09:00', allowClockOverride: true } }, services });
      csat = new CsatService({ ds, services: { chats, outbox }, pokeWorkers: () => undefined });
      await new ImportService(ds).importFile(twoCustomerFile());
    });
    afterAll(async () => {
      await ds.destroy();
    });

    test('opt-in once per chat and kind; a reminder subject claimed once; the invoice reminder queued once', async () => {
      const chat = await chats.touch({ channel: 'telegram', conversationId: 'tg-1', userId: 'tg-user-1', reference: { channelId: 'telegram' }, locale: 'pl' });
      const customer = await new CustomerService(ds).byNumber('900001');
      await ds.getRepository(ChatLink).insert({ channel: 'telegram', channelUserId: 'tg-user-1', customerId: customer!.id, via: 'ibok', termsAcceptedAt: new Date() });
      expect(await reminders.optIn(chat.id, 'invoice_due')).toBe(true);
      expect(await reminders.optIn(chat.id, 'invoice_due')).toBe(false);
      expect(await reminders.kinds(chat.id)).toEqual(['invoice_due']);
      expect(await reminders.claim(chat.id, 'reading', 'offer', new Date())).toBe(true);
      expect(await reminders.claim(chat.id, 'reading', 'offer', new Date())).toBe(false);
      // FV/2026/03/900001 (45,32 zł) is due 2026-04-03 and unpaid: two days before it
      expect(await reminders.run('2026-04-01', warsawInstant('2026-04-01', 9 * 60))).toBe(1);
      expect(await reminders.run('2026-04-01', warsawInstant('2026-04-01', 9 * 60))).toBe(0);
      const queued = await ds.query('SELECT "channel", "activity" FROM outbox_message') as { channel: string; activity: string }[];
      expect(queued).toHaveLength(1);
      expect(queued[0].channel).toBe('telegram');
      expect(JSON.parse(queued[0].activity).text).toContain('FV/2026/03/900001');
      expect(await reminders.optOut(chat.id, 'invoice_due')).toBe(true);
      expect(await reminders.kinds(chat.id)).toEqual([]);
    });

    test('CSAT asked once per case; the report counts tasks, fallbacks, handoffs, containment, CSAT and cases', async () => {
      const a = await chats.touch({ channel: 'webchat', conversationId: 'wc-a', userId: 'wc-a', reference: { channelId: 'webchat' }, locale: 'pl' });
      const b = await chats.touch({ channel: 'webchat', conversationId: 'wc-b', userId: 'wc-b', reference: { channelId: 'webchat' }, locale: 'pl' });
      for (const [chat, n] of [[a, 2], [b, 3]] as const) for (let i = 0; i < n; i++) await chats.record(chat.id, 'customer', `wiadomość ${i}`);
      await analytics.tasksCompleted(a.id, ['balance.check', 'invoices.list']);
      await analytics.tasksCompleted(b.id, ['balance.check']);
      await analytics.fallback(b.id, 'coś 123 zupełnie innego', 'pl');
      await analytics.fallback(b.id, 'coś 456 zupełnie innego', 'pl');
      await cases.create({ kind: 'handoff', category: 'handoff', text: 'konsultant', customerId: null, channel: 'webchat', chatId: b.id });
      const c = await cases.create({ kind: 'complaint', category: 'invoice', text: 'Za wysoka faktura', customerId: null, channel: 'webchat', chatId: a.id });
      await cases.setStatus(c.id, 'resolved', 'staff:1');
      expect(await csat.ask(c)).toBe(true);
      expect(await csat.ask(c)).toBe(false);
      const waiting = await csat.waitingForRating(a.id);
      expect(waiting).not.toBeNull();
      await csat.rate(waiting!, 5);
      await csat.rate(waiting!, 1); // the first answer stays
      expect((await csat.ofCase(c.id))?.rating).toBe(5);

      const today = isoDateInWarsaw(new Date());
      const r = await analyticsReport(ds, today, today);
      expect(r).toMatchObject({
        conversations: 2, customerMessages: 5, tasksCompleted: { 'balance.check': 2, 'invoices.list': 1 }, containment: 0.5, fallbacks: 2, handoffs: 1,
        misunderstood: [{ text: 'coś ### zupełnie innego', count: 2, label: null }], csat: { responses: 1, average: 5 }, cases: { filed: 1, answeredInTime: 1, overdue: 0 },
      });
      expect(await ds.getRepository(AnalyticsEvent).count({ where: { kind: 'fallback' } })).toBe(2);
      await analytics.label('coś ### zupełnie innego', 'None', null);
      await analytics.label('coś ### zupełnie innego', 'help', null);
      expect((await analytics.labels()).map((l) => [l.text, l.intent, l.locale])).toEqual([['coś ### zupełnie innego', 'help', 'pl']]);
    });
  });
}
