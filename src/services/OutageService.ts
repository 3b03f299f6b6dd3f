/**
 * Outage notices and alert subscriptions: publishing, matching streets and building ranges,
 * and queuing one alert per affected chat into the outbox (idempotent per notice, update and chat).
 */
import { z } from 'zod';
import type { DataSource } from 'typeorm';
import { AlertSubscription, ChatConversation, OutageNotice, OutageStreet, ServicePoint } from '../../models';
import { buildingInRange, closestStreetKey, KATOWICE_STREETS, streetKey } from '../domain/streets';
import { isoDateTime, parseOrThrow } from './validation';

const streetSchema = z.object({
  street: z.string().trim().min(1).max(120),
  city: z.string().trim().min(1).max(80).default('Katowice'),
  from: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d{1,4}\s*[a-zA-Z]?$/, 'expected a house number like 12 or 12a')).optional(),
  to: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d{1,4}\s*[a-zA-Z]?$/, 'expected a house number like 12 or 12a')).optional(),
  parity: z.enum(['all', 'odd', 'even']).default('all'),
});

export const outageSchema = z
  .object({
    kind: z.enum(['failure', 'planned']),
    title: z.string().trim().min(1).max(200),
    message: z.string().trim().min(1).max(4000),
    startsAt: isoDateTime,
    expectedEndAt: isoDateTime.nullable().optional(),
    tankerLocation: z.string().trim().max(300).nullable().optional(),
    streets: z.array(streetSchema).min(1, 'at least one street'),
  })
  .refine((o) => !o.expectedEndAt || Date.parse(o.expectedEndAt) >= Date.parse(o.startsAt), { message: 'must not be before startsAt', path: ['expectedEndAt'] });

export type OutageInput = z.infer<typeof outageSchema>;

export const outageUpdateSchema = z.object({
  message: z.string().trim().min(1).max(4000).optional(),
  expectedEndAt: isoDateTime.nullable().optional(),
  tankerLocation: z.string().trim().max(300).nullable().optional(),
  ended: z.boolean().optional(),
});
export type OutageUpdate = z.infer<typeof outageUpdateSchema>;

/** The part of an outage street that decides who is affected. */
export type StreetRange = Pick<OutageStreet, 'streetKey' | 'fromBuilding' | 'toBuilding' | 'parity'>;

/** A notice's street as the preview shows it (the key is what matching uses). */
export interface PreviewStreet {
  street: string;
  streetKey: string;
  from: string | null;
  to: string | null;
  parity: 'all' | 'odd' | 'even';
}

/**
 * Whether a subscription is covered by one of the streets: same street key and the building within the
 * range and parity; a bare-street subscription (no building) only when the whole street is affected.
 */
export function subscriptionMatches(sub: Pick<AlertSubscription, 'streetKey' | 'building'>, streets: readonly StreetRange[]): boolean {
  return streets.some((s) => s.streetKey === sub.streetKey && (sub.building === '' ? !s.fromBuilding && !s.toBuilding : buildingInRange(sub.building, s.fromBuilding, s.toBuilding, s.parity)));
}

/** An affected chat and the address that made it affected. */
export interface AffectedChat {
  chat: ChatConversation;
  subscriptionId: number;
  street: string;
  building: string;
}

/** The keys of the city's street list (computed once: every outage check needs them). */
let cityKeys: readonly string[] | null = null;
const katowiceStreetKeys = (): readonly string[] => (cityKeys ??= KATOWICE_STREETS.map(streetKey));

export class OutageService {
  constructor(private readonly ds: DataSource) {}

  /** Street keys known to us, to snap typos ("Mikolowskej") to a real street. */
  async knownStreetKeys(): Promise<Set<string>> {
    const keys = new Set(katowiceStreetKeys());
    const rows = await this.ds.getRepository(ServicePoint).createQueryBuilder('sp').select('DISTINCT sp.streetKey', 'k').getRawMany<{ k: string }>();
    for (const r of rows) keys.add(r.k);
    return keys;
  }

  async resolveStreetKey(raw: string): Promise<string> {
    return closestStreetKey(raw, await this.knownStreetKeys());
  }

