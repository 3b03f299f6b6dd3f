/**
 * Staff passwords: scrypt (memory-hard) with a random salt, stored as `scrypt$N$r$p$salt$hash` (base64).
 *
 * @example const stored = await hashPassword('correct horse battery'); await verifyPassword('…', stored) // → true/false
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** N=2^15, r=8, p=1: 32 MiB of memory per hash (OWASP's recommended minimum is N=2^17 with r=8 for scrypt on servers with room; 2^15 keeps logins quick on small VMs). */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/** The least a password must be (staff accounts reach customer data). */
export const MIN_PASSWORD_LENGTH = 12;

/** Thrown when too many password checks already wait: the caller answers "busy, try again" without hashing. */
export class PasswordCheckBusy extends Error {
  constructor() {
    super('too many password checks at once');
    this.name = 'PasswordCheckBusy';
  }
}

/**
 * At most {@link HASH_CONCURRENCY} scrypt runs at once (each takes 32 MiB and a libuv thread), at most
 * {@link HASH_QUEUE} waiting: a flood of logins can neither starve the thread pool (file and DNS work share it)
 * nor queue up unbounded memory; past the queue a check fails fast with {@link PasswordCheckBusy}.
 *
 * The queue is fair, so that a flood cannot keep real staff out: each check says who asks ({@link CheckFrom}:
 * a class, the client address and the account). A full queue admits a newcomer by refusing the waiter it
 * ranks worst — a worse class first (a recognised device < a clean address < an address with recent
 * failures), then the address with the most waiters, then the account with the most — when that one ranks
 * worse than the newcomer would; one account holds at most {@link HASH_QUEUE_PER_ACCOUNT} places. Waiters
 * are served best class first, in arrival order within a class.
 */
export const HASH_CONCURRENCY = 2;
export const HASH_QUEUE = 32;
export const HASH_QUEUE_PER_ACCOUNT = 8;

/** Who asks for a password check (the queue's fairness); the defaults rank a check like a clean address. */
export interface CheckFrom {
  /**
   * 0: a device that signed in to this account before; 1: an address without recent failures; 2: otherwise.
   * A function is asked again whenever the queue ranks its waiters (an address may have turned into a flood's).
   */
  rank?: number | (() => number);
  address?: string;
  account?: string;
}

interface Waiter {
  rank: () => number;
  address: string;
  account: string;
  seq: number;
  go: () => void;
  refuse: (e: Error) => void;
}

let running = 0;
let arrivals = 0;
const waiting: Waiter[] = [];

const countOf = (key: 'address' | 'account', value: string) => waiting.reduce((n, w) => n + (w[key] === value ? 1 : 0), 0);

/** How badly a waiter (or a newcomer, counted as already in) ranks: compared element by element, larger is worse. */
function badness(w: Pick<Waiter, 'rank' | 'address' | 'account'>, extra: number): number[] {
  return [w.rank(), countOf('address', w.address) + extra, countOf('account', w.account) + extra];
}

function worse(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

/** The waiter to refuse among `among`: the worst ranked, the newest of equals. */
function worst(among: Waiter[]): { w: Waiter; bad: number[] } | null {
  let found: { w: Waiter; bad: number[] } | null = null;
  for (const w of among) {
    const bad = badness(w, 0);
    if (!found || worse(bad, found.bad) || (!worse(found.bad, bad) && w.seq > found.w.seq)) found = { w, bad };
  }
  return found;
}

/** Makes room for `n` by refusing a worse waiter; false when none ranks worse (the newcomer is refused). */
function makeRoom(n: Pick<Waiter, 'rank' | 'address' | 'account'>): boolean {
  const mine = badness(n, 1);
  const sameAccount = countOf('account', n.account) >= HASH_QUEUE_PER_ACCOUNT;
  if (!sameAccount && waiting.length < HASH_QUEUE) return true;
  const victim = worst(sameAccount ? waiting.filter((w) => w.account === n.account) : waiting);
  if (!victim || !worse(victim.bad, mine)) return false;
  waiting.splice(waiting.indexOf(victim.w), 1);
  victim.w.refuse(new PasswordCheckBusy());
  return true;
}

/** The next waiter to run: best class first, then first come. */
function takeNext(): Waiter | undefined {
  let best = -1;
  let bestRank = Infinity;
  for (let i = 0; i < waiting.length; i++) {
    const rank = waiting[i].rank();
    if (rank < bestRank || (rank === bestRank && waiting[i].seq < waiting[best].seq)) {
      best = i;
      bestRank = rank;
    }
  }
  return best < 0 ? undefined : waiting.splice(best, 1)[0];
}

async function bounded<T>(fn: () => Promise<T>, from: CheckFrom = {}): Promise<T> {
  if (running >= HASH_CONCURRENCY) {
    const rank = from.rank ?? 1;
    const who = { rank: typeof rank === 'function' ? rank : () => rank, address: from.address ?? '', account: from.account ?? '' };
    if (!makeRoom(who)) throw new PasswordCheckBusy();
    // The slot is handed over by the finishing check, still counted.
    await new Promise<void>((go, refuse) => waiting.push({ ...who, seq: arrivals++, go, refuse }));
  } else running++;
  try {
    return await fn();
  } finally {
    const next = takeNext();
    if (next) next.go();
    else running--;
  }
}

function scryptAsync(password: string, salt: Buffer, params: { N: number; r: number; p: number }, from?: CheckFrom): Promise<Buffer> {
  const opts: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 + 1024 * 1024 };
  return bounded(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key)));
      }),
    from,
  );
}

/** Hashes a password for storage. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT_PARAMS);
  return `scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A hash of a password nobody has: verified against when the e-mail is unknown, so both cases take the same time. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64'));
  return dummyHash;
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string, from?: CheckFrom): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await scryptAsync(password, salt, { N, r, p }, from);
  return timingSafeEqual(key, expected);
}
