/** Staff sign-in, sessions, lockout, CSRF and role checks — over real HTTP against a real SQLite database. */
import { StaffUser } from '../../models';
import { hashPassword, verifyPassword } from '../../src/staff/passwords';
import { addStaff, chatAndCase, PASSWORD, StaffClient, startApp, type TestEnv } from './helpers';

let env: TestEnv;
let caseNumber: string;
jest.setTimeout(30_000);

beforeAll(async () => {
  env = await startApp();
  await addStaff(env.app, 'agent@kw.test', 'agent', 'Anna Agentka');
  await addStaff(env.app, 'admin@kw.test', 'admin', 'Adam Admin');
  caseNumber = (await chatAndCase(env.app)).caseRecord.caseNumber;
});
afterAll(async () => env.stop());

describe('passwords', () => {
  test('scrypt hash verifies the right password only, and is salted', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});

describe('login', () => {
  test('right password opens a session: HttpOnly SameSite=Strict cookie, /me answers with the CSRF token', async () => {
    const c = new StaffClient(env.url);
    const r = await c.login('Agent@KW.test');
    expect(r.status).toBe(200);
    expect(r.body.staff).toMatchObject({ email: 'agent@kw.test', role: 'agent', name: 'Anna Agentka' });
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http here
    const me = await c.call('GET', '/api/staff/me');
    expect(me.status).toBe(200);
    expect(me.body.csrfToken).toBe(r.body.csrfToken);
    const row = await env.app.ds.getRepository('staff_session').count();
    expect(row).toBeGreaterThan(0);
  });

  test('wrong password and unknown e-mail get the same 401', async () => {
    const c = new StaffClient(env.url);
    const wrong = await c.login('admin@kw.test', 'nie-to-haslo-123');
    const unknown = await c.login('nobody@kw.test', 'nie-to-haslo-123');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(c.cookie).toBe('');
  });

  test('missing fields → 400 naming the field', async () => {
    const c = new StaffClient(env.url);
    const r = await c.call('POST', '/api/staff/login', { email: 'agent@kw.test' });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('password');
  });

  test('five failures lock the account: even the right password is refused until the lock ends', async () => {
    await addStaff(env.app, 'victim@kw.test', 'agent', 'Ofiara Ataku');
    const c = new StaffClient(env.url);
    for (let i = 0; i < 5; i++) expect((await c.login('victim@kw.test', `zle-haslo-${i}-xxxx`)).status).toBe(401);
    const repo = env.app.ds.getRepository(StaffUser);
    const locked = await repo.findOneByOrFail({ email: 'victim@kw.test' });
    expect(locked.lockedUntil).not.toBeNull();
    expect(locked.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
    const refused = await c.login('victim@kw.test', PASSWORD);
    expect(refused.status).toBe(401);
    expect(String(refused.body.message)).toMatch(/locked/);
    // The lock runs out: the right password works again and resets the counter.
    await repo.update({ id: locked.id }, { lockedUntil: new Date(Date.now() - 1000) });
    const ok = await c.login('victim@kw.test', PASSWORD);
    expect(ok.status).toBe(200);
    expect((await repo.findOneByOrFail({ id: locked.id })).failedLogins).toBe(0);
  });

  test('an unknown e-mail is locked the same way (no account enumeration)', async () => {
    const c = new StaffClient(env.url);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await c.login('ghost@kw.test', `zle-haslo-${i}-xxxx`));
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(String(answers[5].body.message)).toMatch(/locked/);
  });

  test('logout ends the session', async () => {
    const c = new StaffClient(env.url);
    await c.login('agent@kw.test');
    const saved = c.cookie;
    expect((await c.call('POST', '/api/staff/logout')).status).toBe(204);
    expect((await c.call('GET', '/api/staff/me', undefined, { cookie: saved })).status).toBe(401);
  });
});

describe('authorization', () => {
  const routes: [string, string, unknown][] = ([
    ['GET', '/api/staff/me'],
    ['GET', '/api/staff/cases?status=open'],
    ['GET', '/api/staff/cases/CASE'],
    ['PATCH', '/api/staff/cases/CASE', { status: 'in_progress' }],
    ['POST', '/api/staff/cases/CASE/messages', { text: 'Dzień dobry' }],
    ['POST', '/api/staff/cases/CASE/notes', { text: 'notatka' }],
    ['POST', '/api/staff/handoffs/CASE/accept'],
    ['POST', '/api/staff/handoffs/CASE/release'],
    ['GET', '/api/staff/attachments/1'],
    ['GET', '/api/staff/events'],
    ['GET', '/api/staff/users'],
    ['POST', '/api/staff/users', { email: 'x@kw.test', name: 'X', role: 'admin', password: 'dlugie-haslo-123' }],
    ['GET', '/api/staff/assignees'],
    ['POST', '/api/staff/logout'],
  ] as [string, string, unknown?][]).map(([m, p, b]) => [m, p, b ?? null]);

  test.each(routes)('%s %s without a session → 401', async (method, path, body) => {
    const c = new StaffClient(env.url);
    const r = await c.call(method, path.replace('CASE', caseNumber), body ?? undefined);
    expect(r.status).toBe(401);
  });

  test('a forged session cookie → 401', async () => {
    const c = new StaffClient(env.url);
    const r = await c.call('GET', '/api/staff/cases', undefined, { cookie: 'kropla_staff=forged-token-value' });
    expect(r.status).toBe(401);
  });

  test.each(routes.filter(([m]) => m !== 'GET'))('%s %s with a session but missing or forged CSRF token → 403, nothing changed', async (method, path, body) => {
    const c = new StaffClient(env.url);
    await c.login('admin@kw.test');
    const before = await env.app.services.cases.messages((await env.app.services.cases.byNumber(caseNumber))!.id);
    expect((await c.call(method, path.replace('CASE', caseNumber), body ?? undefined, { csrf: null })).status).toBe(403);
    expect((await c.call(method, path.replace('CASE', caseNumber), body ?? undefined, { csrf: 'forged' + c.csrf.slice(6) })).status).toBe(403);
    const after = await env.app.services.cases.messages((await env.app.services.cases.byNumber(caseNumber))!.id);
    expect(after.length).toBe(before.length);
    expect((await c.call('GET', '/api/staff/me')).status).toBe(200); // still signed in
  });

  test('an agent cannot manage staff; an admin can', async () => {
    const agent = new StaffClient(env.url);
    await agent.login('agent@kw.test');
    expect((await agent.call('GET', '/api/staff/users')).status).toBe(403);
    expect((await agent.call('POST', '/api/staff/users', { email: 'new@kw.test', name: 'Nowa Osoba', role: 'admin', password: 'dlugie-haslo-123' })).status).toBe(403);
    expect(await env.app.ds.getRepository(StaffUser).countBy({ email: 'new@kw.test' })).toBe(0);

    const admin = new StaffClient(env.url);
    await admin.login('admin@kw.test');
    const list = await admin.call('GET', '/api/staff/users');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt/);
    const created = await admin.call('POST', '/api/staff/users', { email: 'new@kw.test', name: 'Nowa Osoba', role: 'agent', password: 'dlugie-haslo-123' });
    expect(created.status).toBe(201);
    const bad = await admin.call('POST', '/api/staff/users', { email: 'other@kw.test', name: 'Ktoś', role: 'boss', password: 'dlugie-haslo-123' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('role');
    const short = await admin.call('POST', '/api/staff/users', { email: 'other@kw.test', name: 'Ktoś', role: 'agent', password: 'krotkie' });
    expect(short.body.field).toBe('password');
    const c = new StaffClient(env.url);
    expect((await c.login('new@kw.test', 'dlugie-haslo-123')).status).toBe(200);
    // Disabling the account ends its sessions at once.
    expect((await admin.call('POST', '/api/staff/users', { email: 'new@kw.test', name: 'Nowa Osoba', role: 'agent', active: false })).status).toBe(200);
    expect((await c.call('GET', '/api/staff/me')).status).toBe(401);
  });
});

describe('cookies behind https (PUBLIC_URL https://…)', () => {
  let secureEnv: TestEnv;
  beforeAll(async () => {
    secureEnv = await startApp({ PUBLIC_URL: 'https://kropla.example.pl' });
    await addStaff(secureEnv.app, 'agent@kw.test', 'agent');
  });
  afterAll(async () => secureEnv.stop());

  test('standalone: __Host- cookie, Secure, HttpOnly, SameSite=Strict', async () => {
    const c = new StaffClient(secureEnv.url);
    const r = await c.login('agent@kw.test');
    const [cookie, device] = r.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-kropla_staff=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    // The device cookie (a login flood lets a known browser through): as strict, kept 90 days.
    expect(device).toMatch(/^__Host-kropla_staff_device=[\w.-]{40,}; Path=\/; HttpOnly; Max-Age=7776000; SameSite=Strict; Secure$/);
    expect((await c.call('GET', '/api/staff/me')).status).toBe(200);
  });

  test('in the Teams tab (embedded): SameSite=None; Secure; Partitioned — the CSRF header is still required', async () => {
    const c = new StaffClient(secureEnv.url);
    const r = await c.login('agent@kw.test', PASSWORD, { embedded: true });
    for (const cookie of r.headers.getSetCookie()) expect(cookie).toMatch(/HttpOnly; (Max-Age=\d+; )?SameSite=None; Secure; Partitioned$/);
    expect((await c.call('POST', '/api/staff/logout', undefined, { csrf: null })).status).toBe(403);
  });

  test('login refuses a non-JSON body (a cross-site form post cannot sign anyone in)', async () => {
    const res = await fetch(secureEnv.url + '/api/staff/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"email":"agent@kw.test","password":"x"}' });
    expect(res.status).toBe(415);
  });
});
