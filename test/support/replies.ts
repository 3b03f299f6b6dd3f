/** Reading the bot's replies in transcript tests: marks, the last reply, PDFs sent, all texts. */
import type { Activity } from 'botbuilder';

/** The Kropla marks of a reply (`channelData.kropla`: what a prompt expects, a refusal). */
export const kropla = (a: Partial<Activity> | undefined): { expects?: string; refusal?: string } => (a?.channelData as { kropla?: { expects?: string; refusal?: string } } | undefined)?.kropla ?? {};
export const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1];
/** File names of the PDFs among the replies. */
export const pdfs = (replies: Partial<Activity>[]): string[] => replies.flatMap((r) => (r.attachments ?? []).filter((a) => a.contentType === 'application/pdf').map((a) => a.name ?? ''));
export const texts = (replies: Partial<Activity>[]): string => replies.map((r) => r.text ?? '').join('\n');
