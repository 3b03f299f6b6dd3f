/**
 * The key a client address is counted under for rate limits and guess counts: an IPv4 address as
 * is (also when IPv4-mapped), an IPv6 address by its /64 network (one subscriber gets a whole /64).
 *
 * @example addressKey('2001:db8:1:2:aaaa::1') // → '2001:db8:1:2::/64'; addressKey('::ffff:10.0.0.7') // → '10.0.0.7'
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { clientAddress } from '../channels/directline/http';

function expandIPv6(ip: string): string[] | null {
  const [head, tail] = ip.split('::');
  if (ip.split('::').length > 2) return null;
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  if (tail === undefined) return h.length === 8 ? h : null;
  return [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
}

export function addressKey(raw: string | undefined | null): string {
  const ip = (raw ?? '').trim().replace(/%.*$/, '');
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip) || ip.includes('.')) return ip;
  const groups = expandIPv6(ip.toLowerCase());
  if (!groups) return ip;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The counting key of a request's client: the socket's peer, or behind `trustProxy` reverse proxies (`TRUST_PROXY`) the address they saw. */
export function requestAddressKey(req: IncomingMessage, trustProxy = 0): string {
  return addressKey(clientAddress(req, trustProxy));
}

/** A stable pseudonym of an address key for counters kept in the database (no client address is stored in clear). */
export function addressPseudonym(key: string): string {
  return createHash('sha256').update(`kropla-address:${key}`).digest('base64url').slice(0, 22);
}

/**
 * The client's address key a channel put on an inbound activity (`channelData.clientAddress`, set by the
 * server, never taken from the client), or undefined (Telegram, tests).
 */
export function activityAddress(activity: { channelData?: unknown } | undefined): string | undefined {
  const cd = activity?.channelData as { clientAddress?: unknown } | undefined;
  return typeof cd?.clientAddress === 'string' ? cd.clientAddress : undefined;
}
