/**
 * Checks a Telegram `parse_mode: 'HTML'` text the way the Bot API does (supported tags, escaped
 * `<`, `>`, `&`, balanced tags) and returns the visible text, or the Bot API's error description.
 */

const TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'span', 'blockquote', 'tg-emoji']);
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export type HtmlCheck = { ok: true; text: string } | { ok: false; error: string };

/** Parses Telegram HTML; `text` is what the user sees. */
export function parseTelegramHtml(html: string): HtmlCheck {
  const stack: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '<') {
      const m = /^<(\/?)([a-z-]+)(\s[^<>]*)?>/i.exec(html.slice(i));
      if (!m) return { ok: false, error: `Bad Request: can't parse entities: Unsupported start tag at byte offset ${i}` };
      const name = m[2].toLowerCase();
      if (!TAGS.has(name)) return { ok: false, error: `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${i}` };
      if (m[1]) {
        if (stack.pop() !== name) return { ok: false, error: `Bad Request: can't parse entities: Unmatched end tag at byte offset ${i}, expected "</${stack[stack.length - 1] ?? ''}>", found "</${name}>"` };
      } else stack.push(name);
      i += m[0].length;
    } else if (ch === '>') {
      // Telegram tolerates a bare '>' in practice, but Kropla must escape it: treat it as an error here.
      return { ok: false, error: `Bad Request: can't parse entities: Unexpected ">" at byte offset ${i}` };
    } else if (ch === '&') {
      const m = /^&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/i.exec(html.slice(i));
      if (!m) return { ok: false, error: `Bad Request: can't parse entities: Can't find end of the entity starting at byte offset ${i}` };
      const e = m[1];
      if (e.startsWith('#x') || e.startsWith('#X')) text += String.fromCodePoint(parseInt(e.slice(2), 16));
      else if (e.startsWith('#')) text += String.fromCodePoint(parseInt(e.slice(1), 10));
      else if (NAMED[e.toLowerCase()] !== undefined) text += NAMED[e.toLowerCase()];
      else return { ok: false, error: `Bad Request: can't parse entities: Unsupported entity "${e}" at byte offset ${i}` };
      i += m[0].length;
    } else {
      text += ch;
      i++;
    }
  }
  if (stack.length) return { ok: false, error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${stack[stack.length - 1]}"` };
  return { ok: true, text };
}
