/**
 * The prompts every dialog shares. Each validates one kind of answer; ids tell the bot what an
 * active prompt expects, so that a new task typed instead of an answer can interrupt
 * (but free text — a complaint's description — is never mistaken for a new task).
 */
import { type Activity, type Attachment, MessageFactory } from 'botbuilder';
import { type DialogSet, type PromptOptions, type PromptValidatorContext, TextPrompt, AttachmentPrompt } from 'botbuilder-dialogs';
import { parseMeterValue, MAX_METER_LITRES } from '../src/services/ReadingService';
import { normalizeLinkCode } from '../src/services/LinkService';
import { buttons, marked, type Slot } from './context';
import { matchChoice, parseYesNo } from './parsing';

export const PROMPT = {
  freeText: 'prompt.freeText',
  yesNo: 'prompt.yesNo',
  choice: 'prompt.choice',
  meterValue: 'prompt.meterValue',
  code: 'prompt.code',
  customerNumber: 'prompt.customerNumber',
  email: 'prompt.email',
  attachments: 'prompt.attachments',
} as const;

/** Prompts whose answer is free text: never interrupted by a guessed new task. */
export const FREE_TEXT_PROMPTS: readonly string[] = [PROMPT.freeText, PROMPT.attachments];

export interface ChoiceValidation {
  titles: string[];
}

/**
 * Prompt options with buttons; both the prompt and its retry carry what they expect (`slot`),
 * and the retry is marked as not understood.
 */
export function promptWith(slot: Slot, text: string, retry: string, actions: string[] = [], validations?: object): PromptOptions {
  const make = (s: string): Partial<Activity> => (actions.length ? MessageFactory.suggestedActions(buttons(actions), s) : MessageFactory.text(s));
  return { prompt: marked(make(text), { expects: slot }) as Activity, retryPrompt: marked(make(retry), { expects: slot, refusal: 'notUnderstood' }) as Activity, validations };
}

const text = (pc: PromptValidatorContext<string>) => (pc.recognized.succeeded ? (pc.recognized.value ?? '').trim() : '');

export function addPrompts(set: DialogSet): void {
  set.add(new TextPrompt(PROMPT.freeText, async (pc) => text(pc).length >= 3 || (pc.context.activity.attachments?.length ?? 0) > 0));
  set.add(new TextPrompt(PROMPT.yesNo, async (pc) => parseYesNo(text(pc)) !== null));
  set.add(new TextPrompt(PROMPT.choice, async (pc) => matchChoice(text(pc), (pc.options.validations as ChoiceValidation).titles) >= 0));
  set.add(new TextPrompt(PROMPT.meterValue, async (pc) => {
    if ((pc.context.activity.attachments ?? []).some((a) => /^data:image\//i.test(a.contentUrl ?? ''))) return true;
    const litres = parseMeterValue(text(pc));
    return litres !== null && litres >= 0 && litres <= MAX_METER_LITRES;
  }));
  set.add(new TextPrompt(PROMPT.code, async (pc) => normalizeLinkCode(text(pc)) !== null || /nie mam|brak kodu|no code|don.?t have|немає/i.test(text(pc))));
  set.add(new TextPrompt(PROMPT.customerNumber, async (pc) => /^\d{4,20}$/.test(text(pc).replace(/\s+/g, ''))));
  set.add(new TextPrompt(PROMPT.email, async (pc) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text(pc))));
  set.add(new AttachmentPrompt(PROMPT.attachments, async (pc) => {
    if (pc.recognized.succeeded && (pc.recognized.value?.length ?? 0) > 0) return true;
    const said = (pc.context.activity.text ?? '').trim();
    return said.length > 0;
  }));
}

/** Attachments of the current message, if any. */
export function attachmentsOf(activity: Partial<Activity>): Attachment[] {
  return (activity.attachments ?? []).filter((a) => typeof a.contentUrl === 'string' && a.contentUrl.startsWith('data:'));
}
