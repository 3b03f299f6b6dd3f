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
 */
export const HASH_CONCURRENCY = 2;
export const HASH_QUEUE = 32;
let running = 0;
const waiting: Array<() => void> = [];

async function bounded<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) {
    if (waiting.length >= HASH_QUEUE) throw new PasswordCheckBusy();
    await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over, still counted
  } else running++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function scryptAsync(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 + 1024 * 1024 };
  return bounded(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key)));
      }),
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
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await scryptAsync(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}
