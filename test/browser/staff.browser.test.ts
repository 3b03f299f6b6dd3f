/**
 * The staff desk in a real Chromium: sign-in, the queue with a case filed through the service, the case view
 * (customer text shown as text), a reply that reaches the outbox, a status change, a new case arriving without
 * a reload (SSE), and WCAG 2.1 AA by axe-core on the login page and the desk. Fails (not skips) without Chromium under CI.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { OutboxMessage } from '../../models';
import { handoffServiceFor } from '../../src/staff';
import { addStaff, chatAndCase, PASSWORD, startApp, type TestEnv } from '../staff/helpers';

jest.setTimeout(120_000);

const available = chromiumAvailable();
const describeBrowser = available ? describe : describe.skip;

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

describeBrowser('staff desk in Chromium', () => {
  let env: TestEnv;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  let first: Awaited<ReturnType<typeof chatAndCase>>;

  const axe = async () => {
    const r = await new AxeBuilder({ page }).withTags(WCAG).analyze();
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };

  beforeAll(async () => {
    env = await startApp();
    await addStaff(env.app, 'anna@kw.test', 'agent', 'Anna Nowak');
    first = await chatAndCase(env.app, { channel: 'telegram', text: 'Licznik <img src=x onerror="window.__xss=1"> pokazuje za dużo & proszę o sprawdzenie.' });
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'pl-PL' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${env.url}/staff`);
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });

  it('shows a labelled login form with no accessibility violations', async () => {
    await expect(page.getByLabel('Adres e-mail').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Hasło').isVisible()).resolves.toBe(true);
    await expect(page.title()).resolves.toBe('Pulpit Biura Obsługi Klienta — Kropla');
    expect(await axe()).toEqual([]);
  });

  it('refuses a wrong password, then signs in and shows the queue with the case', async () => {
    await page.getByTestId('login-email').fill('anna@kw.test');
    await page.getByTestId('login-password').fill('zle-haslo-123456');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor({ state: 'visible' });
    await expect(page.getByTestId('login-error').textContent()).resolves.toBe('Nieprawidłowy adres e-mail lub hasło.');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    const row = page.locator(`[data-testid="queue-row"][data-case-number="${first.caseRecord.caseNumber}"]`);
    await row.waitFor();
    await expect(page.getByTestId('who-name').textContent()).resolves.toBe('Zalogowano: Anna Nowak');
    const text = await row.textContent();
    expect(text).toContain(first.customer!.customerNumber);
    expect(text).toContain('Nowa');
    expect(await axe()).toEqual([]);
  });

  it('opens the case: customer text is text, not HTML; transcript and thread are there', async () => {
    await page.locator(`[data-testid="queue-row"][data-case-number="${first.caseRecord.caseNumber}"] [data-testid="open-case"]`).click();
    await page.getByTestId('case-heading').waitFor();
    await expect(page.getByTestId('case-heading').textContent()).resolves.toBe(`Sprawa ${first.caseRecord.caseNumber}`);
    await expect(page.getByTestId('case-text').textContent()).resolves.toBe(first.caseRecord.text);
    expect(await page.locator('[data-testid="case-text"] img, [data-testid="thread"] img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expect(page.getByTestId('transcript').textContent()).resolves.toContain('Czy złożyć reklamację?');
    // Focus moved to the case heading for keyboard and screen-reader users.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('case-heading');
    expect(await axe()).toEqual([]);
  });

  it('sends a reply with a canned text: it is in the thread, queued for the Telegram chat, status waits for the customer', async () => {
    await page.getByTestId('canned').selectOption('desk.canned.needReading');
    await expect(page.getByTestId('reply-text').inputValue()).resolves.toMatch(/^Proszę podać aktualny stan wodomierza/);
    await page.getByTestId('reply-text').fill('Proszę podać aktualny odczyt wodomierza.');
    await page.getByTestId('reply-send').click();
    await page.locator('[data-testid="thread-staff"]', { hasText: 'Proszę podać aktualny odczyt wodomierza.' }).waitFor();
    await page.locator('[data-testid="case-status"]', { hasText: 'Czeka na klienta' }).waitFor();
    const rows = await env.app.ds.getRepository(OutboxMessage).find({ where: { caseId: first.caseRecord.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'telegram', chatId: first.chat.id });
    expect(JSON.parse(rows[0].activity).text).toContain('Proszę podać aktualny odczyt wodomierza.');
  });

  it('changes the status and adds an internal note', async () => {
    await page.getByTestId('status-select').selectOption('resolved');
    await page.getByTestId('status-save').click();
    await page.locator('[data-testid="case-status"]', { hasText: 'Załatwiona' }).waitFor();
    await expect(page.getByTestId('history').textContent()).resolves.toContain('Czeka na klienta → Załatwiona');
    expect((await env.app.services.cases.byNumber(first.caseRecord.caseNumber))!.status).toBe('resolved');
    await page.getByTestId('note-text').fill('Sprawdzone z działem rozliczeń.');
    await page.getByTestId('note-save').click();
    await page.locator('[data-testid="thread-note"]', { hasText: 'Sprawdzone z działem rozliczeń.' }).waitFor();
    expect(await axe()).toEqual([]);
  });

  it('shows a new case in the queue without a reload (SSE)', async () => {
    await page.getByTestId('back').click();
    await page.getByTestId('queue').waitFor();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const next = await chatAndCase(env.app, { channel: 'webchat', kind: 'outage_report', text: 'Brak wody na Mikołowskiej' });
    env.app.events.emit('case.created', next.caseRecord);
    await page.locator(`[data-testid="queue-row"][data-case-number="${next.caseRecord.caseNumber}"]`).waitFor();
    await expect(page.getByTestId('announcer').textContent()).resolves.toContain(next.caseRecord.caseNumber);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });

  it('takes over a live chat, writes to the customer, and hands it back to Kropla', async () => {
    const chat = await env.app.services.chats.touch({ channel: 'webchat', conversationId: 'live-1', userId: 'u-live', reference: {}, locale: 'pl' });
    const { caseRecord } = await handoffServiceFor(env.app).requestHandoff(chat, null, 'Poproszę konsultanta', new Date('2026-02-10T09:00:00Z'));
    await page.locator(`[data-testid="queue-row"][data-case-number="${caseRecord.caseNumber}"]`).waitFor();
    await page.locator(`[data-testid="queue-row"][data-case-number="${caseRecord.caseNumber}"] [data-testid="open-case"]`).click();
    await page.getByTestId('handoff-accept').click();
    await page.getByTestId('handoff-live').waitFor();
    await expect(page.getByTestId('handoff-live').textContent()).resolves.toContain('Anna Nowak');
    await page.getByTestId('reply-text').fill('W czym mogę pomóc?');
    await page.getByTestId('reply-send').click();
    await page.locator('[data-testid="thread-staff"]', { hasText: 'W czym mogę pomóc?' }).waitFor();
    const sent = await env.app.ds.getRepository(OutboxMessage).find({ where: { chatId: chat.id }, order: { id: 'ASC' } });
    expect(sent.map((m) => JSON.parse(m.activity).text)).toEqual([expect.stringMatching(/^Dzień dobry, tu Anna Nowak z Biura Obsługi Klienta/), 'W czym mogę pomóc?']);
    expect(await axe()).toEqual([]);
    await page.getByTestId('handoff-release').click();
    await page.locator('[data-testid="case-status"]', { hasText: 'Załatwiona' }).waitFor();
    expect((await env.app.services.chats.byId(chat.id))!.handoffState).toBe('bot');
  });

  it('had no script errors and no CSP violations', () => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
