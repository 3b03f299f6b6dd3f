/**
 * WebSocket streaming of Direct Line conversations: each socket gets `{activities, watermark}`
 * frames in watermark order — the backlog after the watermark in its `streamUrl` first, then
 * every new activity. Activities appended in this process are pushed at once; those appended by
 * other instances are caught up by one cheap poll of the database a second.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { absolutize } from './mapping';
import type { DirectLineStore, StoredActivity } from './store';

interface Stream {
  ws: WebSocket;
  conversationId: string;
  /** Last watermark sent on this socket. */
  lastSeq: number;
  /** Base URL for attachment links (the address the client used). */
  baseUrl: string;
  catchingUp: boolean;
  dirty: boolean;
  alive: boolean;
}

export interface StreamAuth {
  conversationId: string;
  watermark: number;
  baseUrl: string;
}

export class StreamHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024, perMessageDeflate: false });
  private readonly byConversation = new Map<string, Set<Stream>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private polling = false;

  constructor(
    private readonly store: DirectLineStore,
    private readonly log: Logger,
    opts: { pollMs?: number; pingMs?: number } = {},
  ) {
    const poll = setInterval(() => void this.poll(), opts.pollMs ?? 1000);
    const ping = setInterval(() => this.ping(), opts.pingMs ?? 30_000);
    poll.unref();
    ping.unref();
    this.timers.push(poll, ping);
  }

  /** Number of open sockets (for health and tests). */
  get size(): number {
    let n = 0;
    for (const s of this.byConversation.values()) n += s.size;
    return n;
  }

  /** Completes an authorised upgrade and starts streaming. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, auth: StreamAuth): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const stream: Stream = { ws, conversationId: auth.conversationId, lastSeq: auth.watermark, baseUrl: auth.baseUrl, catchingUp: false, dirty: false, alive: true };
      let set = this.byConversation.get(auth.conversationId);
      if (!set) {
        set = new Set();
        this.byConversation.set(auth.conversationId, set);
      }
      set.add(stream);
      ws.on('pong', () => (stream.alive = true));
      ws.on('message', () => (stream.alive = true)); // DirectLineJS pings with empty messages
      ws.on('error', (e) => this.log.debug({ err: e }, 'stream socket error'));
      ws.on('close', () => {
        set.delete(stream);
        if (set.size === 0 && this.byConversation.get(auth.conversationId) === set) this.byConversation.delete(auth.conversationId);
      });
      void this.catchUp(stream);
    });
  }

  /** Refuses an upgrade with an HTTP status line and closes the socket. */
  static refuse(socket: Duplex, status: number, reason: string): void {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  /** A new stored activity of a conversation (appended in this process). */
  published(conversationId: string, stored: StoredActivity): void {
    const set = this.byConversation.get(conversationId);
    if (!set) return;
    for (const s of set) {
      if (stored.seq === s.lastSeq + 1 && !s.catchingUp) {
        s.lastSeq = stored.seq;
        this.send(s, [stored.activity], stored.seq);
      } else if (stored.seq > s.lastSeq) void this.catchUp(s);
    }
  }

  /** Another instance stored activity `seq` of a conversation: its sockets here catch up now. */
  appendedElsewhere(conversationId: string, seq: number): void {
    for (const s of this.byConversation.get(conversationId) ?? []) if (seq > s.lastSeq) void this.catchUp(s);
  }

  /** An activity that is not stored (typing): sent to the open sockets of this process only. */
  ephemeral(conversationId: string, activity: Partial<Activity>): void {
    const set = this.byConversation.get(conversationId);
    if (!set) return;
    for (const s of set) this.send(s, [activity], s.lastSeq);
  }

  private send(s: Stream, activities: Partial<Activity>[], watermark: number): void {
    if (s.ws.readyState !== WebSocket.OPEN) return;
    s.ws.send(JSON.stringify({ activities: activities.map((a) => absolutize(a, s.baseUrl)), watermark: String(watermark) }));
  }

  /** Sends everything stored after the socket's watermark, in order. */
  private async catchUp(s: Stream): Promise<void> {
    if (s.catchingUp) {
      s.dirty = true;
      return;
    }
    s.catchingUp = true;
    try {
      do {
        s.dirty = false;
        for (;;) {
          const batch = await this.store.after(s.conversationId, s.lastSeq, 100);
          if (batch.length === 0 || s.ws.readyState !== WebSocket.OPEN) break;
          s.lastSeq = batch[batch.length - 1].seq;
          this.send(s, batch.map((b) => b.activity), s.lastSeq);
          if (batch.length < 100) break;
        }
      } while (s.dirty);
    } catch (e) {
      this.log.warn({ err: e, conversationId: s.conversationId }, 'stream catch-up failed');
    } finally {
      s.catchingUp = false;
    }
  }

  /** Catches up sockets whose conversation got activities from another instance. */
  private async poll(): Promise<void> {
    if (this.polling || this.byConversation.size === 0) return;
    this.polling = true;
    try {
      const last = await this.store.lastSeqs([...this.byConversation.keys()]);
      for (const [conversationId, seq] of last) {
        for (const s of this.byConversation.get(conversationId) ?? []) if (seq > s.lastSeq) void this.catchUp(s);
      }
    } catch (e) {
      this.log.warn({ err: e }, 'stream poll failed');
    } finally {
      this.polling = false;
    }
  }

  private ping(): void {
    for (const set of this.byConversation.values()) {
      for (const s of set) {
        if (!s.alive) {
          s.ws.terminate();
          continue;
        }
        s.alive = false;
        if (s.ws.readyState === WebSocket.OPEN) s.ws.ping();
      }
    }
  }

  /** Closes every socket (1001 going away) and stops the timers. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const set of this.byConversation.values()) for (const s of set) s.ws.close(1001, 'server stopping');
    const deadline = Date.now() + 2000;
    while (this.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const set of this.byConversation.values()) for (const s of set) s.ws.terminate();
    this.byConversation.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
