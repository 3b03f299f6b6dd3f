/**
 * `npm run screenshots`: every task's answer as a customer sees it, written as PNG files for a
 * person to review — Web Chat in real Chromium at 375 px and 1280 px (the widget panel after each
 * answer), and the same answers as the Telegram fake received them (its HTML rendered like a
 * Telegram chat), and the staff desk (queue, a case, Statystyki over a scripted set of conversations) as a
 * supervisor sees it at the same widths. Prints the folder (default `$TMPDIR/kropla-screenshots`, or `SCREENSHOTS_DIR`).
 *
 * @example
 * npm run screenshots            # → /tmp/kropla-screenshots/webchat-375-03-balance.png, …
 * SCREENSHOTS_ONLY=desk npm run screenshots   # → …/desk-1280-03-stats.png, …
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, launchChromium, openWidgetByKeyboard, sendChatMessage, startTestApp } from './browser';
import { importAnswersCustomer } from './answersFixture';
import { scriptConversations } from './deskStats';
import { addStaff, PASSWORD } from '../staff/helpers';
import { startTelegramHarness, TEST_ADMIN_TOKEN } from './fake-telegram/harness';
import type { SentMessage } from './fake-telegram';

/** The customer's messages, one per task answer (after linking the answers customer: two overdue invoices, a year of readings). */
export const SCREENSHOT_TASKS: { name: string; text: string }[] = [
  { name: 'balance', text: 'ile mam do zapłaty?' },
  { name: 'payment', text: 'dane do przelewu' },
  { name: 'consumption', text: 'pokaż zużycie wody za ostatni rok' },
  { name: 'invoices', text: 'faktury' },
  { name: 'readings', text: 'historia odczytów' },
  { name: 'reading-submit', text: 'podaję odczyt' },
  { name: 'cancel', text: 'anuluj' },
  { name: 'outage', text: 'czy jest awaria na Mikołowskiej 12?' },
  { name: 'case-status', text: 'status sprawy' },
  { name: 'forms', text: 'formularze' },
  { name: 'submeter', text: 'legalizacja podlicznika' },
  { name: 'contact', text: 'kontakt' },
  { name: 'help', text: 'co potrafisz?' },
];


/** Waits until the transcript has grown and then stayed the same for a moment. */
async function settle(page: Page, before: number): Promise<void> {
  const activities = '#kropla-chat-panel .webchat__basic-transcript__activity';
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel as string).length > (n as number), [activities, before] as const, { timeout: 20_000 }).catch(() => undefined);
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const now = await page.locator(activities).count();
    const imagesLoading = await page.evaluate(() => [...document.querySelectorAll('#kropla-chat-panel img')].some((img) => !(img as HTMLImageElement).complete));
    if (now === last && !imagesLoading) break;
    last = now;
    await page.waitForTimeout(400);
  }
  await page.waitForTimeout(300);
}

