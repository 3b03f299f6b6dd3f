/**
 * Service tests that run the same on SQLite (`npm test`) and on PostgreSQL (`npm run test:postgres`):
 * import idempotency and rollback, balance, readings, consumption, cases, link codes, outages, outbox.
 */
import type { DataSource } from 'typeorm';
import { ImportService, type ImportFile } from '../../src/services/ImportService';
import { BillingService } from '../../src/services/BillingService';
import { ReadingService } from '../../src/services/ReadingService';
import { ConsumptionService } from '../../src/services/ConsumptionService';
import { CaseService } from '../../src/services/CaseService';
import { LinkService, MAX_ADDRESS_TRIES, MAX_MAILS_PER_CUSTOMER, MAX_TRIES } from '../../src/services/LinkService';
import { OutageService } from '../../src/services/OutageService';
import { OutboxService } from '../../src/services/OutboxService';
import { ChatService } from '../../src/services/ChatService';
import { ValidationError } from '../../src/services/validation';
import { Customer, Invoice, Payment, Reading } from '../../models';
import { polishIbanFromBban } from '../../src/domain/iban';

export function twoCustomerFile(): ImportFile {
  const base = (n: string, street: string) => ({
    customerNumber: n, name: `Klient ${n}`, email: `k${n}@example.com`, phone: '+48600100200', bankAccount: polishIbanFromBban('10901014' + '0000' + n.padStart(12, '0')), eInvoice: false,
    servicePoints: [{ id: `SP-${n}-1`, address: { street, building: '12', apartment: '3', postalCode: '40-065', city: 'Katowice' }, meters: [{ serial: `WM-${n}`, kind: 'main' as const, legalizedUntil: '2029-12-31', readings: [
      { date: '2026-01-15', value: 100, source: 'collector' as const }, { date: '2026-02-15', value: 106.2, source: 'collector' as const }, { date: '2026-03-15', value: 112.4, source: 'estimate' as const }, { date: '2026-04-15', value: 118.6, source: 'collector' as const },
    ] }] }],
    invoices: [
      { number: `FV/2026/02/${n}`, issueDate: '2026-02-20', dueDate: '2026-03-06', periodFrom: '2026-01-15', periodTo: '2026-02-15', grossAmount: 45.32, consumptionM3: 6.2 },
      { number: `FV/2026/03/${n}`, issueDate: '2026-03-20', dueDate: '2026-04-03', periodFrom: '2026-02-15', periodTo: '2026-03-15', grossAmount: 45.32, consumptionM3: 6.2 },
    ],
    payments: [{ date: '2026-03-01', amount: 45.32, invoiceNumber: `FV/2026/02/${n}` }],
  });
  return { customers: [base('900001', 'Mikołowska'), base('900002', 'Stawowa')] };
}

export async function counts(ds: DataSource): Promise<Record<string, number>> {
  return {
    customers: await ds.getRepository(Customer).count(), invoices: await ds.getRepository(Invoice).count(),
    payments: await ds.getRepository(Payment).count(), readings: await ds.getRepository(Reading).count(),
  };
}

