/** `npm run staff:add` — spawned as a real process against a SQLite file; the password only through the environment. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/dataSource';
import { StaffUser } from '../../models';
import { StaffAuth } from '../../src/staff/StaffAuth';

const root = join(__dirname, '..', '..');
const cli = join(root, 'src', 'staff', 'cli-add.ts');
const hook = join(__dirname, 'support', 'register-ts.js');
let dir: string;
jest.setTimeout(60_000);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kropla-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, ['-r', hook, cli, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: `sqlite:${dir}/k.sqlite`, LOG_LEVEL: 'silent', TZ: 'UTC', ...env },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  // restify (loaded with the app's modules) prints Node's DEP0111 warning; anything else on stderr is a failure.
  const err = r.stderr.split('\n').filter((l) => l && !/DEP0111|--trace-deprecation/.test(l)).join('\n');
  return { code: r.status, out: r.stdout, err };
}

test('creates, then updates an account; prints one line; the password never appears in argv or output', async () => {
  const password = 'Bardzo-Tajne-Haslo-42';
  const args = ['--email', 'Ewa@KW.test', '--name', 'Ewa Kowalczyk', '--role', 'supervisor'];
  expect(args.join(' ')).not.toContain(password);
  const first = run(args, { STAFF_PASSWORD: password });
  expect(first.err).toBe('');
  expect(first.code).toBe(0);
  expect(first.out.trim().split('\n')).toHaveLength(1);
  expect(first.out).toMatch(/^staff account created: ewa@kw\.test \(supervisor, id \d+\)\n$/);
  expect(first.out).not.toContain(password);

  const second = run(['--email', 'ewa@kw.test', '--name', 'Ewa K.', '--role', 'admin'], { STAFF_PASSWORD: 'Nowe-Tajne-Haslo-43' });
  expect(second.code).toBe(0);
  expect(second.out).toMatch(/^staff account updated: ewa@kw\.test \(admin/);

  const ds = await openDatabase({ type: 'sqlite', path: `${dir}/k.sqlite` });
  try {
    const rows = await ds.getRepository(StaffUser).find();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'ewa@kw.test', name: 'Ewa K.', role: 'admin', active: true });
    expect(rows[0].passwordHash).toMatch(/^scrypt\$/);
    expect(rows[0].passwordHash).not.toContain('Nowe-Tajne');
    const auth = new StaffAuth(ds);
    expect((await auth.login('ewa@kw.test', 'Nowe-Tajne-Haslo-43')).ok).toBe(true);
    expect((await auth.login('ewa@kw.test', password)).ok).toBe(false);
  } finally {
    await ds.destroy();
  }
});

test('reads the password from stdin when STAFF_PASSWORD is not set (piped prompt)', () => {
  const r = run(['--email', 'jan@kw.test', '--name', 'Jan', '--role', 'agent'], {}, 'Haslo-Ze-Stdin-123\n');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/created: jan@kw\.test \(agent/);
});

test.each([
  [['--email', 'a@kw.test', '--name', 'A', '--role', 'boss'], /--role/],
  [['--email', 'nie-email', '--name', 'A', '--role', 'agent'], /--email/],
  [['--email', 'a@kw.test', '--name', 'A', '--role', 'agent', '--password', 'x'], /never given on the command line/],
])('refuses bad input %j with exit code 2', (args, message) => {
  const r = run(args as string[], { STAFF_PASSWORD: 'Dobre-Haslo-12345' });
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message as RegExp);
  expect(r.out).toBe('');
});

test('refuses a short password', () => {
  const r = run(['--email', 'b@kw.test', '--name', 'B', '--role', 'agent'], { STAFF_PASSWORD: 'krotkie' });
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/at least 12/);
});
