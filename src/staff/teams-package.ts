/**
 * `npm run teams:package` — builds `deploy/teams/kropla-staff.zip`, the Microsoft Teams app that shows the desk as a tab:
 * `deploy/teams/manifest.json` with `${PUBLIC_URL}` (env `PUBLIC_URL`, https), `${PUBLIC_HOST}` and `${TEAMS_APP_ID}`
 * (env `TEAMS_APP_ID`, else a stable id derived from the URL) filled in, plus the two icons drawn here.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { createCanvas } from '@napi-rs/canvas';

/** Draws the drop of water Kropla is named after. */
function drop(ctx: ReturnType<ReturnType<typeof createCanvas>['getContext']>, size: number, fill: string): void {
  const s = size / 32;
  ctx.beginPath();
  ctx.moveTo(16 * s, 3 * s);
  ctx.bezierCurveTo(16 * s, 3 * s, 6 * s, 15 * s, 6 * s, 20 * s);
  ctx.bezierCurveTo(6 * s, 25.5 * s, 10.5 * s, 29 * s, 16 * s, 29 * s);
  ctx.bezierCurveTo(21.5 * s, 29 * s, 26 * s, 25.5 * s, 26 * s, 20 * s);
  ctx.bezierCurveTo(26 * s, 15 * s, 16 * s, 3 * s, 16 * s, 3 * s);
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
}

/** 192×192 full-colour icon. */
export function colorIcon(): Buffer {
  const c = createCanvas(192, 192);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#0B4F8A';
  ctx.fillRect(0, 0, 192, 192);
  ctx.save();
  ctx.translate(24, 20);
  drop(ctx, 144, '#FFFFFF');
  ctx.restore();
  return c.toBuffer('image/png');
}

/** 32×32 outline icon: white on transparent, as Teams requires. */
export function outlineIcon(): Buffer {
  const c = createCanvas(32, 32);
  const ctx = c.getContext('2d');
  ctx.clearRect(0, 0, 32, 32);
  drop(ctx, 32, '#FFFFFF');
  return c.toBuffer('image/png');
}

/** A GUID derived from a string (Teams needs a GUID; the same URL gives the same app). */
export function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function buildManifest(template: string, publicUrl: string, appId?: string): string {
  const u = new URL(publicUrl);
  if (u.protocol !== 'https:') throw new Error(`PUBLIC_URL must be https for a Teams tab, got ${publicUrl}`);
  const base = publicUrl.replace(/\/+$/, '');
  const id = appId || stableGuid(`kropla-staff:${base}`);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new Error('TEAMS_APP_ID must be a GUID');
  const json = template.replaceAll('${PUBLIC_URL}', base).replaceAll('${PUBLIC_HOST}', u.host).replaceAll('${TEAMS_APP_ID}', id);
  JSON.parse(json); // still valid JSON
  return json;
}

/** Writes the icons and the zip into `dir`; returns the zip path. */
export function packageTeamsApp(dir: string, publicUrl: string, appId?: string): string {
  const manifest = buildManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), publicUrl, appId);
  const color = colorIcon();
  const outline = outlineIcon();
  writeFileSync(join(dir, 'color.png'), color);
  writeFileSync(join(dir, 'outline.png'), outline);
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(manifest, 'utf8'));
  zip.addFile('color.png', color);
  zip.addFile('outline.png', outline);
  const out = join(dir, 'kropla-staff.zip');
  zip.writeZip(out);
  return out;
}

function findDeployDir(): string {
  for (const up of ['../..', '../../..']) {
    const d = join(__dirname, up, 'deploy', 'teams');
    try {
      readFileSync(join(d, 'manifest.json'));
      return d;
    } catch {
      /* next */
    }
  }
  throw new Error('deploy/teams/manifest.json not found');
}

if (require.main === module) {
  try {
    const publicUrl = process.env.PUBLIC_URL;
    if (!publicUrl) throw new Error('set PUBLIC_URL to the https address of the server, e.g. PUBLIC_URL=https://kropla.wodociagi.katowice.pl');
    const out = packageTeamsApp(findDeployDir(), publicUrl, process.env.TEAMS_APP_ID);
    process.stdout.write(`Teams app package written: ${out}\n`);
  } catch (e) {
    process.stderr.write(`teams:package: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
