/**
 * DOM helpers. Everything customers wrote is inserted with textContent — never as HTML.
 */

export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | boolean | number | null | undefined>;

/** Creates an element. Strings among children become text nodes (never HTML); `text` sets textContent. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

/** The element with this id (the page's fixed skeleton: index.html). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing`);
  return node as T;
}

/** Says `msg` in the polite live region (cleared first so that the same text is announced again). */
export function announce(msg: string): void {
  const a = byId('announcer');
  a.textContent = '';
  window.setTimeout(() => { a.textContent = msg; }, 50);
}

const dateFmt = new Intl.DateTimeFormat('pl-PL', { timeZone: 'Europe/Warsaw', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat('pl-PL', { timeZone: 'Europe/Warsaw', day: '2-digit', month: '2-digit', year: 'numeric' });

export const fmtDate = (iso: string): string => dateFmt.format(new Date(iso));
export const fmtDay = (iso: string): string => dayFmt.format(new Date(iso));

/** A labelled form field: `<p class="field"><label for=id>…</label>control[help]</p>`. */
export function field(id: string, label: string, control: HTMLElement, help?: string): HTMLParagraphElement {
  control.id = id;
  if (help) control.setAttribute('aria-describedby', `${id}-help`);
  return el('p', { class: 'field' }, el('label', { for: id, text: label }), control, help ? el('span', { id: `${id}-help`, class: 'help', text: help }) : null);
}

/** Loads a same-origin script once (CSP script-src 'self'); rejects after `ms`. */
export function loadScript(src: string, ms = 4000): Promise<void> {
  const existing = document.querySelector(`script[src="${src}"]`);
  if (existing && (existing as HTMLScriptElement).dataset.loaded === 'true') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const s = existing as HTMLScriptElement | null ?? document.createElement('script');
    const timer = window.setTimeout(() => reject(new Error('timeout')), ms);
    s.addEventListener('load', () => { window.clearTimeout(timer); s.dataset.loaded = 'true'; resolve(); });
    s.addEventListener('error', () => { window.clearTimeout(timer); reject(new Error(`cannot load ${src}`)); });
    if (!existing) {
      s.src = src;
      document.head.append(s);
    }
  });
}
