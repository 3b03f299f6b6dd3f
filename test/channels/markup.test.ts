/**
 * Kropla's one message format rendered per channel: Web Chat Markdown (run through markdown-it,
 * the parser Web Chat uses, so "on separate lines" is checked on real output), Telegram HTML
 * against the fake Bot API's strict parser, Teams HTML — and the Adaptive Card built from the same text.
 */
import MarkdownIt from 'markdown-it';
import { parseTelegramHtml } from '../support/fake-telegram';
import { escapeMarkdown, parseMarkup, toMarkdown, toPlainText, toTeamsHtml, toTelegramHtml } from '../../src/channels/markup';
import { ADAPTIVE_CARD, answerCard, cardOnlyAttachments, showsCardInsteadOfText, withCard } from '../../src/channels/cards';
import { t } from '../../src/i18n/i18n';
import { forTeams } from '../../src/channels/botframework';

/** Web Chat 4.18 renders bot Markdown with markdown-it with these options (raw HTML on: ours must be escaped). */
const md = new MarkdownIt({ html: true, linkify: true, breaks: false, typographer: true, xhtmlOut: true });

const BALANCE = [
  t('pl', 'balance.owed', { amount: '187,45 zł' }),
  t('pl', 'balance.overdueHeader', { n: 2 }),
  t('pl', 'balance.overdueLine', { number: 'FV/2026/09/000101', amount: '86,48 zł', due: '03.10.2026' }),
  t('pl', 'balance.overdueLine', { number: 'FV/2026/10/000102', amount: '100,97 zł', due: '03.11.2026' }),
  t('pl', 'balance.overdueNote'),
].join('\n');

const PAYMENT = `${t('pl', 'payment.details', {
  recipient: 'Katowickie Wodociągi S.A.', account: '72 1090 1014 0000 0000 0010 0002', amount: '187,45 zł', title: t('pl', 'payment.title', { customerNumber: '100002' }), due: '03.10.2026',
})}\n\n${t('pl', 'payment.qrHint')}`;

const CONSUMPTION = ['Zużycie wody od 01.12.2025 do 30.11.2026: **98,500 m³**.', 'gru 2025: 8,100 m³', 'sty 2026: 8,400 m³ *', 'lut 2026: 7,900 m³', t('pl', 'consumption.estimatedNote')].join('\n');

describe('parseMarkup', () => {
  it('reads lines, • and "- " list items, blank lines and **bold**', () => {
    const blocks = parseMarkup('Nagłówek **ważny**\ndruga linia\n• jeden\n- dwa\n\nNowy akapit');
    expect(blocks.map((b) => b.kind)).toEqual(['paragraph', 'list', 'paragraph']);
    expect(blocks[0].kind === 'paragraph' && blocks[0].lines[0]).toEqual([{ text: 'Nagłówek ' }, { text: 'ważny', bold: true }]);
    expect(blocks[1].kind === 'list' && blocks[1].items.length).toBe(2);
  });

  it('marks an account number as code (copied in one tap)', () => {
    const [b] = parseMarkup('Rachunek: 72 1090 1014 0000 0000 0010 0002.');
    expect(b.kind === 'paragraph' && b.lines[0]).toEqual([{ text: 'Rachunek: ' }, { text: '72 1090 1014 0000 0000 0010 0002', code: true }, { text: '.' }]);
  });

  it('plain text keeps the words and the bullets', () => {
    expect(toPlainText(BALANCE)).toContain('• FV/2026/09/000101: 86,48 zł, termin minął 03.10.2026\n• FV/2026/10/000102');
    expect(toPlainText(BALANCE)).not.toContain('**');
  });
});

