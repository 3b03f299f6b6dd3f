/**
 * Adaptive Cards for the structured answers (balance with its invoices, payment details with the QR
 * code, the consumption table with its chart), built from the answer's own text in Kropla's markup
 * (see `./markup`), so the card and the plain-text fallback never say different things.
 *
 * A dialog calls {@link withCard} on the activity it sends. The activity keeps its text and files;
 * the card rides along as one more attachment. Channels that render Adaptive Cards (Web Chat, Teams)
 * show the card instead of the text ({@link showsCardInsteadOfText}); Telegram ignores the card
 * and shows the text as HTML with the file as a photo.
 *
 * @example
 * await ctx.sendActivity(withCard(fileActivity(text, png, 'image/png', 'przelew-qr.png'), { imageAlt: 'Kod QR do zapłaty 187,45 zł' }));
 */
import type { Activity, Attachment } from 'botbuilder';
import { parseMarkup, spansText, toPlainText, type Span } from './markup';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
/** Adaptive Cards schema version used (Teams and Web Chat both render 1.5). */
export const CARD_VERSION = '1.5';

/** One Adaptive Card element (the subset Kropla builds). */
export type CardElement = Record<string, unknown> & { type: string };

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardElement[];
  fallbackText: string;
  speak?: string;
}

export interface CardOptions {
  /** What the answer's image shows, said in words ("Kod QR do zapłaty 187,45 zł"); required when it has one. */
  imageAlt?: string;
  /** Where the image goes: after the heading (a chart) or at the end (a QR code, after its hint). */
  imagePlacement?: 'afterHeading' | 'end';
  /** `stretch`: the full width of the card (charts); `auto`: natural size, never wider than the card (QR). */
  imageSize?: 'stretch' | 'auto';
}

/** What the card says in `channelData` so Web Chat shows only the card (the text is its fallback). */
export interface KroplaChannelData {
  kropla?: { textInCard?: boolean };
}

/** `**bold**` and code spans as Adaptive Card markdown (TextBlocks render bold). */
function cardMarkdown(spans: Span[]): string {
  return spans.map((s) => (s.bold ? `**${s.text.replace(/\*/g, '')}**` : s.text.replace(/([*_])/g, '\\$1'))).join('');
}

const LABELLED = /^([^:]{1,48}):\s+(.+)$/;

/** A line `label: value` as a fact, or null. */
function fact(spans: Span[]): { title: string; value: string } | null {
  const m = LABELLED.exec(spansText(spans));
  if (!m) return null;
  // values keep their bold (FactSet values render markdown); labels stay plain
  const full = cardMarkdown(spans);
  const colon = full.indexOf(':');
  return { title: m[1].replace(/\*/g, ''), value: full.slice(colon + 1).trim() };
}

function textBlock(text: string, extra: Record<string, unknown> = {}): CardElement {
  return { type: 'TextBlock', text, wrap: true, spacing: 'Small', ...extra };
}

/** Labels longer than this do not fit a FactSet's left column on a phone: such lists are stacked. */
const SHORT_LABEL = 14;

/**
 * Lines `label: value` (3 or more in a row, or any list of them) as a FactSet — or, when a label is
 * long (an invoice number, „numer rachunku (indywidualny)”), as label-over-value pairs; the rest as TextBlocks.
 */
function linesToElements(lines: Span[][], asList: boolean): CardElement[] {
  const facts = lines.map(fact);
  if (!facts.every((f) => f !== null) || !(asList || lines.length >= 3)) return lines.map((l) => textBlock(asList ? `• ${cardMarkdown(l)}` : cardMarkdown(l)));
  const all = facts as { title: string; value: string }[];
  if (all.every((f) => f.title.length <= SHORT_LABEL)) return [{ type: 'FactSet', spacing: 'Medium', facts: all }];
  return all.map((f, i) => ({
    type: 'Container',
    spacing: i === 0 ? 'Medium' : 'Small',
    items: [
      textBlock(f.title, { weight: 'Bolder', spacing: 'None' }),
      textBlock(f.value, { spacing: 'None', ...(/^`?(?:PL ?)?\d{2}(?: ?\d{4}){6}`?$/.test(f.value) ? { fontType: 'Monospace' } : {}) }),
    ],
  }));
}

