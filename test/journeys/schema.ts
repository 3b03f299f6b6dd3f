/**
 * Customer journeys as the blind writers write them (the contract is /work/blind/SCHEMA.md):
 * one customer's conversation, its setup and the checks that say whether the task got done.
 */
import { readFileSync } from 'node:fs';

export type Message = string | { text?: string; photo?: boolean };

export interface SetupCase {
  id: string;
  kind: 'complaint' | 'message' | 'report';
  text: string;
}

export interface SetupOutage {
  id: string;
  kind: 'failure' | 'planned';
  street: string;
  from?: string;
  to?: string;
  startsIn?: string;
  endsIn?: string;
}

export interface Setup {
  customer?: string | null;
  linked?: boolean;
  cases?: SetupCase[];
  outages?: SetupOutage[];
  subscribed?: { street: string; building?: string }[];
  einvoice?: boolean;
}

/** One check (`type` plus its fields, as in the schema). */
export interface Check {
  type: string;
  [field: string]: unknown;
}

export interface Journey {
  id: string;
  task: string;
  lang: 'pl' | 'en' | 'uk';
  tags?: string[];
  persona?: string;
  setup?: Setup;
  turns: Message[];
  answers?: Record<string, Message | Message[]>;
  expect: Check[];
}

/** Reads a journey file; a malformed one stops the run with the id and field named. */
export function loadJourneys(file: string): Journey[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new Error(`${file}: expected a JSON array of journeys`);
  const seen = new Set<string>();
  return raw.map((j: Journey, i) => {
    const where = `${file}[${i}]${j && typeof j.id === 'string' ? ` (${j.id})` : ''}`;
    if (!j || typeof j.id !== 'string') throw new Error(`${where}: id missing`);
    if (seen.has(j.id)) throw new Error(`${where}: duplicate id`);
    seen.add(j.id);
    if (!Array.isArray(j.turns) || j.turns.length === 0) throw new Error(`${where}: turns missing`);
    if (!Array.isArray(j.expect)) throw new Error(`${where}: expect missing`);
    return { ...j, tags: j.tags ?? [], lang: j.lang ?? 'pl' };
  });
}

/** A duration like `-2h`, `+30m`, `+2d` in milliseconds (0 when absent). */
export function parseOffset(s: string | undefined): number {
  if (!s) return 0;
  const m = /^([+-]?)(\d+(?:\.\d+)?)\s*([mhd])$/.exec(s.trim());
  if (!m) throw new Error(`bad time offset "${s}" (expected e.g. -2h, +30m, +2d)`);
  const unit = m[3] === 'm' ? 60_000 : m[3] === 'h' ? 3_600_000 : 86_400_000;
  return (m[1] === '-' ? -1 : 1) * Number(m[2]) * unit;
}