export function serviceSuite(name: string, open: () => Promise<DataSource>): void {
  describe(`services on ${name}`, () => {
    let ds: DataSource;
    beforeAll(async () => {
      ds = await open();
    });
    afterAll(async () => {
      await ds.destroy();
    });

    test('import is idempotent: the same file twice yields the same rows', async () => {
      const imp = new ImportService(ds);
      const r1 = await imp.importFile(twoCustomerFile());
      expect(r1).toEqual({ customers: 2, invoices: 4, readings: 8 });
      const after1 = await counts(ds);
      await imp.importFile(twoCustomerFile());
      expect(await counts(ds)).toEqual(after1);
    });

    test('a malformed invoice date answers with the field and writes nothing', async () => {
      const before = await counts(ds);
      const bad = twoCustomerFile() as unknown as { customers: { customerNumber: string; invoices: { issueDate: string }[] }[] };
      bad.customers[0].customerNumber = '900003';
      bad.customers[1].customerNumber = '900004';
      bad.customers[1].invoices[1].issueDate = '2026-02-30';
      await expect(new ImportService(ds).importBody(bad)).rejects.toThrow(ValidationError);
      await expect(new ImportService(ds).importBody(bad)).rejects.toMatchObject({ field: 'customers[1].invoices[1].issueDate' });
      expect(await counts(ds)).toEqual(before);
    });

    test('balance: invoices minus payments; unpaid after the due date is overdue', async () => {
      const c = await ds.getRepository(Customer).findOneByOrFail({ customerNumber: '900001' });
      const b = await new BillingService(ds).balance(c.id, '2026-05-01');
      expect(b.balanceGrosze).toBe(4532);
      expect(b.overdue.map((o) => o.invoice.number)).toEqual(['FV/2026/03/900001']);
    });

    test('reading: lower than the previous is refused, a 3× jump is flagged, a normal one is saved', async () => {
      const c = await ds.getRepository(Customer).findOneByOrFail({ customerNumber: '900001' });
      const rs = new ReadingService(ds);
      const [meter] = await rs.metersOf(c.id);
      expect((await rs.submit(c.id, meter.id, 100_000, '2026-05-15')).status).toBe('lower_than_previous');
      expect((await rs.submit(c.id, meter.id, 140_000, '2026-05-15')).status).toBe('suspicious');
      const ok = await rs.submit(c.id, meter.id, 124_900, '2026-05-15');
      expect(ok.status).toBe('saved');
      const other = await ds.getRepository(Customer).findOneByOrFail({ customerNumber: '900002' });
      expect((await rs.submit(other.id, meter.id, 130_000, '2026-05-16')).status).toBe('not_found');
    });

    test('consumption in monthly buckets with the previous year compared', async () => {
      const c = await ds.getRepository(Customer).findOneByOrFail({ customerNumber: '900002' });
      const r = await new ConsumptionService(ds).report(c.id, '2026-02-01', '2026-03-31');
      expect(r.months.map((m) => m.month)).toEqual(['2026-02', '2026-03']);
      expect(r.totalLitres).toBeGreaterThan(0);
      expect(r.previousYear).toBeNull();
    });

    test('cases: numbered per year, due after the configured days, visible only to their owner', async () => {
      const cases = new CaseService(ds, 30, () => new Date('2026-06-01T10:00:00Z'));
      const c = await ds.getRepository(Customer).findOneByOrFail({ customerNumber: '900001' });
      const a = await cases.create({ kind: 'complaint', category: 'invoice', text: 'Za wysoka faktura', customerId: c.id, channel: 'webchat', chatId: null });
      const b = await cases.create({ kind: 'message', category: 'question', text: 'Pytanie', customerId: null, channel: 'telegram', chatId: 77 });
      expect(a.caseNumber).toMatch(/^KW-2026-\d{6}$/);
      expect(Number(b.caseNumber.slice(-6))).toBe(Number(a.caseNumber.slice(-6)) + 1);
      expect(a.dueAt.toISOString()).toBe('2026-07-01T10:00:00.000Z');
      expect(await cases.visibleTo(a.caseNumber, { customerId: c.id, chatId: null })).not.toBeNull();
      expect(await cases.visibleTo(a.caseNumber, { customerId: c.id + 1, chatId: 77 })).toBeNull();
      expect(await cases.visibleTo(b.caseNumber, { customerId: null, chatId: 77 })).not.toBeNull();
    });

    test('link codes: single use, expiring, at most 5 wrong tries per chat', async () => {
      let now = new Date('2026-06-01T10:00:00Z');
      const links = new LinkService(ds, () => now);
      const c = await ds.getRepository(Customer).findOneByOrFail({ customerNumber: '900002' });
      const { code } = await links.issueCode(c.id, 'ibok');
      expect((await links.redeem('telegram', 'u1', code)).status).toBe('linked');
      expect((await links.redeem('telegram', 'u2', code)).status).toBe('invalid');
      const late = await links.issueCode(c.id, 'ibok');
      now = new Date(now.getTime() + 16 * 60_000);
      expect((await links.redeem('telegram', 'u3', late.code)).status).toBe('invalid');
      for (let i = 0; i < MAX_TRIES - 1; i++) await links.redeem('telegram', 'u4', 'AAAA-2222');
      const locked = await links.redeem('telegram', 'u4', 'AAAA-2223');
      expect(locked.status).toBe('locked');
      const fresh = await links.issueCode(c.id, 'ibok');
      expect((await links.redeem('telegram', 'u4', fresh.code)).status).toBe('locked');
    });

    test('V4: a code works only on the route it was issued for (an e-mailed code needs its customer number)', async () => {
      const links = new LinkService(ds);
      const c = await ds.getRepository(Customer).findOneByOrFail({ customerNumber: '900001' });
      const mailed = await links.requestEmailCode('900001', { channel: 'webchat', channelUserId: 'p1', address: '203.0.113.1' });
      if (mailed.status !== 'sent') throw new Error(`not sent: ${mailed.status}`);
      expect((await links.redeem('webchat', 'p1', mailed.code)).status).toBe('invalid');
      const ibok = await links.issueCode(c.id, 'ibok');
      expect((await links.redeem('webchat', 'p2', ibok.code, { customerNumber: '900001', termsAccepted: true })).status).toBe('invalid');
      expect((await links.redeem('webchat', 'p1', mailed.code, { customerNumber: '900001', termsAccepted: true })).status).toBe('linked');
      expect((await links.redeem('webchat', 'p2', ibok.code)).status).toBe('linked');
    });

    test(`V4: at most ${MAX_MAILS_PER_CUSTOMER} e-mailed codes per customer an hour, whatever the chats and addresses`, async () => {
      const links = new LinkService(ds);
      const statuses: string[] = [];
      for (let i = 0; i < MAX_MAILS_PER_CUSTOMER + 3; i++) statuses.push((await links.requestEmailCode('900001', { channel: 'webchat', channelUserId: `m${i}`, address: `198.51.100.${i}` })).status);
      // one was sent by the test before
      expect(statuses.filter((x) => x === 'sent')).toHaveLength(MAX_MAILS_PER_CUSTOMER - 1);
      expect(statuses.slice(MAX_MAILS_PER_CUSTOMER - 1).every((x) => x === 'limited')).toBe(true);
      // an unknown number never sends, and says so only as "no e-mail"
      expect((await links.requestEmailCode('123456789', { channel: 'webchat', channelUserId: 'm-x', address: '198.51.100.200' })).status).toBe('no_email');
    });

    test("V4: attackers' wrong guesses at a customer burn the open code but never lock the customer out of a fresh one", async () => {
      const links = new LinkService(ds);
      const open = await links.requestEmailCode('900002', { channel: 'webchat', channelUserId: 'owner', address: '192.0.2.10' });
      if (open.status !== 'sent') throw new Error('not sent');
      for (let i = 0; i < MAX_TRIES; i++) {
        const r = await links.redeem('webchat', `attacker-${i}`, `ZZZZ-${2345 + i}`, { customerNumber: '900002', termsAccepted: true, address: `192.0.2.${100 + i}` });
        expect(r.status).toBe('invalid');
      }
      // the code open during the attack is spent ...
      expect((await links.redeem('webchat', 'owner', open.code, { customerNumber: '900002', termsAccepted: true, address: '192.0.2.10' })).status).toBe('invalid');
      // ... and a fresh one links at once: the customer was never locked
      const fresh = await links.requestEmailCode('900002', { channel: 'webchat', channelUserId: 'owner', address: '192.0.2.10' });
      if (fresh.status !== 'sent') throw new Error('not sent');
      expect((await links.redeem('webchat', 'owner', fresh.code, { customerNumber: '900002', termsAccepted: true, address: '192.0.2.10' })).status).toBe('linked');
    });

    test(`V4: wrong codes count per address across chats (${MAX_ADDRESS_TRIES}), IPv6 by /64; another address is not affected`, async () => {
      const links = new LinkService(ds);
      for (let i = 0; i < MAX_ADDRESS_TRIES; i++) await links.redeem('webchat', `g-${Math.floor(i / 3)}`, `YYYY-${2345 + i}`, { address: '2001:db8:7:7::/64' });
      const c = await ds.getRepository(Customer).findOneByOrFail({ customerNumber: '900002' });
      const code = await links.issueCode(c.id, 'ibok');
      expect((await links.redeem('webchat', 'g-new', code.code, { address: '2001:db8:7:7::/64' })).status).toBe('locked');
      expect((await links.redeem('webchat', 'g-other', code.code, { address: '2001:db8:8:8::/64' })).status).toBe('linked');
    });

    test('outages: street matching with inflection, ranges and parity; alerts queued once per chat', async () => {
      const outages = new OutageService(ds);
      const outbox = new OutboxService(ds);
      const chats = new ChatService(ds);
      const inRange = await chats.touch({ channel: 'telegram', conversationId: 'o-1', userId: 'o-1', reference: {} });
      const evenSide = await chats.touch({ channel: 'telegram', conversationId: 'o-2', userId: 'o-2', reference: {} });
      const otherStreet = await chats.touch({ channel: 'webchat', conversationId: 'o-3', userId: 'o-3', reference: {} });
      await outages.subscribeAddress(inRange.id, 'na Mikołowskiej', '13a');
      await outages.subscribeAddress(inRange.id, 'ul. Mikolowska', '13a');
      await outages.subscribeAddress(evenSide.id, 'Mikołowska', '14');
      await outages.subscribeAddress(otherStreet.id, 'Stawowa', '13');
      const notice = await outages.create({ kind: 'failure', title: 'Awaria', message: 'Awaria', startsAt: '2026-06-01T08:00:00+02:00', streets: [{ street: 'ul. Mikołowska', from: '1', to: '21', parity: 'odd' }] });
      const affected = await outages.affectedChats(notice);
      expect(affected.map((a) => a.chat.id)).toEqual([inRange.id]);
      const msgs = affected.map((a) => ({ idempotencyKey: `outage:${notice.id}:published:chat:${a.chat.id}`, channel: a.chat.channel, chatId: a.chat.id, activity: { text: 'x' }, noticeId: notice.id }));
      expect(await outbox.enqueue(msgs)).toBe(1);
      expect(await outbox.enqueue(msgs)).toBe(0);
      expect((await outbox.stats(notice.id)).queued).toBe(1);
    });

    test('the chat record: written only when something changed (the turn\'s activity id is not kept), unblocked by a new message', async () => {
      const chats = new ChatService(ds);
      const ref = (activityId: string) => ({ activityId, conversation: { id: 'tc-1' }, channelId: 'webchat', user: { id: 'u-1' }, bot: { id: 'kropla' } });
      const first = await chats.touch({ channel: 'webchat', conversationId: 'tc-1', userId: 'u-1', reference: ref('a-1'), initialLocale: 'en' });
      expect(JSON.parse(first.reference)).toEqual({ conversation: { id: 'tc-1' }, channelId: 'webchat', user: { id: 'u-1' }, bot: { id: 'kropla' } });
      expect(first.locale).toBe('en');
      // The next message (another activity id), nothing else new: no write (updatedAt stays as it was).
      const longAgo = async () => ds.query(`UPDATE chat_conversation SET "updatedAt" = '2000-01-01 00:00:00' WHERE "id" = ${first.id}`);
      const updatedYear = async () => (await chats.byId(first.id))?.updatedAt.getUTCFullYear();
      await longAgo();
      await chats.touch({ channel: 'webchat', conversationId: 'tc-1', userId: 'u-1', reference: ref('a-2') });
      expect(await updatedYear()).toBe(2000);
      const pl = await chats.touch({ channel: 'webchat', conversationId: 'tc-1', userId: 'u-1', reference: ref('a-3'), locale: 'pl' });
      expect(pl.locale).toBe('pl');
      expect(await updatedYear()).toBeGreaterThan(2000);
      await chats.markBlocked(first.id);
      const back = await chats.touch({ channel: 'webchat', conversationId: 'tc-1', userId: 'u-2', reference: ref('a-4') });
      expect(back.blockedAt).toBeNull();
      const stored = await chats.byId(first.id);
      expect(stored).toMatchObject({ locale: 'pl', userId: 'u-2', blockedAt: null });
    });

    test('outbox: two workers never claim the same message; an expired lease is claimed again', async () => {
      const outbox = new OutboxService(ds);
      const chats = new ChatService(ds);
      const chat = await chats.touch({ channel: 'claimtest', conversationId: 'cl-1', userId: 'cl-1', reference: {} });
      await outbox.enqueue(Array.from({ length: 20 }, (_, i) => ({ idempotencyKey: `claim-${i}`, channel: 'claimtest', chatId: chat.id, activity: { text: String(i) } })));
      const [a, b] = await Promise.all([outbox.claim('claimtest', 15, 'w1', 60_000), outbox.claim('claimtest', 15, 'w2', 60_000)]);
      const ids = [...a, ...b].map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(20);
      for (const m of a) await outbox.markSent(m.id, 'w1');
      expect(await outbox.claim('claimtest', 50, 'w3', 60_000)).toHaveLength(0);
      // w2 crashed: its lease runs out and its messages are claimed again, the sent ones are not.
      await ds.query(`UPDATE "outbox_message" SET "lockedUntil" = ${ds.options.type === 'postgres' ? '$1' : '?'} WHERE "lockedBy" = 'w2' AND "status" = 'sending'`, [ds.options.type === 'postgres' ? new Date(Date.now() - 1000) : new Date(Date.now() - 1000).toISOString().replace('T', ' ').replace('Z', '')]);
      const again = await outbox.claim('claimtest', 50, 'w3', 60_000);
      expect(again.map((m) => m.id).sort()).toEqual(b.map((m) => m.id).sort());
    });
  });
}
