/**
 * The desk's small store (Chatwoot's `store/` in miniature): one state object, changed only through `set`,
 * with subscribers told what changed. Plus the pure rules the views share: who may see what, which view a
 * location hash opens.
 */
import type { AssigneeDto, StaffMeDto, StaffRoleDto } from '../src/staff/dto.js';

export type ViewName = 'login' | 'queue' | 'case' | 'outages' | 'stats';

export interface DeskState {
  me: StaffMeDto | null;
  /** Active colleagues (the assignee list). */
  staff: AssigneeDto[];
  /** Running as a Microsoft Teams tab. */
  embedded: boolean;
  view: ViewName;
  /** The case open in the case view. */
  caseNumber: string | null;
}

export type Listener<S> = (state: Readonly<S>, changed: ReadonlySet<keyof S>) => void;

export class Store<S extends object> {
  private current: S;
  private readonly listeners = new Set<Listener<S>>();

  constructor(initial: S) {
    this.current = { ...initial };
  }

  get state(): Readonly<S> {
    return this.current;
  }

  /** Merges `patch`; listeners hear of it only when a value actually changed. */
  set(patch: Partial<S>): void {
    const changed = new Set<keyof S>();
    for (const k of Object.keys(patch) as (keyof S)[]) if (!Object.is(this.current[k], patch[k])) changed.add(k);
    if (!changed.size) return;
    this.current = { ...this.current, ...patch };
    for (const fn of [...this.listeners]) fn(this.current, changed);
  }

  /** Returns the unsubscribe function. */
  subscribe(fn: Listener<S>): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }
}

export const initialDeskState = (): DeskState => ({ me: null, staff: [], embedded: false, view: 'login', caseNumber: null });

export function createDeskStore(): Store<DeskState> {
  return new Store(initialDeskState());
}

const SUPERVISING: readonly StaffRoleDto[] = ['supervisor', 'admin'];

/** Supervisors and admins publish outage notices and see the Statystyki view; agents do not. */
export function canSupervise(me: Pick<StaffMeDto, 'role'> | null): boolean {
  return !!me && SUPERVISING.includes(me.role);
}

export interface Route {
  view: Exclude<ViewName, 'login'>;
  caseNumber: string | null;
}

/** The view a location hash opens for this user: `#case/{n}`, `#outages`, `#stats` (supervisors only), else the queue. */
export function routeFor(hash: string, me: Pick<StaffMeDto, 'role'> | null): Route {
  const m = /^#case\/(.+)$/.exec(hash);
  if (m) {
    let caseNumber = m[1];
    try { caseNumber = decodeURIComponent(m[1]); } catch { /* keep it as typed */ }
    return { view: 'case', caseNumber };
  }
  if (hash === '#outages') return { view: 'outages', caseNumber: null };
  if (hash === '#stats' && canSupervise(me)) return { view: 'stats', caseNumber: null };
  return { view: 'queue', caseNumber: null };
}
