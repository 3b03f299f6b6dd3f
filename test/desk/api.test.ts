/**
 * The desk's API client (desk/api/) against the real Staff API over HTTP: sign-in keeps the CSRF token,
 * changes carry it, errors become ApiError with status, code and field, a 401 calls onUnauthorized, and the
 * answers have the shapes the desk's views read (the DTOs of src/staff/dto.ts).
 */
import { ApiError, query, type FetchLike } from '../../desk/api/client';
import { StaffApi } from '../../desk/api/staff';
import { addStaff, chatAndCase, PASSWORD, startApp, type TestEnv } from '../staff/helpers';

/** Node's fetch with a cookie jar: what the browser does for the desk (same-origin session cookie). */
function cookieFetch(): FetchLike & { cookie: string } {
  const f = (async (input: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    if (f.cookie) headers.set('cookie', f.cookie);
    const res = await fetch(input, { ...init, headers });
    const set = res.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      f.cookie = pair.endsWith('=') ? '' : pair;
    }
    return res;
  }) as FetchLike & { cookie: string };
  f.cookie = '';
  return f;
}

let env: TestEnv;

beforeAll(async () => {
  env = await startApp();
  await addStaff(env.app, 'ewa@kw.test', 'agent', 'Ewa Kowalska');
  await addStaff(env.app, 'jan@kw.test', 'supervisor', 'Jan Nowak');
});

afterAll(async () => {
  await env?.stop();
});

