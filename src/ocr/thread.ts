/**
 * The OCR worker thread: pre-processing and tesseract run here, off the event loop of the chats.
 * Messages: `{ id, photo: Uint8Array }` in, `{ id, read }` or `{ id, error }` out.
 */
import { parentPort } from 'node:worker_threads';
import { DigitReader } from './reader';

const reader = new DigitReader();
// one photo at a time: tesseract's worker is single-threaded anyway
let queue: Promise<void> = Promise.resolve();

parentPort?.on('message', (msg: { id: number; photo: Uint8Array } | { close: true }) => {
  if ('close' in msg) {
    void queue.then(() => reader.close()).then(() => process.exit(0));
    return;
  }
  queue = queue.then(async () => {
    try {
      const read = await reader.read(Buffer.from(msg.photo.buffer, msg.photo.byteOffset, msg.photo.byteLength));
      parentPort?.postMessage({ id: msg.id, read });
    } catch (e) {
      parentPort?.postMessage({ id: msg.id, error: (e as Error).message });
    }
  });
});
