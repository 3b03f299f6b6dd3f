/**
 * Kropla's one message format and its renderers per channel. Customer texts in `locales/` are
 * written in a small markup — lines, blank lines between paragraphs, `•` (or `- `) list items,
 * `**bold**` — and each channel renders it for its platform:
 *
 * - {@link toMarkdown}: Web Chat (markdown-it, where a single newline is not a break) — hard line
 *   breaks, real list syntax, everything else escaped;
 * - {@link toTelegramHtml}: Telegram's HTML parse mode — escaped, `<b>`, account numbers in `<code>`
 *   (tap to copy);
 * - {@link toTeamsHtml}: Teams (`textFormat: 'xml'`) — `<br>`, `<ul><li>`, `<b>`.
 *
 * A bank account number (`61 1090 1014 0000 0712 1981 2874`) is recognised as a code span, so that
 * every channel can make it easy to copy.
 *
 * @example
 * toMarkdown('Dane do przelewu:\n• kwota: **12,00 zł**') // → 'Dane do przelewu:\n\n- kwota: **12,00 zł**'
 */

/** A run of text: plain, bold or code (an account number). */
export interface Span {
  text: string;
  bold?: boolean;
  code?: boolean;
}

/** A block: a paragraph of lines (kept as line breaks), or a list of items. */
export type Block = { kind: 'paragraph'; lines: Span[][] } | { kind: 'list'; items: Span[][] };

const ITEM = /^\s*(?:•|-\s)\s*/;
/** A Polish account number (NRB/IBAN), with or without spaces and `PL`. */
const ACCOUNT = /\b(?:PL ?)?\d{2}(?: ?\d{4}){6}\b/g;

/** The spans of one line: `**bold**` runs and account numbers. */
export function parseLine(line: string): Span[] {
  const spans: Span[] = [];
  const parts = line.split(/\*\*([\s\S]+?)\*\*/g);
  parts.forEach((part, i) => {
    if (!part) return;
    const bold = i % 2 === 1;
    let last = 0;
    for (const m of part.matchAll(ACCOUNT)) {
      const at = m.index ?? 0;
      if (at > last) spans.push({ text: part.slice(last, at), ...(bold ? { bold } : {}) });
      spans.push({ text: m[0], code: true, ...(bold ? { bold } : {}) });
      last = at + m[0].length;
    }
    if (last < part.length) spans.push({ text: part.slice(last), ...(bold ? { bold } : {}) });
  });
  return spans;
}

/** Parses Kropla's markup into paragraphs and lists (blank lines separate paragraphs). */
export function parseMarkup(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    if (!line.trim()) {
      current = null;
      continue;
    }
    if (ITEM.test(line)) {
      const spans = parseLine(line.replace(ITEM, ''));
      if (current?.kind !== 'list') blocks.push((current = { kind: 'list', items: [] }));
      current.items.push(spans);
    } else {
      const spans = parseLine(line.trim());
      if (current?.kind !== 'paragraph') blocks.push((current = { kind: 'paragraph', lines: [] }));
      current.lines.push(spans);
    }
  }
  return blocks;
}

/** The text without markup (what a customer reads): bold markers dropped, list items with `•`. */
export function toPlainText(text: string): string {
  return parseMarkup(text)
    .map((b) => (b.kind === 'list' ? b.items.map((i) => `• ${spansText(i)}`) : b.lines.map(spansText)).join('\n'))
    .join('\n\n');
}

export function spansText(spans: Span[]): string {
  return spans.map((s) => s.text).join('');
}

// ---------------------------------------------------------------------------------- Markdown

/** Escapes what CommonMark would read as markup, keeping the text readable. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\\`*_[\]<>~|]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(\s)/, '$1\\$2$3');
}

function markdownSpans(spans: Span[]): string {
  return spans
    .map((s) => {
      const inner = s.code ? `\`${s.text}\`` : escapeMarkdown(s.text);
      return s.bold ? `**${inner}**` : inner;
    })
    .join('');
}

/**
 * Kropla's markup as CommonMark for Web Chat: lines of a paragraph end in a hard break, lists are
 * `- ` items set apart by blank lines, other markup characters are escaped.
 */
export function toMarkdown(text: string): string {
  return parseMarkup(text)
    .map((b) => (b.kind === 'list' ? b.items.map((i) => `- ${markdownSpans(i)}`).join('\n') : b.lines.map(markdownSpans).join('  \n')))
    .join('\n\n');
}

// ---------------------------------------------------------------------------------- HTML

/** Escapes `&`, `<`, `>` (Telegram's strict parser, Teams). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function htmlSpans(spans: Span[]): string {
  return spans
    .map((s) => {
      const inner = s.code ? `<code>${escapeHtml(s.text)}</code>` : escapeHtml(s.text);
      return s.bold ? `<b>${inner}</b>` : inner;
    })
    .join('');
}

/**
 * Kropla's markup as Telegram HTML (parse mode `HTML`): escaped, bold in `<b>`, account numbers in
 * `<code>` (Telegram copies them with one tap), list items as `•` lines, paragraphs apart by a blank line.
 */
export function toTelegramHtml(text: string): string {
  const blocks = parseMarkup(text);
  return blocks
    .map((b, i) => {
      const html = (b.kind === 'list' ? b.items.map((it) => `• ${htmlSpans(it)}`) : b.lines.map(htmlSpans)).join('\n');
      // a list right under its heading line ("Dane do przelewu:"), other blocks a blank line apart
      return i === 0 ? html : (b.kind === 'list' && blocks[i - 1].kind === 'paragraph' ? '\n' : '\n\n') + html;
    })
    .join('');
}

/** Kropla's markup as the HTML subset Teams shows in a message (`textFormat: 'xml'`). */
export function toTeamsHtml(text: string): string {
  return parseMarkup(text)
    .map((b) => (b.kind === 'list' ? `<ul>${b.items.map((i) => `<li>${htmlSpans(i)}</li>`).join('')}</ul>` : `<p>${b.lines.map(htmlSpans).join('<br>')}</p>`))
    .join('');
}
