/**
 * Server-Sent Events for the desk: every open desk learns at once that a case was filed,
 * that a customer wrote, that a chat waits for a person, or that a colleague changed a case.
 * Only the case number and the kind of change travel; the desk then asks the API (with its session).
 */
import type { Response } from 'restify';
import type { DeskEvent } from './dto';

/** The events' shape is shared with the desk (`desk/events.ts`) through dto.ts. */
export type { DeskEvent };

export class EventHub {
  private readonly clients = new Set<Response>();
  private nextId = 1;
  private readonly ping: NodeJS.Timeout;

  constructor(pingMs = 20_000) {
    this.ping = setInterval(() => {
      for (const res of this.clients) res.write(': ping\n\n');
    }, pingMs);
    this.ping.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Opens an event stream on `res`; resolves when the client goes away or the hub closes. */
  open(res: Response): Promise<void> {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    this.clients.add(res);
    return new Promise((resolve) => {
      const done = () => {
        this.clients.delete(res);
        resolve();
      };
      res.on('close', done);
      res.on('finish', done);
    });
  }

  /** Set by the app: hands each event published here to the other instances too. */
  relay: ((event: DeskEvent) => void) | null = null;

  publish(event: DeskEvent): void {
    this.deliver(event);
    this.relay?.(event);
  }

  /** Sends an event to the desks connected to this instance only. */
  deliver(event: DeskEvent): void {
    const frame = `id: ${this.nextId++}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    clearInterval(this.ping);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
