/**
 * The outages view of the staff desk in a real Chromium: a supervisor fills in a notice with two streets
 * (adding and removing rows), previews the audience (nothing stored), publishes after a confirmation,
 * follows the delivery state, sends an update and ends it ("Woda wróciła") with the keyboard.
 * WCAG 2.1 AA by axe-core on the view. Fails (not skips) without Chromium under CI.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { OutageNotice, OutboxMessage } from '../../models';
import { addStaff, PASSWORD, startApp, type TestEnv } from '../staff/helpers';

jest.setTimeout(120_000);

const available = chromiumAvailable();
const describeBrowser = available ? describe : describe.skip;

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

describeBrowser('outages in the staff desk (Chromium)', () => {
  let env: TestEnv;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  const chatIds: number[] = [];
  let noticeId = 0;

  const axe = async () => {
    const r = await new AxeBuilder({ page }).withTags(WCAG).analyze();
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };
  const subscribe = async (street: string, building: string) => {
    const chat = await env.app.services.chats.touch({ channel: 'telegram', conversationId: `ob-${street}-${building}`, userId: `ob-${street}-${building}`, reference: {}, locale: 'pl' });
    await env.app.services.outages.subscribeAddress(chat.id, street, building);
    return chat.id;
  };
  const outbox = () => env.app.ds.getRepository(OutboxMessage).find({ where: { noticeId }, order: { id: 'ASC' } });
  const item = () => page.locator(`[data-testid="outage-item"][data-notice-id="${noticeId}"]`);

  beforeAll(async () => {
    env = await startApp();
    await addStaff(env.app, 'boss@kw.test', 'supervisor', 'Bożena Kierownik');
    chatIds.push(await subscribe('Mikołowska', '3'), await subscribe('Mikołowska', '15'), await subscribe('Dworcowa', '12'));
    await subscribe('Mikołowska', '4'); // even side: not covered
    await subscribe('Stawowa', '1'); // the street row that gets removed
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${env.url}/staff`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByTestId('login-email').fill('boss@kw.test');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('queue').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });

  it('opens the outages view from the navigation, with the form and no accessibility violations', async () => {
    await page.getByTestId('nav-outages').click();
    await page.getByTestId('outages-heading').waitFor();
    await expect(page.getByTestId('outages-heading').textContent()).resolves.toBe('Awarie i wyłączenia wody');
    await page.waitForFunction(() => document.activeElement?.id === 'outages-heading');
    await expect(page.getByTestId('nav-outages').getAttribute('aria-current')).resolves.toBe('page');
    await page.getByTestId('outage-list-empty').waitFor();
    for (const label of ['Rodzaj', 'Tytuł', 'Treść komunikatu', 'Początek', 'Przewidywane zakończenie (opcjonalnie)', 'Miejsce beczkowozu (opcjonalnie)', 'Nazwa ulicy']) {
      await expect(page.getByLabel(label, { exact: true }).count()).resolves.toBe(1);
    }
    expect(await axe()).toEqual([]);
  });

  it('asks for a missing field before calling the server', async () => {
    await page.getByTestId('outage-preview-button').click();
    await page.getByTestId('outage-form-error').waitFor();
    await expect(page.getByTestId('outage-form-error').textContent()).resolves.toBe('Proszę wypełnić pole: Tytuł.');
    await expect(page.getByTestId('outage-title').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('outage-title');
  });

  it('fills the form with streets added and removed, previews the audience without storing anything', async () => {
    await page.getByTestId('outage-kind').selectOption('failure');
    await page.getByTestId('outage-title').fill('Awaria magistrali — Śródmieście');
    await page.getByTestId('outage-message').fill('Uszkodzenie rury <b>magistralnej</b>, trwa naprawa.');
    await page.getByTestId('outage-starts').fill('2026-11-25T08:00');
    await page.getByTestId('outage-ends').fill('2026-11-25T16:00');
    await page.getByTestId('outage-tanker').fill('ul. Mikołowska 10, przy szkole');
    const rows = page.getByTestId('street-row');
    await rows.nth(0).getByTestId('street-name').fill('Mikołowska');
    await rows.nth(0).getByTestId('street-from').fill('1');
    await rows.nth(0).getByTestId('street-to').fill('21');
    await rows.nth(0).getByTestId('street-parity').selectOption('odd');
    await page.getByTestId('outage-add-street').click();
    await page.getByTestId('outage-add-street').click();
    await expect(rows.count()).resolves.toBe(3);
    await rows.nth(1).getByTestId('street-name').fill('Stawowa');
    await rows.nth(2).getByTestId('street-name').fill('Dworcowa');
    await rows.nth(2).getByTestId('street-from').fill('10');
    await rows.nth(2).getByTestId('street-to').fill('20');
    await rows.nth(2).getByTestId('street-parity').selectOption('even');
    // Remove the Stawowa row: the Dworcowa row becomes "Ulica 2".
    await page.getByRole('button', { name: 'Usuń ulicę 2' }).click();
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(1).locator('legend').textContent()).resolves.toBe('Ulica 2');
    await expect(rows.nth(1).getByTestId('street-name').inputValue()).resolves.toBe('Dworcowa');

    // A house number the server refuses (400 naming streets[1].to) is pointed out at the right input.
    await rows.nth(1).getByTestId('street-to').fill('dwadzieścia');
    await page.getByTestId('outage-preview-button').click();
    await page.locator('[data-testid="outage-form-error"]', { hasText: 'Proszę poprawić pole: Ulica 2 — Do numeru (opcjonalnie).' }).waitFor();
    await expect(rows.nth(1).getByTestId('street-to').getAttribute('aria-invalid')).resolves.toBe('true');
    await rows.nth(1).getByTestId('street-to').fill('20');

    await page.getByTestId('outage-preview-button').click();
    await page.locator('[data-testid="outage-preview"]', { hasText: 'Powiadomienie trafi do 3 czatów z subskrypcją alertów.' }).waitFor();
    await expect(page.getByTestId('outage-form-error').isHidden()).resolves.toBe(true);
    expect(await env.app.ds.getRepository(OutageNotice).count()).toBe(0);
    expect(await env.app.ds.getRepository(OutboxMessage).count()).toBe(0);
    expect(await axe()).toEqual([]);
  });

  it('publishes after a confirmation and shows the notice with its delivery state', async () => {
    await page.getByTestId('outage-publish').click();
    await page.getByTestId('outage-confirm').waitFor();
    await expect(page.getByTestId('outage-confirm').textContent()).resolves.toContain('Czy opublikować powiadomienie „Awaria magistrali — Śródmieście”? Powiadomienie trafi do 3 czatów');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('outage-confirm-yes');
    expect(await env.app.ds.getRepository(OutageNotice).count()).toBe(0);
    expect(await axe()).toEqual([]);
    await page.getByTestId('outage-confirm-yes').click();
    await page.getByTestId('outage-item').first().waitFor();

    const [notice] = await env.app.ds.getRepository(OutageNotice).find({ relations: { streets: true } });
    noticeId = notice.id;
    expect(notice).toMatchObject({ kind: 'failure', title: 'Awaria magistrali — Śródmieście', tankerLocation: 'ul. Mikołowska 10, przy szkole' });
    expect(notice.startsAt.toISOString()).toBe('2026-11-25T07:00:00.000Z');
    expect(notice.expectedEndAt!.toISOString()).toBe('2026-11-25T15:00:00.000Z');
    expect(notice.streets.map((s) => [s.street, s.fromBuilding, s.toBuilding, s.parity]).sort()).toEqual([['Dworcowa', '10', '20', 'even'], ['Mikołowska', '1', '21', 'odd']]);
    const rows = await outbox();
    expect(rows.map((m) => m.chatId).sort((a, b) => a - b)).toEqual([...chatIds].sort((a, b) => a - b));

    await page.locator('[data-testid="announcer"]', { hasText: 'Powiadomienie opublikowane. Wiadomości w kolejce do wysłania: 3.' }).waitFor();
    // Focus moves to the new notice's heading.
    await page.waitForFunction((id) => document.activeElement?.id === `outage-h-${id}`, noticeId);
    await expect(item().getByTestId('outage-status').textContent()).resolves.toBe('Trwa');
    await expect(item().getByTestId('outage-delivery').textContent()).resolves.toContain('w kolejce: 3');
    // The message is shown as text, not HTML.
    await expect(item().locator('b').count()).resolves.toBe(0);
    await expect(item().textContent()).resolves.toContain('Uszkodzenie rury <b>magistralnej</b>');
    // The form is empty again for the next notice.
    await expect(page.getByTestId('outage-title').inputValue()).resolves.toBe('');
    await expect(page.getByTestId('street-row').count()).resolves.toBe(1);

    // Two were delivered, one failed: the refreshed list says so.
    await env.app.ds.getRepository(OutboxMessage).update({ id: rows[0].id }, { status: 'sent', sentAt: new Date() });
    await env.app.ds.getRepository(OutboxMessage).update({ id: rows[1].id }, { status: 'sent', sentAt: new Date() });
    await env.app.ds.getRepository(OutboxMessage).update({ id: rows[2].id }, { status: 'failed' });
    await page.getByTestId('outages-refresh').click();
    await item().locator('[data-testid="outage-delivery"] [data-state="sent"]', { hasText: 'wysłane: 2' }).waitFor();
    await expect(item().locator('[data-testid="outage-delivery"] [data-state="failed"]').textContent()).resolves.toBe('nieudane: 1');
    await expect(item().locator('[data-testid="outage-delivery"] [data-state="queued"]').textContent()).resolves.toBe('w kolejce: 0');
    expect(await axe()).toEqual([]);
  });

  it('sends an update of the tanker location to the same audience', async () => {
    await item().getByTestId('outage-update-tanker').fill('pl. Wolności, róg Mikołowskiej');
    await item().getByTestId('outage-update-send').click();
    await page.locator('[data-testid="announcer"]', { hasText: 'Aktualizacja wysłana. Wiadomości w kolejce do wysłania: 3.' }).waitFor();
    await expect(item().textContent()).resolves.toContain('pl. Wolności, róg Mikołowskiej');
    const rows = await outbox();
    expect(rows).toHaveLength(6);
    const updates = rows.slice(3);
    expect(updates.every((m) => (JSON.parse(m.activity) as { text: string }).text.includes('pl. Wolności, róg Mikołowskiej'))).toBe(true);
  });

  it('ends the notice with the keyboard after a confirmation ("Woda wróciła")', async () => {
    await item().getByTestId('outage-end').focus();
    await page.keyboard.press('Enter');
    await item().getByTestId('outage-end-confirm').waitFor();
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('outage-end-yes');
    expect(await axe()).toEqual([]);
    await page.keyboard.press('Enter');
    await item().locator('[data-testid="outage-status"]', { hasText: 'Zakończone:' }).waitFor();
    await expect(item().getByTestId('outage-end').count()).resolves.toBe(0);
    expect((await env.app.services.outages.byId(noticeId))!.endedAt).not.toBeNull();
    const rows = await outbox();
    expect(rows).toHaveLength(9);
    expect(rows.slice(6).every((m) => (JSON.parse(m.activity) as { text: string }).text.includes('Woda wróciła'))).toBe(true);
    expect(new Set(rows.map((m) => m.idempotencyKey)).size).toBe(9);
    expect(await axe()).toEqual([]);
  });

  it('had no script errors and no CSP violations', () => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
