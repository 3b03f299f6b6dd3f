/**
 * Request validation with zod, reporting the failing field by its path
 * (e.g. `customers[0].invoices[1].issueDate`) so API clients know what to fix.
 */
import { z } from 'zod';

export class ValidationError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'ValidationError';
  }
}

/** `['customers', 0, 'invoices', 1, 'issueDate']` → `customers[0].invoices[1].issueDate`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += (out ? '.' : '') + String(p);
  }
  return out || '(body)';
}

/** Parses `input` with `schema` or throws a {@link ValidationError} naming the first failing field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  return failWith(fieldPath(issue.path), issue.message);
}

function failWith(field: string, detail: string): never {
  throw new ValidationError(field, detail);
}

function isRealDate(s: string): boolean {
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** `YYYY-MM-DD` that is a real calendar date. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').refine(isRealDate, 'not a real calendar date');

/** ISO 8601 date-time with zone. */
export const isoDateTime = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), 'expected an ISO date-time with time zone, e.g. 2026-11-25T08:00:00+01:00');

/** Money with at most two decimals. */
export const money = z.number().finite().refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most two decimals');

/** m³ with at most three decimals, not negative. */
export const cubicMetres = z.number().finite().nonnegative().refine((n) => Math.abs(Math.round(n * 1000) - n * 1000) < 1e-6, 'at most three decimals');
