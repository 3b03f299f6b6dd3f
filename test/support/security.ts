/** Helpers of the security tests: requests from a chosen loopback source address, a log that can be read back. */
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): Record<string, unknown>;
}

/**
 * One HTTP request over a fresh connection from `localAddress` (any 127.x.y.z reaches a server on 127.0.0.1),
 * so a test can play many clients at different addresses.
 */
export function send(url: string, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string }): Promise<RawReply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method: opts.method ?? 'GET', path: opts.path, headers: { connection: 'close', ...(opts.headers ?? {}) }, localAddress: opts.localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => (body ? (JSON.parse(body) as Record<string, unknown>) : {}) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** POST of a JSON body. */
export function postJson(url: string, path: string, body: unknown, opts: { headers?: Record<string, string>; localAddress?: string } = {}): Promise<RawReply> {
  return send(url, { method: 'POST', path, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...(opts.headers ?? {}) }, localAddress: opts.localAddress });
}

/** A pino logger at `level` whose lines the test reads back (`lines()`), for checking what reaches the log. */
export function capturedLogger(level = 'info'): { log: Logger; lines(): string } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { log: createLogger(level, stream), lines: () => out.join('') };
}
