/**
 * Staff accounts and sessions: login with lockout after repeated failures, session cookies,
 * CSRF tokens. Only the SHA-256 of a session token is stored; the cookie carries the token.
 *
 * @example
 * const auth = new StaffAuth(app.ds);
 * const r = await auth.login('anna@kw.pl', 'secret…'); // → { ok: true, session, staff } or { ok: false, reason }
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LessThan } from 'typeorm';
import { StaffSession, StaffUser } from '../../models';
import type { StaffRole } from '../../models/StaffUser';
import { addressPseudonym } from '../http/address';
import { AttemptLog } from '../services/attempts';
import { dummyPasswordHash, hashPassword, PasswordCheckBusy, verifyPassword, type CheckFrom } from './passwords';

export const STAFF_ROLES: readonly StaffRole[] = ['agent', 'supervisor', 'admin'];

export interface AuthPolicy {
  /** Failed logins in a row before the account is locked. */
  maxFailures: number;
  /** How long a locked account stays locked, ms. */
  lockMs: number;
  /** A session ends after this long without use, ms (sliding; WCAG: no hard timeout while working). */
  idleMs: number;
  /** Extra delay per failed attempt so far, ms (capped by `maxDelayMs`). */
  delayPerFailureMs: number;
  maxDelayMs: number;
  /** Failed logins from one client address (IPv6 by /64) within `addressWindowMs` before it must wait; counted in the database. */
  maxAddressFailures: number;
  addressWindowMs: number;
  /** Logins from one address checked at the same time; more wait for nothing and are refused (throttled). */
  maxAddressInFlight: number;
}

export const DEFAULT_POLICY: AuthPolicy = {
  maxFailures: 5, lockMs: 15 * 60_000, idleMs: 10 * 3600_000, delayPerFailureMs: 150, maxDelayMs: 2000,
  maxAddressFailures: 20, addressWindowMs: 15 * 60_000, maxAddressInFlight: 3,
};

/** An address that asked to sign in at most this many times within {@link ASKED_WINDOW_MS} (and failed none) is clean. */
const CLEAN_ADDRESS_ASKS = 3;
const ASKED_WINDOW_MS = 10 * 60_000;

/** How long a device cookie (see {@link StaffAuth.login}) stays valid. */
export const DEVICE_TTL_MS = 90 * 24 * 3600_000;

