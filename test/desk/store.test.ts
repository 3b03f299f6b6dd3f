/** The desk's store and its rules (desk/store.ts), and the server-events handler (desk/events.ts) — no browser. */
import { coalesce, DeskEvents, EVENT_ANNOUNCEMENTS, parseDeskEvent, type EventSourceLike } from '../../desk/events';
import { canSupervise, createDeskStore, routeFor, Store } from '../../desk/store';

describe('desk store', () => {
  test('set merges the patch and tells subscribers which keys changed', () => {
    const store = createDeskStore();
    const seen: string[][] = [];
    store.subscribe((_s, changed) => seen.push([...changed].map(String).sort()));
    store.set({ view: 'queue', caseNumber: null });
    expect(store.state.view).toBe('queue');
    expect(seen).toEqual([['view']]);
    store.set({ view: 'case', caseNumber: 'KW-2026-000001' });
    expect(seen[1]).toEqual(['caseNumber', 'view']);
    expect(store.state).toMatchObject({ view: 'case', caseNumber: 'KW-2026-000001', me: null, embedded: false });
  });

  test('a patch that changes nothing notifies nobody; unsubscribe stops notifications', () => {
    const store = new Store({ a: 1, b: 'x' });
    const fn = jest.fn();
    const off = store.subscribe(fn);
    store.set({ a: 1 });
    expect(fn).not.toHaveBeenCalled();
    store.set({ b: 'y' });
    expect(fn).toHaveBeenCalledTimes(1);
    off();
    store.set({ a: 2 });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(store.state).toEqual({ a: 2, b: 'y' });
  });

  test('the state object is replaced, not mutated (a listener may keep the previous one)', () => {
    const store = createDeskStore();
    const before = store.state;
    store.set({ embedded: true });
    expect(before.embedded).toBe(false);
    expect(store.state.embedded).toBe(true);
  });

  test('supervisors and admins supervise, agents and nobody do not', () => {
    expect(canSupervise({ role: 'supervisor' })).toBe(true);
    expect(canSupervise({ role: 'admin' })).toBe(true);
    expect(canSupervise({ role: 'agent' })).toBe(false);
    expect(canSupervise(null)).toBe(false);
  });

  test('routes: case, outages, stats for supervisors only, else the queue', () => {
    const sup = { role: 'supervisor' as const };
    const agent = { role: 'agent' as const };
    expect(routeFor('#case/KW-2026-000123', agent)).toEqual({ view: 'case', caseNumber: 'KW-2026-000123' });
    expect(routeFor('#case/KW%2D2026', agent)).toEqual({ view: 'case', caseNumber: 'KW-2026' });
    expect(routeFor('#case/%E0%A4%A', agent)).toEqual({ view: 'case', caseNumber: '%E0%A4%A' });
    expect(routeFor('#outages', agent).view).toBe('outages');
    expect(routeFor('#stats', sup).view).toBe('stats');
    expect(routeFor('#stats', { role: 'admin' }).view).toBe('stats');
    expect(routeFor('#stats', agent).view).toBe('queue');
    expect(routeFor('', agent).view).toBe('queue');
    expect(routeFor('#whatever', sup)).toEqual({ view: 'queue', caseNumber: null });
  });
});

/** An EventSource stand-in: records listeners, lets the test deliver frames. */
class FakeSource implements EventSourceLike {
  listeners = new Map<string, ((ev: MessageEvent) => void)[]>();
  closed = false;
  addEventListener(type: string, fn: (ev: MessageEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close(): void {
    this.closed = true;
  }
  emit(type: string, data: string): void {
    for (const fn of this.listeners.get(type) ?? []) fn(new MessageEvent(type, { data }));
  }
}

describe('desk server events', () => {
  test('each desk event type is listened to and handed on parsed', () => {
    const sources: FakeSource[] = [];
    const got: unknown[] = [];
    const events = new DeskEvents(() => { const s = new FakeSource(); sources.push(s); return s; }, (e) => got.push(e));
    events.start();
    expect([...sources[0].listeners.keys()].sort()).toEqual(Object.keys(EVENT_ANNOUNCEMENTS).sort());
    sources[0].emit('case.created', JSON.stringify({ type: 'case.created', caseNumber: 'KW-2026-000007' }));
    sources[0].emit('handoff.requested', JSON.stringify({ type: 'handoff.requested', caseNumber: 'KW-2026-000008' }));
    expect(got).toEqual([{ type: 'case.created', caseNumber: 'KW-2026-000007' }, { type: 'handoff.requested', caseNumber: 'KW-2026-000008' }]);
  });

  test('broken or foreign frames are dropped, not thrown', () => {
    expect(parseDeskEvent('case.updated', 'not json')).toBeNull();
    expect(parseDeskEvent('case.updated', JSON.stringify({ nothing: 1 }))).toBeNull();
    expect(parseDeskEvent('case.updated', 'null')).toBeNull();
    expect(parseDeskEvent('something.else', JSON.stringify({ caseNumber: 'KW-1' }))).toBeNull();
    expect(parseDeskEvent('case.updated', JSON.stringify({ caseNumber: 'KW-1' }))).toEqual({ type: 'case.updated', caseNumber: 'KW-1' });
  });

  test('start again closes the previous stream; stop closes it', () => {
    const sources: FakeSource[] = [];
    const events = new DeskEvents(() => { const s = new FakeSource(); sources.push(s); return s; }, () => undefined);
    events.start();
    events.start();
    expect(sources[0].closed).toBe(true);
    expect(sources[1].closed).toBe(false);
    expect(events.connected).toBe(true);
    events.stop();
    expect(sources[1].closed).toBe(true);
    expect(events.connected).toBe(false);
  });

  test('a burst of events refreshes the queue once', () => {
    const timers: (() => void)[] = [];
    const fn = jest.fn();
    const soon = coalesce(fn, 150, { set: (f) => timers.push(f) });
    soon(); soon(); soon();
    expect(timers).toHaveLength(1);
    timers[0]();
    expect(fn).toHaveBeenCalledTimes(1);
    soon();
    expect(timers).toHaveLength(2);
  });
});
