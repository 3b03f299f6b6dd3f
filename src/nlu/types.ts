/** Public types of the NLU module (re-exported from ./index). */
export type Lang = 'pl' | 'en' | 'uk';

export type NluEntity =
  | { type: 'meterValue'; litres: number; text: string }
  | { type: 'money'; grosze: number; text: string }
  | { type: 'invoiceNumber'; value: string; text: string }
  | { type: 'customerNumber'; value: string; text: string }
  | { type: 'caseNumber'; value: string; text: string }
  | { type: 'linkCode'; value: string; text: string }
  | { type: 'period'; from: string; to: string; text: string }
  | { type: 'address'; street: string; streetKey: string; building?: string; text: string };

export interface NluResult {
  text: string;
  language: Lang;
  intent: string;
  score: number;
  intents: { intent: string; score: number }[];
  entities: NluEntity[];
  /**
   * The domain decision behind the intent: P(the message is the water utility's) from the domain
   * classifier, and the other providers or services the message names (energy, gas, heat, telecom,
   * bank, shop, waste, transport, city, housing, state, …; see locales/<lang>/nlu/domain.json) — so a
   * None answer can say who handles it. Optional: absent for rule answers and empty messages.
   */
  domain?: { utility: number; other: string[] };
}

export interface Recognizer {
  recognize(text: string, opts?: { language?: Lang; today?: Date }): NluResult;
}

export const INTENTS = [
  'balance.check', 'invoices.list', 'payment.info', 'reading.submit', 'readings.history', 'consumption.report',
  'complaint.file', 'message.send', 'case.status', 'outage.check', 'outage.report', 'outage.subscribe',
  'outage.unsubscribe', 'forms.download', 'submeter.legalization', 'einvoice.activate', 'account.link',
  'account.logout', 'account.forget', 'agent.handoff', 'contact.info', 'greeting', 'goodbye', 'thanks', 'help', 'info.question', 'None',
] as const;
