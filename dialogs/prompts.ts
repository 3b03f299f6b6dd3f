/**
 * The prompts every dialog shares. Each validates one kind of answer; ids tell the bot what an
 * active prompt expects, so that a new task typed instead of an answer can interrupt
 * (but free text — a complaint's description — is never mistaken for a new task).
 */
import { type Activity, type Attachment, MessageFactory } from 'botbuilder';
import { type DialogSet, type DialogTurnResult, type PromptOptions, type PromptValidatorContext, type WaterfallStepContext, TextPrompt, AttachmentPrompt } from 'botbuilder-dialogs';
import { buttons, marked, turnInfo, type Slot } from './context';
import { markSlotUsed, promptSlot, readAnswer, readYesNo, slotFromTurn, type PromptSlot } from './slots';

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

/**
 * A validator from the slot registry: the prompt's slot (in its options) says which reader takes
 * the answer; a value found anywhere in the sentence becomes the prompt's result (typed: a boolean
 * for yes/no, litres for a reading, the chosen button's title, the e-mail itself…).
 */
function slotValidator(fallback: Slot) {
  return async (pc: PromptValidatorContext<string>): Promise<boolean> => {
    const said = text(pc);
    const spec: PromptSlot = promptSlot(pc.options) ?? { slot: fallback, titles: (pc.options.validations as ChoiceValidation | undefined)?.titles ?? [] };
    const { slot, titles } = spec;
    const info = turnInfo(pc.context);
    const nlu = info.nlu && info.nlu.text.trim() === said ? info.nlu : null;
    const value = readAnswer(slot, { text: said, nlu, titles, answers: spec.answers, attachments: pc.context.activity.attachments?.length ?? 0, mode: 'answer' }, spec.corrects, spec.correctTitles);
    // A meter photo answers the reading prompt (read by OCR in the reading dialog).
    if (slot === 'meterValue' && (pc.context.activity.attachments ?? []).some((a) => /^data:image\//i.test(a.contentUrl ?? ''))) {
      (pc.recognized as { value: unknown }).value = said;
      return true;
    }
    if (value === null) {
      // A prompt that handles what it cannot read itself (e.g. the e-mailed code: then the number is asked again).
      if (!(pc.options.validations as { acceptAny?: boolean } | undefined)?.acceptAny) return false;
      (pc.recognized as { value: unknown }).value = said;
      return true;
    }
    (pc.recognized as { value: unknown }).value = value;
    markSlotUsed(pc.context, slot);
    return true;
  };
}

export function addPrompts(set: DialogSet): void {
  set.add(new TextPrompt(PROMPT.freeText, slotValidator('description')));
  set.add(new TextPrompt(PROMPT.yesNo, slotValidator('yesNo')));
  set.add(new TextPrompt(PROMPT.choice, slotValidator('choice')));
  set.add(new TextPrompt(PROMPT.meterValue, slotValidator('meterValue')));
  set.add(new TextPrompt(PROMPT.code, slotValidator('linkCode')));
  set.add(new TextPrompt(PROMPT.customerNumber, slotValidator('customerNumber')));
  set.add(new TextPrompt(PROMPT.email, slotValidator('email')));
  set.add(new AttachmentPrompt(PROMPT.attachments, async (pc) => {
    if (pc.recognized.succeeded && (pc.recognized.value?.length ?? 0) > 0) return true;
    const said = (pc.context.activity.text ?? '').trim();
    return said.length > 0;
  }));
}

/** A yes/no prompt's result (a boolean, or a button's text) read as yes. */
export function isYes(result: unknown): boolean {
  return result === true || (typeof result === 'string' && readYesNo(result) === true);
}

/**
 * Asks with `promptId` unless this turn's message already gave the slot (slot filling from any
 * message): then the step goes on at once with that value.
 */
export async function ask(step: WaterfallStepContext, promptId: string, options: PromptOptions): Promise<DialogTurnResult> {
  const spec = promptSlot(options);
  if (spec) {
    const v = slotFromTurn(step.context, spec.slot, turnInfo(step.context).nlu, spec.titles);
    if (v !== null) return step.next(v);
  }
  return step.prompt(promptId, options);
}

/** Attachments of the current message, if any. */
export function attachmentsOf(activity: Partial<Activity>): Attachment[] {
  return (activity.attachments ?? []).filter((a) => typeof a.contentUrl === 'string' && a.contentUrl.startsWith('data:'));
}
