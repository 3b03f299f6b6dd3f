/**
 * The desk's compiled modules over HTTP: `/staff` loads `/staff/desk/main.js` as an ES module, every module it
 * imports (transitively) is served from the same origin as JavaScript under the desk's CSP, nothing outside the
 * desk folder is reachable, and the Chart.js bundle for the Statystyki view is served like teams-js.
 */
import { startApp, type TestEnv } from '../staff/helpers';

let env: TestEnv;

beforeAll(async () => {
  env = await startApp();
});

afterAll(async () => {
  await env?.stop();
});

test('the page loads main.js as a module and every imported module is served as JavaScript with the CSP', async () => {
  const html = await (await fetch(`${env.url}/staff`)).text();
  expect(html).toContain('<script type="module" src="/staff/desk/main.js"></script>');
  const seen = new Set<string>();
  const queue = ['/staff/desk/main.js'];
  while (queue.length) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await fetch(env.url + path);
    expect([path, res.status]).toEqual([path, 200]);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const code = await res.text();
    for (const m of code.matchAll(/^import\s[^'"]*['"]([^'"]+)['"];?$/gm)) {
      expect(m[1]).toMatch(/^\.\.?\//); // relative only: no bare specifier a browser could not resolve
      queue.push(new URL(m[1], `http://x${path}`).pathname);
    }
    expect(code).not.toMatch(/from ['"].*src\/staff/); // the DTOs are type-only imports: erased
  }
  expect([...seen]).toEqual(expect.arrayContaining(['/staff/desk/api/staff.js', '/staff/desk/store.js', '/staff/desk/events.js', '/staff/desk/views/queue.js', '/staff/desk/views/case.js', '/staff/desk/views/outages.js']));
});

test('only the desk folder is served, one level deep', async () => {
  for (const bad of ['/staff/desk/../../package.json', '/staff/desk/..%2f..%2fpackage.json', '/staff/desk/src/staff/dto.js', '/staff/desk/main.ts', '/staff/desk/nope.js', '/staff/desk/views/../main.js.map']) {
    expect([bad, (await fetch(env.url + bad)).status]).toEqual([bad, 404]);
  }
});

test('Chart.js is served from node_modules for the Statystyki view', async () => {
  const res = await fetch(`${env.url}/staff/vendor/chart.umd.min.js`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(await res.text()).toContain('Chart');
});