async function webChat(browser: Browser, url: string, width: number, out: string, files: string[]): Promise<void> {
  const context = await browser.newContext({ locale: 'pl-PL', viewport: { width, height: width < 500 ? 740 : 800 } });
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await openWidgetByKeyboard(page);
  const panel = page.locator('#kropla-chat-panel');
  const activities = page.locator('#kropla-chat-panel .webchat__basic-transcript__activity');
  await settle(page, 0);
  const shot = async (name: string, from?: number) => {
    const file = join(out, `webchat-${width}-${name}.png`);
    await panel.screenshot({ path: file });
    files.push(file);
    if (from === undefined) return;
    // the same answer scrolled to its start (a long answer does not fit the panel)
    const first = activities.nth(from);
    if (!(await first.count())) return;
    const fits = await first.evaluate((el) => {
      const scroller = el.closest('.webchat__basic-transcript__scrollable');
      return !scroller || el.getBoundingClientRect().top >= scroller.getBoundingClientRect().top;
    });
    if (fits) return;
    await first.evaluate((el) => el.scrollIntoView({ block: 'start', behavior: 'instant' }));
    const top = file.replace(/\.png$/, '-top.png');
    await panel.screenshot({ path: top });
    files.push(top);
  };
  await shot('00-greeting');
  await page.screenshot({ path: join(out, `webchat-${width}-00-page.png`) });
  files.push(join(out, `webchat-${width}-00-page.png`));
  const { code } = await importAnswersCustomer(url, ADMIN_TOKEN);
  let before = await activities.count();
  await sendChatMessage(page, code);
  await settle(page, before + 1);
  await shot('01-linked');
  let n = 2;
  for (const task of SCREENSHOT_TASKS) {
    before = await activities.count();
    await sendChatMessage(page, task.text);
    await settle(page, before + 1);
    // the newest answer at the bottom of the panel, as the customer sees it
    await shot(`${String(n++).padStart(2, '0')}-${task.name}`, before + 1);
  }
  await context.close();
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The bot's Telegram messages as a page that looks like a Telegram chat (HTML as Telegram shows it). */
function telegramPage(turns: { said: string; replies: SentMessage[] }[]): string {
  const bubbles = turns.map((t) => {
    const replies = t.replies.map((m) => {
      const body = m.method === 'sendMessage' ? (m.raw ?? '') : (m.caption ? m.raw ?? escape(m.caption) : '');
      const photo = m.method === 'sendPhoto' && m.file ? `<img src="data:${m.file.contentType};base64,${m.file.bytes.toString('base64')}" alt="">` : '';
      const doc = m.method === 'sendDocument' && m.file ? `<p class="doc">📄 ${escape(m.file.filename)}</p>` : '';
      const keyboard = (m.reply_markup?.inline_keyboard ?? []).map((row) => `<div class="row">${row.map((b) => `<span class="btn">${escape(b.text)}</span>`).join('')}</div>`).join('');
      return `<div class="bot">${photo}${doc}<div class="text">${body}</div>${keyboard ? `<div class="kb">${keyboard}</div>` : ''}</div>`;
    });
    return `<div class="me">${escape(t.said)}</div>${replies.join('')}`;
  });
  return `<!doctype html><html lang="pl"><meta charset="utf-8"><style>
    body { margin: 0; background: #d5e3ec; font: 15px/1.4 'Segoe UI', Arial, sans-serif; padding: 12px; }
    .me, .bot { max-width: 85%; margin: 6px 0; padding: 8px 10px; border-radius: 12px; box-shadow: 0 1px 1px rgba(0,0,0,.15); }
    .me { margin-left: auto; background: #e1ffc7; width: fit-content; }
    .bot { background: #fff; }
    .text { white-space: pre-wrap; overflow-wrap: anywhere; }
    .bot img { display: block; max-width: 100%; border-radius: 8px; margin-bottom: 6px; }
    .kb { margin-top: 6px; } .row { display: flex; gap: 4px; margin-top: 4px; }
    .btn { flex: 1; text-align: center; background: #e8f0f6; color: #2a6fa8; border-radius: 8px; padding: 6px; font-size: 14px; }
    blockquote { margin: 4px 0; padding-left: 8px; border-left: 3px solid #2a6fa8; }
  </style><body>${bubbles.join('')}</body></html>`;
}

async function telegram(browser: Browser, out: string, files: string[]): Promise<void> {
  const h = await startTelegramHarness();
  try {
    const user = h.fake.user({ language_code: 'pl', first_name: 'Anna' });
    const turns: { said: string; replies: SentMessage[] }[] = [];
    const say = async (text: string) => {
      const after = h.fake.mark();
      h.fake.sendText(user, text);
      await h.fake.waitForBotMessage(user.id, { after, timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 1200));
      turns.push({ said: text, replies: h.fake.messagesTo(user.id).filter((m) => m.seq > after) });
    };
    const { telegramDeepLink } = await importAnswersCustomer(h.app.url, TEST_ADMIN_TOKEN);
    await say(`/start ${new URL(telegramDeepLink).searchParams.get('start')}`);
    for (const task of SCREENSHOT_TASKS) await say(task.text);
    const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    for (const [i, turn] of turns.entries()) {
      const name = i === 0 ? 'linked' : SCREENSHOT_TASKS[i - 1].name;
      const html = telegramPage([turn]);
      const htmlFile = join(out, `telegram-${String(i + 1).padStart(2, '0')}-${name}.html`);
      writeFileSync(htmlFile, html);
      await page.setContent(html);
      const file = htmlFile.replace(/\.html$/, '.png');
      await page.screenshot({ path: file, fullPage: true });
      files.push(file);
    }
    await context.close();
  } finally {
    await h.stop();
  }
}

/** The widths every surface is shot at: a phone and a desktop. */
const WIDTHS = [375, 1280] as const;

/** The staff desk as a supervisor sees it: the queue, a case, and Statystyki (figures, charts, the misunderstood list). */
async function desk(browser: Browser, out: string, files: string[]): Promise<void> {
  const t = await startTestApp();
  try {
    const supervisor = await addStaff(t.app, 'ewa.szefowa@kw.test', 'supervisor', 'Ewa Szefowa');
    await scriptConversations(t.app, supervisor);
    await new Promise((r) => setTimeout(r, 1500));
    for (const width of WIDTHS) {
      const context = await browser.newContext({ locale: 'pl-PL', viewport: { width, height: width < 500 ? 740 : 900 } });
      const page = await context.newPage();
      const shot = async (name: string) => {
        const file = join(out, `desk-${width}-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        files.push(file);
      };
      await page.goto(`${t.url}/staff`);
      await page.waitForSelector('body[data-ready="true"]');
      await shot('00-login');
      await page.getByTestId('login-email').fill('ewa.szefowa@kw.test');
      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('queue-row').first().waitFor();
      await shot('01-queue');
      await page.getByTestId('open-case').first().click();
      await page.getByTestId('case-heading').waitFor();
      await shot('02-case');
      await page.getByTestId('nav-stats').click();
      await page.waitForSelector('[data-testid="stats-results"][data-charts]');
      await shot('03-stats');
      await context.close();
    }
  } finally {
    await t.stop();
  }
}

async function main(): Promise<void> {
  const out = process.env.SCREENSHOTS_DIR ?? join(tmpdir(), 'kropla-screenshots');
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  const browser = await launchChromium();
  const t = await startTestApp();
  try {
    // SCREENSHOTS_ONLY=desk (or webchat, telegram, comma-separated) shoots only those surfaces.
    const only = new Set((process.env.SCREENSHOTS_ONLY ?? 'webchat,telegram,desk').split(',').map((x) => x.trim()));
    if (only.has('webchat')) for (const width of WIDTHS) await webChat(browser, t.url, width, out, files);
    if (only.has('telegram')) await telegram(browser, out, files);
    if (only.has('desk')) await desk(browser, out, files);
  } finally {
    await t.stop();
    await browser.close();
  }
  process.stdout.write(`${files.length} screenshots in ${out}\n${files.map((f) => `  ${f}`).join('\n')}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`screenshots failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