export type LoginResult =
  /** `device`: the device cookie to keep (a fresh one on every sign-in). */
  | { ok: true; staff: StaffUser; token: string; csrfToken: string; expiresAt: Date; device: string }
  | { ok: false; reason: 'invalid' | 'locked' }
  /** Too many attempts from this address (or too many password checks at once): try again in `retryAfterSeconds`. */
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface SessionInfo {
  staff: StaffUser;
  session: StaffSession;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Compares two strings in constant time (for CSRF tokens). */
export function sameToken(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export class StaffAuth {
  private readonly attempts: AttemptLog;
  /** Logins being checked now, per address key (this instance). */
  private readonly inFlight = new Map<string, number>();
  /** When each address asked to sign in lately (this instance), for the password queue's ranking. */
  private readonly asked = new Map<string, number[]>();

  constructor(
    private readonly ds: DataSource,
    readonly policy: AuthPolicy = DEFAULT_POLICY,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.attempts = new AttemptLog(ds, now);
  }

  /** Creates or updates an account (by e-mail, case-insensitive); the password is hashed here. */
  async upsert(input: { email: string; name: string; role: StaffRole; password?: string; active?: boolean }): Promise<{ staff: StaffUser; created: boolean }> {
    const repo = this.ds.getRepository(StaffUser);
    const email = input.email.trim().toLowerCase();
    const existing = await repo.findOne({ where: { email } });
    if (existing) {
      const changes: Partial<StaffUser> = { name: input.name, role: input.role };
      if (input.password !== undefined) {
        changes.passwordHash = await hashPassword(input.password);
        changes.failedLogins = 0;
        changes.lockedUntil = null;
      }
      if (input.active !== undefined) changes.active = input.active;
      await repo.update({ id: existing.id }, changes);
      if (input.active === false || input.password !== undefined) await this.ds.getRepository(StaffSession).delete({ staffId: existing.id });
      return { staff: { ...existing, ...changes }, created: false };
    }
    if (input.password === undefined) throw new Error('a new account needs a password');
    const staff = await repo.save(repo.create({ email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password), failedLogins: 0, lockedUntil: null, active: input.active ?? true }));
    return { staff, created: true };
  }

  async list(): Promise<StaffUser[]> {
    return this.ds.getRepository(StaffUser).find({ order: { name: 'ASC', id: 'ASC' } });
  }

  async byId(id: number): Promise<StaffUser | null> {
    return this.ds.getRepository(StaffUser).findOne({ where: { id } });
  }

  /**
   * Checks e-mail and password. Unknown e-mail and wrong password answer alike (same work, same result);
   * each failure slows the next answer a little, and `maxFailures` in a row lock the account for `lockMs`
   * (counted atomically in the database: parallel wrong passwords lock it too). `address` (an
   * {@link addressKey}) is throttled after `maxAddressFailures` failures, and while `maxAddressInFlight`
   * of its logins are being checked, before any password is hashed.
   *
   * `device` is the device cookie a sign-in of this account gave the browser before (OWASP's device
   * cookies): such a login is first in the password-check queue, and neither the account's lock nor the
   * address limit — both the doing of guessers without the cookie — keeps it out; its own failures are
   * counted for the device, which after `maxFailures` within `lockMs` is a stranger again.
   */
  async login(emailRaw: string, password: string, opts: { address?: string; device?: string } = {}): Promise<LoginResult> {
    const address = opts.address ?? 'unknown';
    this.askedLately(address);
    const busy = this.inFlight.get(address) ?? 0;
    if (busy >= this.policy.maxAddressInFlight) return { ok: false, reason: 'throttled', retryAfterSeconds: 1 };
    this.inFlight.set(address, busy + 1);
    try {
      const email = emailRaw.trim().toLowerCase();
      const staff = await this.ds.getRepository(StaffUser).findOne({ where: { email } });
      const device = staff ? await this.knownDevice(staff, opts.device) : null;
      const addrSubject = `staff-addr:${addressPseudonym(address)}`;
      let rank: CheckFrom['rank'] = 0;
      if (!device) {
        const failures = await this.attempts.since(addrSubject, this.policy.addressWindowMs);
        if (failures.length >= this.policy.maxAddressFailures) {
          const until = failures[failures.length - this.policy.maxAddressFailures].getTime() + this.policy.addressWindowMs;
          return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((until - this.now().getTime()) / 1000)) };
        }
        // A clean address: no failures and only a few sign-ins lately (a flood's are mostly refused unchecked);
        // asked again while the check waits, when the address may have asked many more times.
        rank = failures.length ? 2 : () => (this.askedCount(address) <= CLEAN_ADDRESS_ASKS ? 1 : 2);
      }
      const r = await this.check(email, staff, password, { device, from: { rank, address, account: email } });
      if (!r.ok) await this.attempts.record(device ? device.subject : addrSubject);
      return r;
    } catch (e) {
      if (e instanceof PasswordCheckBusy) return { ok: false, reason: 'throttled', retryAfterSeconds: 1 };
      throw e;
    } finally {
      const left = (this.inFlight.get(address) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(address);
      else this.inFlight.set(address, left);
    }
  }

  /** Counts a sign-in request of an address. */
  private askedLately(address: string): void {
    const t = this.now().getTime();
    const list = (this.asked.get(address) ?? []).filter((x) => t - x < ASKED_WINDOW_MS);
    list.push(t);
    if (this.asked.size > 50_000) this.asked.clear();
    this.asked.set(address, list.slice(-50));
  }

  /** How many sign-ins an address asked for within {@link ASKED_WINDOW_MS}. */
  private askedCount(address: string): number {
    const t = this.now().getTime();
    return (this.asked.get(address) ?? []).filter((x) => t - x < ASKED_WINDOW_MS).length;
  }

  /** The MAC of a device cookie, keyed by the account's password hash: a new password ends every device. */
  private deviceMac(staff: StaffUser, body: string): Buffer {
    return createHmac('sha256', staff.passwordHash).update(`kropla-staff-device:${body}`).digest();
  }

  /** A device cookie for the account: `<staff id>.<issued, base 36>.<nonce>.<MAC>`. */
  private issueDevice(staff: StaffUser): string {
    const body = `${staff.id}.${this.now().getTime().toString(36)}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.deviceMac(staff, body).toString('base64url')}`;
  }

  /** The device a cookie names when it is this account's, unexpired, and not locked by its own failures; else null. */
  private async knownDevice(staff: StaffUser, cookie: string | undefined): Promise<{ subject: string } | null> {
    if (!cookie || cookie.length > 200 || !staff.active) return null;
    const parts = cookie.split('.');
    if (parts.length !== 4 || parts[0] !== String(staff.id)) return null;
    const issued = parseInt(parts[1], 36);
    if (!Number.isFinite(issued) || this.now().getTime() - issued > DEVICE_TTL_MS) return null;
    const given = Buffer.from(parts[3], 'base64url');
    const expected = this.deviceMac(staff, parts.slice(0, 3).join('.'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const subject = `staff-device:${sha256(cookie).slice(0, 32)}`;
    if (await this.attempts.lockedUntil(subject, this.policy.maxFailures, this.policy.lockMs)) return null;
    return { subject };
  }

  /** `UPDATE … RETURNING` placeholder of the driver. */
  private p(i: number): string {
    return this.ds.options.type === 'postgres' ? `$${i}` : '?';
  }

  /** Adds one failure and returns the new count, in one statement (no stale read between parallel logins). */
  private async countFailure(id: number): Promise<number> {
    const rows = (await this.ds.query(`UPDATE "staff_user" SET "failedLogins" = "failedLogins" + 1 WHERE "id" = ${this.p(1)} RETURNING "failedLogins"`, [id])) as unknown;
    // pg answers [rows, count] for UPDATE … RETURNING through TypeORM; SQLite the rows.
    const list = (Array.isArray(rows) && Array.isArray(rows[0]) ? rows[0] : rows) as { failedLogins: number | string }[];
    return Number(list[0]?.failedLogins ?? 0);
  }

  private async check(email: string, staff: StaffUser | null, password: string, opts: { device: { subject: string } | null; from: CheckFrom }): Promise<LoginResult> {
    const repo = this.ds.getRepository(StaffUser);
    const now = this.now();
    if (!staff || !staff.active) {
      await verifyPassword(password, await dummyPasswordHash(), opts.from);
      return this.unknownFailure(email, now);
    }
    if (!opts.device && staff.lockedUntil && staff.lockedUntil.getTime() > now.getTime()) {
      await verifyPassword(password, await dummyPasswordHash(), opts.from);
      return { ok: false, reason: 'locked' };
    }
    const good = await verifyPassword(password, staff.passwordHash, opts.from);
    if (!good && opts.device) {
      // Counted for the device (by the caller), not against the account its owner holds.
      await sleep(this.policy.delayPerFailureMs);
      return { ok: false, reason: 'invalid' };
    }
    if (!good) {
      const failures = await this.countFailure(staff.id);
      if (failures >= this.policy.maxFailures) {
        await repo.update({ id: staff.id }, { lockedUntil: new Date(this.now().getTime() + this.policy.lockMs), failedLogins: 0 });
        return { ok: false, reason: 'locked' };
      }
      await sleep(Math.min(this.policy.maxDelayMs, this.policy.delayPerFailureMs * failures));
      return { ok: false, reason: 'invalid' };
    }
    // The right password signs in only if no parallel failure locked the account meanwhile (checked and reset in one statement).
    const opened = await repo
      .createQueryBuilder()
      .update()
      .set({ failedLogins: 0, lockedUntil: null })
      .where('"id" = :id AND ("lockedUntil" IS NULL OR "lockedUntil" <= :now)', { id: staff.id, now: this.now() })
      .execute();
    // A known device signs in through a lock that guessers caused (the lock stays for them).
    if (!opened.affected && !opts.device) return { ok: false, reason: 'locked' };
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.policy.idleMs);
    await this.ds.getRepository(StaffSession).insert({ tokenHash: sha256(token), staffId: staff.id, csrfToken, expiresAt });
    await this.ds.getRepository(StaffSession).delete({ expiresAt: LessThan(now) });
    return { ok: true, staff, token, csrfToken, expiresAt, device: this.issueDevice(staff) };
  }

  /**
   * Failures for e-mails that have no account are counted in memory and locked the same way,
   * so the answers never tell whether an e-mail belongs to a staff member.
   */
  private readonly unknown = new Map<string, { failures: number; lockedUntil: number }>();

  private async unknownFailure(email: string, now: Date): Promise<LoginResult> {
    const t = now.getTime();
    const entry = this.unknown.get(email) ?? { failures: 0, lockedUntil: 0 };
    if (entry.lockedUntil > t) return { ok: false, reason: 'locked' };
    entry.failures++;
    if (this.unknown.size > 10_000) this.unknown.clear();
    this.unknown.set(email, entry);
    if (entry.failures >= this.policy.maxFailures) {
      entry.failures = 0;
      entry.lockedUntil = t + this.policy.lockMs;
      return { ok: false, reason: 'locked' };
    }
    await sleep(Math.min(this.policy.maxDelayMs, this.policy.delayPerFailureMs * entry.failures));
    return { ok: false, reason: 'invalid' };
  }

  /** The session for a cookie token, or null (unknown, expired, account disabled). Extends an idle session in use. */
  async session(token: string | undefined): Promise<SessionInfo | null> {
    if (!token || token.length > 200) return null;
    const repo = this.ds.getRepository(StaffSession);
    const session = await repo.findOne({ where: { tokenHash: sha256(token) } });
    if (!session) return null;
    const now = this.now();
    if (session.expiresAt.getTime() <= now.getTime()) {
      await repo.delete({ tokenHash: session.tokenHash });
      return null;
    }
    const staff = await this.byId(session.staffId);
    if (!staff || !staff.active) return null;
    // Sliding expiry, written at most every few minutes.
    const fresh = new Date(now.getTime() + this.policy.idleMs);
    if (fresh.getTime() - session.expiresAt.getTime() > 5 * 60_000) {
      await repo.update({ tokenHash: session.tokenHash }, { expiresAt: fresh });
      session.expiresAt = fresh;
    }
    return { staff, session };
  }

  async logout(session: StaffSession): Promise<void> {
    await this.ds.getRepository(StaffSession).delete({ tokenHash: session.tokenHash });
  }
}
