/**
 * The desk's browser modules (desk/*.ts → dist/public/desk/*.js) are compiled by `npm run build`; a test run
 * after editing them (or after only `npx tsc -p tsconfig.json`) compiles them again here, once, so that the
 * browser suites never test a stale desk.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Compiles the desk when its output is missing or older than a source (desk/ or src/staff/dto.ts). */
export function ensureDeskBuilt(root: string): boolean {
  const out = join(root, 'dist/public/desk/main.js');
  const sources = Math.max(newest(join(root, 'desk'), '.ts'), statSync(join(root, 'src/staff/dto.ts')).mtimeMs, statSync(join(root, 'desk/tsconfig.json')).mtimeMs);
  if (existsSync(out) && newest(join(root, 'dist/public/desk'), '.js') >= sources) return false;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'desk/tsconfig.json')], { stdio: 'inherit' });
  return true;
}
