/** What the bot keeps about a conversation besides the dialog stack (typed, stored with it). */
import type { Locale } from '../i18n/i18n';

/** One request of a message with several, waiting its turn. */
export interface QueuedRequest {
  intent: string;
  /** The part of the message that asked for it (recognized again when its turn comes). */
  text: string;
}

/** What the last finished task was about, so that "a za październik?" or "a pod 8?" resolve. */
export interface ConversationContext {
  task: string;
  period?: { from: string; to: string; text: string };
  address?: { street: string; streetKey: string; building?: string };
  invoiceNumber?: string;
  caseNumber?: string;
  /** When the task ran (ISO); old context is not used. */
  at: string;
}

/** A task the bot just offered ("Czy włączyć alerty?"): a yes starts it. */
export interface PendingOffer {
  intent: string;
  /** Text the task starts with (e.g. the address it is about). */
  text?: string;
}

export interface ConversationPrefs {
  locale?: Locale;
  /** Consecutive turns not understood (two-stage fallback). */
  misses?: number;
  /** A task interrupted by another one, offered again when that one ends. */
  suspended?: string;
  greeted?: boolean;
  /** Further requests of a message that asked for several things. */
  queue?: QueuedRequest[];
  offer?: PendingOffer;
  context?: ConversationContext;
}