describe('Web Chat Markdown', () => {
  it('the balance: every overdue invoice a list item of its own, the rest separate paragraphs', () => {
    const html = md.render(toMarkdown(BALANCE));
    const items = [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
    expect(items).toEqual(['FV/2026/09/000101: 86,48 zł, termin minął 03.10.2026', 'FV/2026/10/000102: 100,97 zł, termin minął 03.11.2026']);
    expect(html).toContain('<strong>187,45 zł</strong>');
    expect(html.match(/<p>/g)?.length).toBe(2);
  });

  it('the payment details: five list items; the account number as code', () => {
    const html = md.render(toMarkdown(PAYMENT));
    const items = [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
    expect(items).toHaveLength(5);
    expect(items[1]).toBe('numer rachunku (indywidualny): <code>72 1090 1014 0000 0000 0010 0002</code>');
    expect(items[2]).toBe('kwota: <strong>187,45 zł</strong>');
  });

  it('table lines break where they break in the text; a leading "*" stays a footnote, not a list', () => {
    const html = md.render(toMarkdown(CONSUMPTION));
    expect(html).toContain('gru 2025: 8,100 m³<br />');
    expect(html).toContain('sty 2026: 8,400 m³ *<br />');
    expect(html).not.toContain('<li>');
    expect(html).toContain('* część miesiąca');
  });

  it('escapes what Markdown would take for markup', () => {
    const html = md.render(toMarkdown('1. nie lista\n# nie nagłówek\n_a_ [b](c) <i>x</i>'));
    expect(html).not.toMatch(/<ol>|<h1>|<em>|<a |<i>/);
    expect(escapeMarkdown('a*b_c')).toBe('a\\*b\\_c');
  });
});

describe('Telegram HTML (the fake Bot API’s strict parser)', () => {
  it('the balance: bold, each invoice on its own • line', () => {
    const html = toTelegramHtml(BALANCE);
    const parsed = parseTelegramHtml(html);
    expect(parsed.ok).toBe(true);
    expect(html).toContain('Do zapłaty: <b>187,45 zł</b>.');
    const lines = parsed.ok ? parsed.text.split('\n') : [];
    expect(lines.filter((l) => l.startsWith('• FV/'))).toHaveLength(2);
  });

  it('the payment: the account number in <code>, the hint a paragraph apart', () => {
    const html = toTelegramHtml(PAYMENT);
    expect(parseTelegramHtml(html).ok).toBe(true);
    expect(html).toContain('• numer rachunku (indywidualny): <code>72 1090 1014 0000 0000 0010 0002</code>');
    expect(html).toContain('\n\nKod QR');
    expect(html.startsWith('Dane do przelewu:\n• odbiorca')).toBe(true);
  });

  it('escapes what the strict parser rejects', () => {
    const html = toTelegramHtml('a < b && c > d **<x>**');
    expect(html).toBe('a &lt; b &amp;&amp; c &gt; d <b>&lt;x&gt;</b>');
    expect(parseTelegramHtml(html)).toEqual({ ok: true, text: 'a < b && c > d <x>' });
  });
});

describe('Teams HTML', () => {
  it('paragraphs, lists and bold in the subset Teams renders', () => {
    const html = toTeamsHtml(BALANCE);
    expect(html).toMatch(/^<p>Do zapłaty: <b>187,45 zł<\/b>\.<br>/);
    expect(html.match(/<li>/g)).toHaveLength(2);
    expect(toTeamsHtml('a < b')).toBe('<p>a &lt; b</p>');
  });

  it('an answer with a card goes to Teams as the card alone; other texts as HTML', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const activity = withCard({ type: 'message', text: PAYMENT, attachments: [{ contentType: 'image/png', contentUrl: png, name: 'przelew-qr.png' }] }, { imageAlt: 'Kod QR do zapłaty 187,45 zł' });
    const teams = forTeams(activity);
    expect(teams.text).toBeUndefined();
    expect(teams.attachments?.map((a) => a.contentType)).toEqual([ADAPTIVE_CARD]);
    expect(forTeams({ type: 'message', text: '**x**\ny' })).toMatchObject({ text: '<p><b>x</b><br>y</p>', textFormat: 'xml' });
  });
});

describe('Adaptive Cards from the same text', () => {
  /** The label-over-value pairs of a card (long labels do not fit a FactSet on a phone). */
  const pairs = (card: ReturnType<typeof answerCard>) =>
    card.body.filter((e) => e.type === 'Container').map((c) => (c.items as { text: string }[]).map((i) => i.text));

  it('the balance card: heading, each invoice its number over its amount and due date, the note', () => {
    const card = answerCard(BALANCE);
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: 'Do zapłaty: 187,45 zł.', weight: 'Bolder' });
    expect(pairs(card)).toEqual([
      ['FV/2026/09/000101', '86,48 zł, termin minął 03.10.2026'],
      ['FV/2026/10/000102', '100,97 zł, termin minął 03.11.2026'],
    ]);
    expect(card.body[card.body.length - 1]).toMatchObject({ type: 'TextBlock', text: t('pl', 'balance.overdueNote') });
    expect(card.fallbackText).toBe(toPlainText(BALANCE));
  });

  it('the payment card: details as facts, the QR with its alt text; the file is not shown twice', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const activity = withCard({ type: 'message', text: PAYMENT, attachments: [{ contentType: 'image/png', contentUrl: png, name: 'przelew-qr.png' }] }, { imageAlt: 'Kod QR do zapłaty 187,45 zł' });
    expect(showsCardInsteadOfText(activity)).toBe(true);
    expect(activity.text).toBe(PAYMENT);
    const card = activity.attachments?.find((a) => a.contentType === ADAPTIVE_CARD)?.content as ReturnType<typeof answerCard>;
    expect(pairs(card).map((p) => p[0])).toEqual(['odbiorca', 'numer rachunku (indywidualny)', 'kwota', 'tytuł', 'termin płatności']);
    // the account number alone in its block, in a monospaced face: easy to read out and to select
    const account = card.body.filter((e) => e.type === 'Container')[1].items as Record<string, unknown>[];
    expect(account[1]).toMatchObject({ text: '72 1090 1014 0000 0000 0010 0002', fontType: 'Monospace' });
    expect(card.body.find((e) => e.type === 'Image')).toMatchObject({ url: png, altText: 'Kod QR do zapłaty 187,45 zł', size: 'auto' });
    expect(cardOnlyAttachments(activity).attachments?.map((a) => a.contentType)).toEqual([ADAPTIVE_CARD]);
  });

  it('the consumption card: the months as a table of facts, the chart after the heading', () => {
    const card = answerCard(CONSUMPTION, { url: 'data:image/png;base64,AA==', alt: 'Wykres' }, { imagePlacement: 'afterHeading', imageSize: 'stretch' });
    expect(card.body.map((e) => e.type)).toEqual(['TextBlock', 'Image', 'FactSet', 'TextBlock']);
    const facts = card.body[2] as unknown as { facts: { title: string; value: string }[] };
    expect(facts.facts[1]).toEqual({ title: 'sty 2026', value: '8,400 m³ \\*' });
  });

  it('an image without alt text is refused', () => {
    expect(() => withCard({ type: 'message', text: 'x', attachments: [{ contentType: 'image/png', contentUrl: 'data:image/png;base64,AA==' }] })).toThrow(/imageAlt/);
  });
});
