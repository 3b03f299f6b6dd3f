/**
 * The key a client address is counted under for rate limits and guess counts: an IPv4 address as
 * is (also when IPv4-mapped), an IPv6 address by its /64 network (one subscriber gets a whole /64).
 *
 * @example addressKey('2001:db8:1:2:aaaa::1') // → '2001:db8:1:2::/64'; addressKey('::ffff:10.0.0.7') // → '10.0.0.7'
 */
import { isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';

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

/** The counting key of a request's peer (the socket's remote address). */
export function requestAddressKey(req: IncomingMessage): string {
  return addressKey(req.socket.remoteAddress);
}