/**
 * The Adaptive Card of an answer: the first line as its heading, `label: value` lists and tables
 * as FactSets, other lines as wrapped TextBlocks, and the image (a `data:` URL or link) with its alt text.
 */
export function answerCard(text: string, image?: { url: string; alt: string }, opts: CardOptions = {}): AdaptiveCard {
  const body: CardElement[] = [];
  const blocks = parseMarkup(text);
  blocks.forEach((b, bi) => {
    const start = body.length;
    const separate = () => {
      if (bi > 0 && body[start] && body[start].spacing !== 'Medium') body[start].spacing = 'Medium';
    };
    if (b.kind === 'list') {
      body.push(...linesToElements(b.items, true));
      separate();
      return;
    }
    let lines = b.lines;
    if (bi === 0 && lines.length) {
      body.push(textBlock(spansText(lines[0]), { size: 'Medium', weight: 'Bolder', spacing: 'None', style: 'heading' }));
      lines = lines.slice(1);
      if (image && opts.imagePlacement === 'afterHeading') body.push(imageElement(image, opts));
    }
    // the run of `label: value` lines inside a paragraph (a table), the other lines around it
    let run: Span[][] = [];
    const flush = () => {
      if (run.length) body.push(...linesToElements(run, false));
      run = [];
    };
    for (const line of lines) {
      if (fact(line)) run.push(line);
      else {
        flush();
        body.push(textBlock(cardMarkdown(line)));
      }
    }
    flush();
    separate();
  });
  if (image && opts.imagePlacement !== 'afterHeading') body.push(imageElement(image, opts));
  const plain = toPlainText(text);
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: CARD_VERSION, body, fallbackText: plain, speak: plain };
}

function imageElement(image: { url: string; alt: string }, opts: CardOptions): CardElement {
  return { type: 'Image', url: image.url, altText: image.alt, size: opts.imageSize ?? 'auto', horizontalAlignment: 'Center', spacing: 'Medium' };
}

/**
 * The activity with its answer as an Adaptive Card too: built from its text and its first image
 * attachment (which the card shows with `imageAlt`). Text and files stay for channels without cards.
 */
export function withCard(activity: Partial<Activity>, opts: CardOptions = {}): Partial<Activity> {
  const text = activity.text ?? '';
  const img = activity.attachments?.find((a) => a.contentType?.startsWith('image/') && a.contentUrl);
  if (img && !opts.imageAlt) throw new Error('withCard: an image needs imageAlt (what it shows, in words)');
  const image = img?.contentUrl && opts.imageAlt ? { url: img.contentUrl, alt: opts.imageAlt } : undefined;
  const card: Attachment = { contentType: ADAPTIVE_CARD, content: answerCard(text, image, opts) };
  const cd = (activity.channelData ?? {}) as Record<string, unknown> & KroplaChannelData;
  const channelData = { ...cd, kropla: { ...(cd.kropla ?? {}), textInCard: true } };
  return { ...activity, attachments: [...(activity.attachments ?? []), card], channelData };
}

/** Whether the activity carries its whole answer in an Adaptive Card (see {@link withCard}). */
export function showsCardInsteadOfText(activity: Partial<Activity>): boolean {
  const cd = activity.channelData as KroplaChannelData | undefined;
  return cd?.kropla?.textInCard === true && !!activity.attachments?.some((a) => a.contentType === ADAPTIVE_CARD);
}

/** Every string in a card's JSON passed through `fn` (image URLs rewritten, made absolute). */
export function mapCardStrings<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => mapCardStrings(v, fn)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapCardStrings(v, fn)])) as T;
  return value;
}

/**
 * For a channel that renders the card: the activity without the files the card already shows
 * (no image twice). The text stays, as the fallback for clients without cards.
 */
export function cardOnlyAttachments(activity: Partial<Activity>): Partial<Activity> {
  if (!showsCardInsteadOfText(activity)) return activity;
  const cards = (activity.attachments ?? []).filter((a) => a.contentType === ADAPTIVE_CARD);
  const inCard = new Set<string>();
  for (const c of cards) mapCardStrings(c.content, (s) => (inCard.add(s), s));
  return { ...activity, attachments: (activity.attachments ?? []).filter((a) => a.contentType === ADAPTIVE_CARD || !a.contentUrl || !inCard.has(a.contentUrl)) };
}
