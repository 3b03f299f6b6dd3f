/**
 * The desk's Statystyki view in a real Chromium over a scripted set of conversations (real bot, real NLU,
 * Direct Line): a supervisor sees the figures and the four charts, labels a misunderstood message with one
 * click (stored for the corpus), gets a polite error for a reversed period, and axe finds no WCAG 2.1 AA
 * violation; an agent has no Statystyki tab, `#stats` opens the queue, and the API answers 403.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium, startTestApp, type TestApp } from '../support/browser';
import { sharedRecognizer } from '../support/botHarness';
import { SCRIPTED_FIGURES, scriptConversations } from '../support/deskStats';
import { addStaff, PASSWORD } from '../staff/helpers';

jest.setTimeout(180_000);

const available = chromiumAvailable();
const describeBrowser = available ? describe : describe.skip;
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

describeBrowser('Statystyki view in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  const axe = async (p: Page) => {
    const r = await new AxeBuilder({ page: p }).withTags(WCAG).analyze();
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };

  const signIn = async (p: Page, email: string) => {
    await p.goto(`${t.url}/staff`);
    await p.waitForSelector('body[data-ready="true"]');
    await p.getByTestId('login-email').fill(email);
    await p.getByTestId('login-password').fill(PASSWORD);
    await p.getByTestId('login-submit').click();
    await p.getByTestId('queue').waitFor();
  };

  const value = (name: string) => page.getByTestId(`value-${name}`).textContent();

  beforeAll(async () => {
    t = await startTestApp({}, { recognizer: await sharedRecognizer(), workers: false });
    const supervisor = await addStaff(t.app, 'ewa.szefowa@kw.test', 'supervisor', 'Ewa Szefowa');
    await addStaff(t.app, 'adam.agent@kw.test', 'agent', 'Adam Agent');
    await scriptConversations(t.app, supervisor);
    // Events are written as each turn ends: wait until the last ones are in.
    for (const until = Date.now() + 15_000; Date.now() < until;) {
      const r = await t.app.ds.query('SELECT COUNT(*) AS n FROM analytics_event') as { n: number }[];
      if (Number(r[0].n) >= 5) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('a supervisor opens Statystyki and sees the figures of the scripted conversations', async () => {
    await signIn(page, 'ewa.szefowa@kw.test');
    const tab = page.getByTestId('nav-stats');
    await expect(tab.isVisible()).resolves.toBe(true);
    await expect(tab.textContent()).resolves.toBe('Statystyki');
    await tab.click();
    await page.getByTestId('stats-heading').waitFor();
    await page.waitForSelector('[data-testid="stats-results"][aria-busy="false"] [data-testid="stats-figures"]');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('stats-heading');
    await expect(tab.getAttribute('aria-current')).resolves.toBe('page');
    const f = SCRIPTED_FIGURES;
    await expect(value('conversations')).resolves.toBe(String(f.conversations));
    await expect(value('customer-messages')).resolves.toBe(String(f.customerMessages));
    await expect(value('containment')).resolves.toMatch(/^25\s?%$/);
    await expect(value('tasks')).resolves.toBe('3');
    await expect(value('fallbacks')).resolves.toBe(String(f.fallbacks));
    await expect(value('handoffs')).resolves.toBe(String(f.handoffs));
    await expect(value('csat')).resolves.toBe('brak ocen');
    await expect(value('cases-filed')).resolves.toBe(String(f.cases.filed));
    await expect(value('cases-in-time')).resolves.toBe(String(f.cases.answeredInTime));
    await expect(value('cases-overdue')).resolves.toBe(String(f.cases.overdue));
  });

  it('draws the four charts (Chart.js from the same origin) and gives each its data as a table', async () => {
    await page.waitForSelector('[data-testid="stats-results"][data-charts="4"]');
    const canvases = await page.locator('[data-testid="stats-results"] canvas').evaluateAll((els) => els.map((c) => {
      const canvas = c as HTMLCanvasElement;
      // something was drawn: not every pixel is transparent
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return { name: canvas.dataset.chart, label: canvas.getAttribute('aria-label'), painted, w: canvas.width, h: canvas.height };
    }));
    expect(canvases.map((c) => c.name)).toEqual(['containment', 'tasks', 'people', 'cases']);
    for (const c of canvases) {
      expect(c.w).toBeGreaterThan(100);
      expect(c.h).toBeGreaterThan(100);
      expect(c.painted).toBeGreaterThan(500);
    }
    expect(canvases[0].label).toBe('Rozmowy załatwione bez konsultanta. Bez konsultanta: 1, Pozostałe rozmowy: 3');
    expect(canvases[3].label).toBe('Sprawy zgłoszone w okresie. Zgłoszone sprawy: 3, Odpowiedziane w terminie: 1, Po terminie: 1');
    const tasks = await page.getByTestId('chart-tasks-data').locator('tbody tr').allTextContents();
    expect(tasks.sort()).toEqual(['Dane kontaktowe1', 'Połączenie z kontem klienta1', 'Saldo i należności1']);
    await expect(page.getByTestId('chart-people-data').locator('tbody tr').allTextContents()).resolves.toEqual(['Niezrozumiane wiadomości2', 'Przekazania do konsultanta1']);
  });

  it('lists the misunderstood message (digits masked) and labels it with one click', async () => {
    const rows = page.getByTestId('misunderstood-row');
    await expect(rows.count()).resolves.toBe(1);
    const row = rows.first();
    await expect(row.getByTestId('misunderstood-text').textContent()).resolves.toBe(SCRIPTED_FIGURES.misunderstood);
    await expect(row.getByTestId('misunderstood-count').textContent()).resolves.toBe('2');
    expect(await page.getByTestId('misunderstood').textContent()).not.toContain('4711');
    // without a topic chosen, nothing is stored and the row says what to do
    await row.getByTestId('misunderstood-label').click();
    await expect(row.getByTestId('misunderstood-status').textContent()).resolves.toBe('Proszę najpierw wybrać temat.');
    expect(await t.app.services.analytics.labels()).toEqual([]);
    await row.getByLabel('Właściwy temat wiadomości: blablabla kukuryku ####').selectOption('None');
    await row.getByTestId('misunderstood-label').click();
    await page.waitForSelector('[data-testid="misunderstood-row"].is-labeled');
    await expect(row.getByTestId('misunderstood-status').textContent()).resolves.toBe('Oznaczono: Poza zakresem');
    expect((await t.app.services.analytics.labels()).map((l) => [l.text, l.intent])).toEqual([[SCRIPTED_FIGURES.misunderstood, 'None']]);
    // shown as labelled after a reload of the view too
    await page.getByTestId('stats-show').click();
    await page.waitForSelector('[data-testid="misunderstood-row"][data-labeled="None"]');
  });

  it('has no WCAG 2.1 AA violations (axe), with a chart table open too', async () => {
    await page.locator('[data-testid="chart-tasks"] summary').click();
    expect(await axe(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('a reversed period is refused in Polish at the field; another period shows other figures', async () => {
    await page.getByTestId('stats-from').fill('2026-11-30');
    await page.getByTestId('stats-to').fill('2026-11-01');
    await page.getByTestId('stats-show').click();
    await expect(page.getByTestId('stats-error').textContent()).resolves.toBe('Data „Od dnia” nie może być późniejsza niż data „Do dnia”.');
    await expect(page.getByTestId('stats-to').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByTestId('stats-from').fill('2020-01-01');
    await page.getByTestId('stats-to').fill('2020-01-31');
    await page.getByTestId('stats-show').click();
    await page.waitForSelector('[data-testid="stats-results"][data-from="2020-01-01"][aria-busy="false"]');
    await expect(page.getByTestId('stats-error').isHidden()).resolves.toBe(true);
    await expect(value('conversations')).resolves.toBe('0');
    await expect(page.getByTestId('chart-tasks-empty').textContent()).resolves.toBe('W tym okresie nie wykonano żadnego zadania.');
    await expect(page.getByTestId('misunderstood-empty').isVisible()).resolves.toBe(true);
    expect(await axe(page)).toEqual([]);
  });

  it('an agent has no Statystyki tab, #stats opens the queue, and the API says 403', async () => {
    const context = await browser.newContext({ locale: 'pl-PL' });
    const agent = await context.newPage();
    await signIn(agent, 'adam.agent@kw.test');
    await expect(agent.getByTestId('nav-stats').isHidden()).resolves.toBe(true);
    await expect(agent.getByTestId('nav-outages').isVisible()).resolves.toBe(true);
    await agent.evaluate(() => { location.hash = '#stats'; });
    await agent.waitForFunction(() => document.activeElement?.id === 'queue-heading');
    await expect(agent.getByTestId('stats-view').isHidden()).resolves.toBe(true);
    const statuses = await agent.evaluate(async () => Promise.all(['/api/staff/analytics?from=2026-01-01&to=2026-01-31', '/api/staff/intents'].map(async (p) => (await fetch(p)).status)));
    expect(statuses).toEqual([403, 403]);
    await context.close();
  });
});
