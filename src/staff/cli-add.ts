/**
 * `npm run staff:add -- --email E --name N --role agent|supervisor|admin`
 * Creates or updates a staff account in the database of `DATABASE_URL` (as the server does).
 * The password comes from `STAFF_PASSWORD` or an interactive prompt without echo — never from the command line.
 * Prints one line.
 */
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../config';
import { openDatabase } from '../db/dataSource';
import type { StaffRole } from '../../models/StaffUser';
import { StaffAuth, STAFF_ROLES } from './StaffAuth';
import { MIN_PASSWORD_LENGTH } from './passwords';

const USAGE = 'usage: npm run staff:add -- --email E --name N --role agent|supervisor|admin   (password from STAFF_PASSWORD or a prompt)';

class UsageError extends Error {}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    // Piped: read the first line.
    return new Promise((resolve, reject) => {
      let buf = '';
      stdin.setEncoding('utf8');
      stdin.on('data', (d: string) => {
        buf += d;
        const i = buf.indexOf('\n');
        if (i >= 0) {
          stdin.pause();
          resolve(buf.slice(0, i).replace(/\r$/, ''));
        }
      });
      stdin.on('end', () => resolve(buf.replace(/\r?\n$/, '')));
      stdin.on('error', reject);
    });
  }
  return new Promise((resolve) => {
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.stderr.write('\n');
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function main(argv: string[]): Promise<string> {
  let values: { email?: string; name?: string; role?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    const msg = (e as Error).message;
    if (/password/i.test(msg)) throw new UsageError('the password is never given on the command line: set STAFF_PASSWORD or type it at the prompt');
    throw new UsageError(`${msg.split('\n')[0]}\n${USAGE}`);
  }
  const email = values.email?.trim().toLowerCase() ?? '';
  const name = values.name?.trim() ?? '';
  const role = (values.role?.trim() ?? '') as StaffRole;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError(`--email: expected an e-mail address\n${USAGE}`);
  if (!name) throw new UsageError(`--name: expected the staff member's name\n${USAGE}`);
  if (!STAFF_ROLES.includes(role)) throw new UsageError(`--role: one of ${STAFF_ROLES.join(', ')}\n${USAGE}`);

  let password = process.env.STAFF_PASSWORD;
  if (password === undefined || password === '') {
    password = await promptHidden(`Password for ${email}: `);
    if (process.stdin.isTTY) {
      const again = await promptHidden('Repeat the password: ');
      if (again !== password) throw new UsageError('the passwords differ');
    }
  }
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);

  const config = loadConfig();
  const ds = await openDatabase(config.database);
  try {
    const r = await new StaffAuth(ds).upsert({ email, name, role, password, active: true });
    return `staff account ${r.created ? 'created' : 'updated'}: ${email} (${role}, id ${r.staff.id})`;
  } finally {
    await ds.destroy();
  }
}

main(process.argv.slice(2)).then(
  (line) => {
    process.stdout.write(line + '\n');
    process.exit(0);
  },
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`staff:add: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`staff:add failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
