/**
 * Live handoff between Kropla and a person at the customer office.
 * States of a chat: `bot` → (customer asks for a person, in office hours) `queued` → (staff accepts) `live`
 * → (staff releases) `bot`. The bot calls {@link HandoffService.requestHandoff} and
 * {@link HandoffService.customerWrote}; the desk calls {@link HandoffService.accept} and {@link HandoffService.release}.
 *
 * @example
 * const handoff = handoffServiceFor(app);
 * if (!handoff.isInOfficeHours(new Date())) { … tell the hours and the phone … }
 * const { caseRecord, queued } = await handoff.requestHandoff(chat, customerId, text);
 */
import type { DataSource } from 'typeorm';
import { CaseRecord, ChatConversation } from '../../models';
import type { StaffUser } from '../../models/StaffUser';
import type { Config } from '../config';
import type { KroplaEventBus } from '../events';
import { t } from '../i18n/i18n';
import type { Services } from '../app';

/** What the handoff needs of the app (the App itself fits). */
export interface HandoffDeps {
  ds: DataSource;
  config: Pick<Config, 'officeHours'> & Partial<Pick<Config, 'officeDays' | 'officeHolidays'>>;
  services: Pick<Services, 'cases' | 'chats' | 'outbox'>;
  events: KroplaEventBus;
  pokeWorkers(): void;
}

/** Thrown when a transition is not allowed from the chat's current state (→ 409 at the desk). */
export class HandoffStateError extends Error {
  constructor(
    readonly code: 'not_handoff' | 'no_chat' | 'not_queued' | 'taken' | 'not_live',
    message: string,
  ) {
    super(message);
    this.name = 'HandoffStateError';
  }
}

const OPEN = ['new', 'in_progress', 'waiting_for_customer'] as const;