describe('desk API client', () => {
  test('query() keeps only the given values', () => {
    expect(query({ status: 'open', category: '', channel: undefined, assignee: null })).toBe('?status=open');
    expect(query({})).toBe('');
    expect(query({ from: '2026-11-01', to: '2026-11-30' })).toBe('?from=2026-11-01&to=2026-11-30');
  });

  test('wrong password: ApiError 401 with the code, and no onUnauthorized for the sign-in itself', async () => {
    const onUnauthorized = jest.fn();
    const api = new StaffApi({ baseUrl: env.url, fetch: cookieFetch(), onUnauthorized });
    const e = await api.login({ email: 'ewa@kw.test', password: 'zle-haslo-000000' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(401);
    expect((e as ApiError).code).toBe('invalid_credentials');
    expect(onUnauthorized).not.toHaveBeenCalled();
    expect(api.http.csrf).toBeNull();
  });

  test('without a session any call is a 401 that calls onUnauthorized', async () => {
    const onUnauthorized = jest.fn();
    const api = new StaffApi({ baseUrl: env.url, fetch: cookieFetch(), onUnauthorized });
    await expect(api.cases()).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  test('sign-in, the queue and a case, a note and a status change (with the CSRF token), sign-out', async () => {
    const { caseRecord } = await chatAndCase(env.app, { text: 'Proszę o korektę faktury.' });
    const jar = cookieFetch();
    const api = new StaffApi({ baseUrl: env.url, fetch: jar });
    const session = await api.login({ email: 'ewa@kw.test', password: PASSWORD });
    expect(session.staff).toMatchObject({ name: 'Ewa Kowalska', role: 'agent' });
    expect(api.http.csrf).toBe(session.csrfToken);
    expect((await api.me()).staff.email).toBe('ewa@kw.test');

    const list = await api.cases({ status: 'open', category: 'invoice' });
    const row = list.cases.find((c) => c.caseNumber === caseRecord.caseNumber);
    expect(row).toMatchObject({ status: 'new', category: 'invoice', overdue: false, assignee: null });
    expect(typeof row?.dueAt).toBe('string');
    expect((await api.cases({ category: 'meter' })).cases.find((c) => c.caseNumber === caseRecord.caseNumber)).toBeUndefined();

    const detail = await api.caseDetail(caseRecord.caseNumber);
    expect(detail.case.text).toBe('Proszę o korektę faktury.');
    expect(detail.transcript.map((e) => e.author)).toEqual(['customer', 'bot']);

    const note = await api.note(caseRecord.caseNumber, 'Sprawdzić odczyt z listopada.');
    expect(note.message.author).toBe('note');
    const patched = await api.patchCase(caseRecord.caseNumber, { status: 'in_progress', assignee: session.staff.id });
    expect(patched).toEqual({ caseNumber: caseRecord.caseNumber, status: 'in_progress', assigneeId: session.staff.id });

    // The token is what lets a change through: a client that lost it gets 403 and nothing changes.
    const csrf = api.http.csrf;
    api.http.csrf = null;
    await expect(api.patchCase(caseRecord.caseNumber, { status: 'resolved' })).rejects.toMatchObject({ status: 403, code: 'csrf' });
    expect((await api.caseDetail(caseRecord.caseNumber)).case.status).toBe('in_progress');
    api.http.csrf = csrf;

    await api.logout();
    expect(api.http.csrf).toBeNull();
    await expect(api.me()).rejects.toMatchObject({ status: 401 });
  });

  test('a 400 names the field', async () => {
    const { caseRecord } = await chatAndCase(env.app);
    const api = new StaffApi({ baseUrl: env.url, fetch: cookieFetch() });
    await api.login({ email: 'ewa@kw.test', password: PASSWORD });
    const e = await api.patchCase(caseRecord.caseNumber, { status: 'closed' as never }).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 400, field: 'status' });
    const missing = await api.caseDetail('KW-2026-999999').catch((x: unknown) => x);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  test('an agent may list outages but not publish one (403)', async () => {
    const api = new StaffApi({ baseUrl: env.url, fetch: cookieFetch() });
    await api.login({ email: 'ewa@kw.test', password: PASSWORD });
    expect(Array.isArray((await api.outages()).notices)).toBe(true);
    const e = await api.publishOutage({ kind: 'failure', title: 'Awaria', message: 'Brak wody', startsAt: new Date().toISOString(), expectedEndAt: null, tankerLocation: null, streets: [{ street: 'Mikołowska', parity: 'all' }] }).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('desk API client: analytics (contracts §10)', () => {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date());

  test('a supervisor gets the report, the intents and stores a label; bad dates are a 400 naming the field', async () => {
    await chatAndCase(env.app, { text: 'Reklamacja odczytu.' });
    const api = new StaffApi({ baseUrl: env.url, fetch: cookieFetch() });
    await api.login({ email: 'jan@kw.test', password: PASSWORD });
    const r = await api.analytics(today, today);
    expect(r).toMatchObject({ from: today, to: today, csat: { responses: 0, average: null } });
    expect(r.conversations).toBeGreaterThanOrEqual(1);
    expect(r.cases.filed).toBeGreaterThanOrEqual(1);
    expect(typeof r.containment).toBe('number');
    expect(Array.isArray(r.misunderstood)).toBe(true);
    const { intents } = await api.intents();
    expect(intents).toEqual(expect.arrayContaining(['balance.check', 'None']));
    await expect(api.label({ text: 'coś tam ####', intent: 'None' })).resolves.toEqual({ text: 'coś tam ####', intent: 'None' });
    expect((await env.app.services.analytics.labels()).map((l) => [l.text, l.intent])).toContainEqual(['coś tam ####', 'None']);
    await expect(api.label({ text: 'coś tam ####', intent: 'pogoda' })).rejects.toMatchObject({ status: 400, field: 'intent' });
    await expect(api.analytics('2026-02-30', today)).rejects.toMatchObject({ status: 400, field: 'from' });
  });

  test('an agent gets 403 on the report, the intents and labelling', async () => {
    const api = new StaffApi({ baseUrl: env.url, fetch: cookieFetch() });
    await api.login({ email: 'ewa@kw.test', password: PASSWORD });
    await expect(api.analytics(today, today)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(api.intents()).rejects.toMatchObject({ status: 403 });
    await expect(api.label({ text: 'x', intent: 'None' })).rejects.toMatchObject({ status: 403 });
  });
});
