/**
 * Live updates from `GET /api/staff/events` (Server-Sent Events; Chatwoot's `helper/actionCable.js` role):
 * each event names a case and the kind of change; the desk announces the ones a person should hear and then
 * asks the API again. The EventSource reconnects by itself (the server says `retry: 3000`).
 */
import type { DeskEvent } from '../src/staff/dto.js';

export type DeskEventType = DeskEvent['type'];

/** The events, and the text (desk.json key) announced for each; '' = refresh quietly. */
export const EVENT_ANNOUNCEMENTS: Readonly<Record<DeskEventType, string>> = {
  'case.created': 'desk.queue.newCase',
  'case.customerMessage': 'desk.queue.customerWrote',
  'handoff.requested': 'desk.queue.handoffRequested',
  'case.updated': '',
};

/** What the desk needs of an EventSource (so that the handler can be tested without a browser). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

/** Reads one event's data; null when it is not a desk event with a case number. */
export function parseDeskEvent(type: string, data: unknown): DeskEvent | null {
  if (!(type in EVENT_ANNOUNCEMENTS) || typeof data !== 'string') return null;
  let parsed: unknown;
  try { parsed = JSON.parse(data); } catch { return null; }
  const caseNumber = (parsed as { caseNumber?: unknown } | null)?.caseNumber;
  if (typeof caseNumber !== 'string' || !caseNumber) return null;
  return { type: type as DeskEventType, caseNumber };
}

export class DeskEvents {
  private source: EventSourceLike | null = null;

  constructor(
    private readonly open: () => EventSourceLike,
    private readonly onEvent: (event: DeskEvent) => void,
  ) {}

  get connected(): boolean {
    return this.source !== null;
  }

  start(): void {
    this.stop();
    const es = this.open();
    for (const type of Object.keys(EVENT_ANNOUNCEMENTS)) {
      es.addEventListener(type, (ev) => {
        const event = parseDeskEvent(type, ev.data);
        if (event) this.onEvent(event);
      });
    }
    this.source = es;
  }

  stop(): void {
    this.source?.close();
    this.source = null;
  }
}

/** Runs `fn` once, `ms` after the first of a burst of calls. */
export function coalesce(fn: () => void, ms: number, timers: { set: (f: () => void, ms: number) => unknown } = { set: (f, d) => setTimeout(f, d) }): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    timers.set(() => { pending = false; fn(); }, ms);
  };
}