  /** Validates and stores a notice (nothing stored on a bad field). */
  async create(body: unknown): Promise<OutageNotice> {
    const input = parseOrThrow(outageSchema, body);
    const streets = await this.previewStreets(input);
    return this.ds.transaction(async (em) => {
      const notice = await em.getRepository(OutageNotice).save(
        em.getRepository(OutageNotice).create({
          kind: input.kind, title: input.title, message: input.message, startsAt: new Date(input.startsAt),
          expectedEndAt: input.expectedEndAt ? new Date(input.expectedEndAt) : null, tankerLocation: input.tankerLocation ?? null,
        }),
      );
      notice.streets = [];
      for (const [i, s] of input.streets.entries()) {
        const row = em.getRepository(OutageStreet).create({
          noticeId: notice.id, street: s.street, streetKey: streets[i].streetKey, city: s.city,
          fromBuilding: streets[i].from, toBuilding: streets[i].to, parity: s.parity,
        });
        notice.streets.push(await em.getRepository(OutageStreet).save(row));
      }
      return notice;
    });
  }

  /** The streets of a validated notice as `create` stores them (typos snapped to a known street). */
  private async previewStreets(input: OutageInput): Promise<PreviewStreet[]> {
    const known = await this.knownStreetKeys();
    return input.streets.map((s) => ({ street: s.street, streetKey: closestStreetKey(s.street, known), from: s.from ?? null, to: s.to ?? null, parity: s.parity }));
  }

  /**
   * Who a notice would reach, without storing anything: the streets as they would be stored and the number
   * of chats that publishing would alert (the same matching as `affectedChats`; blocked chats are not counted,
   * as `AlertService.queue` skips them).
   */
  async previewAudience(body: unknown): Promise<{ recipients: number; streets: PreviewStreet[] }> {
    const { recipients, streets } = await this.previewAudienceByChannel(body);
    return { recipients, streets };
  }

  /** {@link previewAudience} with the recipients counted per channel (the cost of a paid broadcast). */
  async previewAudienceByChannel(body: unknown): Promise<{ recipients: number; streets: PreviewStreet[]; channels: Record<string, number> }> {
    const input = parseOrThrow(outageSchema, body);
    const streets = await this.previewStreets(input);
    const targets = (await this.chatsCoveredBy(streets.map((s) => ({ streetKey: s.streetKey, fromBuilding: s.from, toBuilding: s.to, parity: s.parity })))).filter((a) => !a.chat.blockedAt);
    const channels: Record<string, number> = {};
    for (const a of targets) channels[a.chat.channel] = (channels[a.chat.channel] ?? 0) + 1;
    return { recipients: targets.length, streets, channels };
  }

  async byId(id: number): Promise<OutageNotice | null> {
    return this.ds.getRepository(OutageNotice).findOne({ where: { id }, relations: { streets: true } });
  }

  /** Applies an update (new end, tanker, text) or ends the notice. */
  async update(id: number, body: unknown): Promise<OutageNotice | null> {
    const u = parseOrThrow(outageUpdateSchema, body);
    const notice = await this.byId(id);
    if (!notice) return null;
    const changes: Partial<OutageNotice> = {};
    if (u.message !== undefined) changes.message = u.message;
    if (u.expectedEndAt !== undefined) changes.expectedEndAt = u.expectedEndAt ? new Date(u.expectedEndAt) : null;
    if (u.tankerLocation !== undefined) changes.tankerLocation = u.tankerLocation;
    if (u.ended) changes.endedAt = new Date();
    if (Object.keys(changes).length) await this.ds.getRepository(OutageNotice).update({ id }, changes);
    return this.byId(id);
  }

  async markReminded(id: number): Promise<void> {
    await this.ds.getRepository(OutageNotice).update({ id }, { remindedAt: new Date() });
  }

  /** Notices not ended whose window includes now or lies ahead (planned), newest first. */
  async current(now = new Date()): Promise<OutageNotice[]> {
    const rows = await this.ds
      .getRepository(OutageNotice)
      .createQueryBuilder('n')
      .leftJoinAndSelect('n.streets', 's')
      .where('n.endedAt IS NULL')
      .orderBy('n.startsAt', 'ASC')
      .getMany();
    return rows.filter((n) => !n.expectedEndAt || n.expectedEndAt.getTime() > now.getTime() - 6 * 3600_000);
  }

