/** Domain events inside one instance (desk live updates, staff notifications). */
import { EventEmitter } from 'node:events';
import type { CaseRecord, ChatConversation } from '../models';

export interface KroplaEvents {
  /** A complaint, message, outage report or handoff case was filed in chat. */
  'case.created': [caseRecord: CaseRecord];
  /** The customer wrote into an existing case (an answer, or during a live handoff). */
  'case.customerMessage': [caseRecord: CaseRecord, text: string];
  /** A chat asked for a person (handoffState became `queued`). */
  'handoff.requested': [chat: ChatConversation, caseRecord: CaseRecord];
}

export class KroplaEventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  on<K extends keyof KroplaEvents>(event: K, listener: (...args: KroplaEvents[K]) => void): () => void {
    const l = listener as (...args: unknown[]) => void;
    this.emitter.on(event, l);
    return () => this.emitter.off(event, l);
  }
  emit<K extends keyof KroplaEvents>(event: K, ...args: KroplaEvents[K]): void {
    this.emitter.emit(event, ...args);
  }
}