/** Easter Sunday (Gregorian, anonymous algorithm) as `MM-DD`. */
function easter(year: number): Date {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

/** Polish public holidays (days off work) of a year, as `YYYY-MM-DD`. */
export function polishHolidays(year: number): Set<string> {
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const e = easter(year);
  const plus = (days: number) => iso(new Date(e.getTime() + days * 86_400_000));
  const fixed = ['01-01', '01-06', '05-01', '05-03', '08-15', '11-01', '11-11', '12-25', '12-26'];
  if (year >= 2025) fixed.push('12-24');
  return new Set([...fixed.map((md) => `${year}-${md}`), iso(e), plus(1), plus(49), plus(60)]);
}

const warsaw = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export class HandoffService {
  constructor(private readonly deps: HandoffDeps) {}

  /** Whether the customer office works at `now`: `officeDays` (default Monday–Friday), not a public holiday, `officeHours` local time in Warsaw. */
  isInOfficeHours(now: Date = new Date()): boolean {
    const parts = Object.fromEntries(warsaw.formatToParts(now).map((p) => [p.type, p.value]));
    const isoDay = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
    if (!(this.deps.config.officeDays ?? [1, 2, 3, 4, 5]).includes(isoDay)) return false;
    if ((this.deps.config.officeHolidays ?? true) && polishHolidays(Number(parts.year)).has(`${parts.year}-${parts.month}-${parts.day}`)) return false;
    const hm = `${parts.hour}:${parts.minute}`;
    const { open, close } = this.deps.config.officeHours;
    return hm >= open && hm < close;
  }

  /** The open handoff case of a chat, if any (the customer's messages go there while queued or live). */
  async openHandoffCase(chatId: number): Promise<CaseRecord | null> {
    return this.deps.ds
      .getRepository(CaseRecord)
      .createQueryBuilder('c')
      .where('c.chatId = :chatId AND c.kind = :kind AND c.status IN (:...open)', { chatId, kind: 'handoff', open: [...OPEN] })
      .orderBy('c.id', 'DESC')
      .getOne();
  }

  /**
   * The customer asked for a person. Files a handoff case (or reuses the chat's open one).
   * In office hours the chat becomes `queued` and `handoff.requested` is emitted; outside them the chat
   * stays with the bot and the case waits for the morning (`case.created`); the bot then tells the hours and the phone.
   */
  async requestHandoff(chat: ChatConversation, customerId: number | null, text: string, now: Date = new Date()): Promise<{ caseRecord: CaseRecord; queued: boolean; inOfficeHours: boolean; created: boolean }> {
    const inOfficeHours = this.isInOfficeHours(now);
    const existing = await this.openHandoffCase(chat.id);
    let caseRecord = existing;
    if (!caseRecord) {
      caseRecord = await this.deps.services.cases.create({ kind: 'handoff', category: 'handoff', text: text || '—', customerId, channel: chat.channel, chatId: chat.id });
    } else if (text) {
      await this.deps.services.cases.addMessage(caseRecord.id, 'customer', text);
    }
    if (!inOfficeHours) {
      if (!existing) this.deps.events.emit('case.created', caseRecord);
      return { caseRecord, queued: false, inOfficeHours, created: !existing };
    }
    if (chat.handoffState === 'live') return { caseRecord, queued: false, inOfficeHours, created: !existing };
    await this.deps.ds.getRepository(ChatConversation).update({ id: chat.id }, { handoffState: 'queued', handoffStaffId: null });
    chat.handoffState = 'queued';
    chat.handoffStaffId = null;
    this.deps.events.emit('handoff.requested', chat, caseRecord);
    return { caseRecord, queued: true, inOfficeHours, created: !existing };
  }

  /**
   * While a chat is queued or live, the bot hands every customer message here: it joins the handoff case
   * and the desk sees it at once. Returns the case, or null when the chat has no open handoff.
   */
  async customerWrote(chat: ChatConversation, text: string): Promise<CaseRecord | null> {
    if (chat.handoffState === 'bot') return null;
    const c = await this.openHandoffCase(chat.id);
    if (!c) return null;
    await this.deps.services.cases.addCustomerAnswer(c, text);
    this.deps.events.emit('case.customerMessage', c, text);
    return c;
  }

  private async chatOf(c: CaseRecord): Promise<ChatConversation> {
    if (c.kind !== 'handoff') throw new HandoffStateError('not_handoff', 'this case is not a request for a person');
    const chat = c.chatId !== null ? await this.deps.services.chats.byId(c.chatId) : null;
    if (!chat) throw new HandoffStateError('no_chat', 'the chat of this case no longer exists');
    return chat;
  }

  /**
   * A staff member takes the chat over: `queued` → `live` (only one can win), the case is assigned to them
   * and moves to `in_progress`, and the customer is greeted by name. Accepting again one's own live chat is a no-op.
   */
  async accept(c: CaseRecord, staff: Pick<StaffUser, 'id' | 'name'>): Promise<ChatConversation> {
    const chat = await this.chatOf(c);
    if (chat.handoffState === 'live') {
      if (chat.handoffStaffId === staff.id) return chat;
      throw new HandoffStateError('taken', 'another staff member already talks with this customer');
    }
    const r = await this.deps.ds.getRepository(ChatConversation).update({ id: chat.id, handoffState: 'queued' }, { handoffState: 'live', handoffStaffId: staff.id });
    if (!r.affected) {
      const again = await this.deps.services.chats.byId(chat.id);
      if (again?.handoffState === 'live') throw new HandoffStateError('taken', 'another staff member already talks with this customer');
      throw new HandoffStateError('not_queued', 'the customer is not waiting for a person');
    }
    await this.deps.ds.getRepository(CaseRecord).update({ id: c.id }, { assigneeId: staff.id });
    await this.deps.services.cases.setStatus(c.id, 'in_progress', `staff:${staff.id}`);
    const text = t(chat.locale, 'desk.handoff.greeting', { name: staff.name });
    await this.toCustomer(chat, c, `case:${c.caseNumber}:handoff:accept:${staff.id}`, text);
    chat.handoffState = 'live';
    chat.handoffStaffId = staff.id;
    return chat;
  }

  /** Gives the chat back to Kropla (`queued`/`live` → `bot`), tells the customer so, and resolves the case. */
  async release(c: CaseRecord, staff: Pick<StaffUser, 'id'>): Promise<ChatConversation> {
    const chat = await this.chatOf(c);
    if (chat.handoffState === 'bot') throw new HandoffStateError('not_live', 'the chat is already with Kropla');
    const r = await this.deps.ds.getRepository(ChatConversation).update({ id: chat.id, handoffState: chat.handoffState }, { handoffState: 'bot', handoffStaffId: null });
    if (!r.affected) throw new HandoffStateError('not_live', 'the chat changed meanwhile; please reload');
    await this.deps.services.cases.setStatus(c.id, 'resolved', `staff:${staff.id}`);
    await this.toCustomer(chat, c, `case:${c.caseNumber}:handoff:release:${Date.now()}`, t(chat.locale, 'desk.handoff.released'));
    chat.handoffState = 'bot';
    chat.handoffStaffId = null;
    return chat;
  }

  private async toCustomer(chat: ChatConversation, c: CaseRecord, key: string, text: string): Promise<void> {
    const msg = await this.deps.services.cases.addMessage(c.id, 'system', text);
    await this.deps.services.outbox.enqueue([{ idempotencyKey: `${key}:${msg.id}`, channel: chat.channel, chatId: chat.id, activity: { type: 'message', text }, caseId: c.id }]);
    await this.deps.services.chats.record(chat.id, 'staff', text);
    this.deps.pokeWorkers();
  }
}

const instances = new WeakMap<object, HandoffService>();

/** The one HandoffService of an app (the desk and the bot share it). */
export function handoffServiceFor(app: HandoffDeps): HandoffService {
  let s = instances.get(app);
  if (!s) {
    s = new HandoffService(app);
    instances.set(app, s);
  }
  return s;
}
