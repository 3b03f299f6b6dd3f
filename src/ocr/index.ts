/**
 * Meter photo OCR behind one narrow interface: `MeterOcr.read(photo)` → what the drums show, and
 * `judgeRead(...)` (plausibility.ts) → a suggestion to confirm or a request to type the value.
 * The work runs in a worker thread (thread.ts), started on the first photo and kept warm.
 *
 * @example
 *   const ocr = new MeterOcr();
 *   const read = await ocr.read(jpegBytes); // { cubicMetres: '00123', litres: '456', certain: true, ... }
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MeterRead } from './types';

export type { MeterRead } from './types';
export { judgeRead, type ReadJudgement, type UsageHistory } from './plausibility';

/** A photo larger than this is not read (the channels already cap uploads at 10 MB). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** The compiled thread script: next to this file in dist, or dist's copy when running from TypeScript sources (tests). */
function threadScript(): string {
  const beside = join(__dirname, 'thread.js');
  if (existsSync(beside)) return beside;
  const dist = join(__dirname, '..', '..', 'dist', 'src', 'ocr', 'thread.js');
  if (existsSync(dist)) return dist;
  throw new Error('OCR thread script not built: run npm run build');
}

export class MeterOcr {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: MeterRead) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(private readonly timeoutMs = 30_000) {}

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(threadScript());
    w.unref();
    w.on('message', (msg: { id: number; read?: MeterRead; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.read) p.resolve(msg.read);
      else p.reject(new Error(`OCR failed: ${msg.error ?? 'unknown'}`));
    });
    const fail = (e: Error): void => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(e);
      }
      this.pending.clear();
      this.worker = null;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`OCR thread exited (${code})`)));
    this.worker = w;
    return w;
  }

  /** Reads one photo (JPEG/PNG/WebP bytes). Rejects on a broken image or after the timeout. */
  read(photo: Buffer): Promise<MeterRead> {
    if (photo.length > MAX_PHOTO_BYTES) return Promise.reject(new Error('photo too large'));
    const id = this.nextId++;
    const w = this.thread();
    return new Promise<MeterRead>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('OCR timed out'));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      w.ref();
      w.postMessage({ id, photo: new Uint8Array(photo) });
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  /** Ends the worker thread (the app's stop). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