  /** Current notices affecting a street (and building, when given). */
  async forAddress(street: string, building: string | null, now = new Date()): Promise<OutageNotice[]> {
    const key = await this.resolveStreetKey(street);
    return (await this.current(now)).filter((n) => n.streets.some((s) => s.streetKey === key && (!building || buildingInRange(building, s.fromBuilding, s.toBuilding, s.parity))));
  }

  /** Every subscribed chat whose address the notice covers (one entry per chat). */
  async affectedChats(notice: OutageNotice): Promise<AffectedChat[]> {
    return this.chatsCoveredBy(notice.streets);
  }

  /** Every subscribed chat covered by the streets (its first matching subscription, one entry per chat). */
  private async chatsCoveredBy(streets: readonly StreetRange[]): Promise<AffectedChat[]> {
    const keys = [...new Set(streets.map((s) => s.streetKey))];
    if (keys.length === 0) return [];
    const subs = await this.ds
      .getRepository(AlertSubscription)
      .createQueryBuilder('a')
      .where('a.streetKey IN (:...keys)', { keys })
      .orderBy('a.id', 'ASC')
      .getMany();
    const byChat = new Map<number, AlertSubscription>();
    for (const sub of subs) {
      if (byChat.has(sub.chatId)) continue;
      if (subscriptionMatches(sub, streets)) byChat.set(sub.chatId, sub);
    }
    if (byChat.size === 0) return [];
    const chats = new Map<number, ChatConversation>();
    const ids = [...byChat.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const part = await this.ds.getRepository(ChatConversation).createQueryBuilder('c').where('c.id IN (:...ids)', { ids: ids.slice(i, i + 500) }).getMany();
      for (const c of part) chats.set(c.id, c);
    }
    const out: AffectedChat[] = [];
    for (const [chatId, sub] of byChat) {
      const chat = chats.get(chatId);
      if (chat) out.push({ chat, subscriptionId: sub.id, street: sub.street, building: sub.building });
    }
    return out;
  }

  /** Subscribes a chat to a customer's service point. Idempotent. */
  async subscribeServicePoint(chatId: number, sp: ServicePoint): Promise<AlertSubscription> {
    return this.subscribe(chatId, { servicePointId: sp.id, street: sp.street, streetKey: sp.streetKey, building: sp.building, city: sp.city });
  }

  /** Subscribes a chat to a street + building typed by someone who is not (or not linked as) a customer. Idempotent. */
  async subscribeAddress(chatId: number, street: string, building: string | null, city = 'Katowice'): Promise<AlertSubscription> {
    return this.subscribe(chatId, { servicePointId: '', street, streetKey: await this.resolveStreetKey(street), building: building ?? '', city });
  }

  private async subscribe(chatId: number, f: Omit<AlertSubscription, 'id' | 'chatId' | 'createdAt'>): Promise<AlertSubscription> {
    const repo = this.ds.getRepository(AlertSubscription);
    const where = { chatId, servicePointId: f.servicePointId, streetKey: f.streetKey, building: f.building };
    const existing = await repo.findOne({ where });
    if (existing) return existing;
    try {
      return await repo.save(repo.create({ chatId, ...f }));
    } catch (e) {
      const again = await repo.findOne({ where });
      if (again) return again;
      throw e;
    }
  }

  async subscriptionsOf(chatId: number): Promise<AlertSubscription[]> {
    return this.ds.getRepository(AlertSubscription).find({ where: { chatId }, order: { id: 'ASC' } });
  }

  /** Removes one subscription (by id) or all of a chat's; returns how many were removed. */
  async unsubscribe(chatId: number, subscriptionId?: number): Promise<number> {
    const r = await this.ds.getRepository(AlertSubscription).delete(subscriptionId ? { chatId, id: subscriptionId } : { chatId });
    return r.affected ?? 0;
  }
}
