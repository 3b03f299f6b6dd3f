/** The Teams app package: manifest with the tab on PUBLIC_URL, icons of the required sizes, a zip Teams accepts. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { buildManifest, packageTeamsApp, stableGuid } from '../../src/staff/teams-package';

const pngSize = (b: Buffer) => ({ signature: b.subarray(1, 4).toString('latin1'), width: b.readUInt32BE(16), height: b.readUInt32BE(20), colorType: b[25] });

test('packageTeamsApp writes a zip with manifest.json, color.png 192×192 and outline.png 32×32 (with alpha)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-teams-'));
  try {
    copyFileSync(join(__dirname, '..', '..', 'deploy', 'teams', 'manifest.json'), join(dir, 'manifest.json'));
    const out = packageTeamsApp(dir, 'https://kropla.example.pl/');
    const zip = new AdmZip(out);
    expect(zip.getEntries().map((e) => e.entryName).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(zip.readAsText('manifest.json')) as { id: string; staticTabs: { contentUrl: string; websiteUrl: string }[]; validDomains: string[]; icons: Record<string, string> };
    expect(manifest.staticTabs[0].contentUrl).toBe('https://kropla.example.pl/staff');
    expect(manifest.validDomains).toEqual(['kropla.example.pl']);
    expect(manifest.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.stringify(manifest)).not.toContain('${');
    expect(pngSize(zip.getEntry('color.png')!.getData())).toMatchObject({ signature: 'PNG', width: 192, height: 192 });
    expect(pngSize(zip.getEntry('outline.png')!.getData())).toMatchObject({ signature: 'PNG', width: 32, height: 32, colorType: 6 });
    expect(readFileSync(join(dir, 'color.png')).equals(zip.getEntry('color.png')!.getData())).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the manifest needs an https PUBLIC_URL; the app id is stable per URL or taken from TEAMS_APP_ID', () => {
  const tpl = readFileSync(join(__dirname, '..', '..', 'deploy', 'teams', 'manifest.json'), 'utf8');
  expect(() => buildManifest(tpl, 'http://localhost:3978')).toThrow(/https/);
  expect(stableGuid('a')).toBe(stableGuid('a'));
  expect(stableGuid('a')).not.toBe(stableGuid('b'));
  const id = '11111111-2222-4333-8444-555555555555';
  expect(JSON.parse(buildManifest(tpl, 'https://x.example', id)).id).toBe(id);
});
