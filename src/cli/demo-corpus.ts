/**
 * The demo's topics. Each case pairs a customer's request with the answer that fits it; the texts live
 * in one file per language. Placeholders ({order}, {product}, …) are filled per conversation.
 */

import { GERMAN } from './demo-corpus-de.ts';
import { ENGLISH } from './demo-corpus-en.ts';

export type Language = 'de' | 'en';
export type TeamKey = 'support' | 'billing';
export type TopicKey =
  | 'order-status'
  | 'delivery-delay'
  | 'damaged'
  | 'return'
  | 'refund'
  | 'invoice'
  | 'payment'
  | 'login'
  | 'product-question'
  | 'complaint'
  | 'change-order'
  | 'voucher';

export interface Case {
  subject: string;
  /** The customer's first message, written to follow a greeting. */
  customer: string;
  /** Written to follow "Hallo Anna," — German answers therefore start in lower case. */
  agent: string;
  followUp?: string;
}

/** One topic in one language: cases plus internal notes agents leave on such conversations. */
export interface Script {
  notes: string[];
  cases: Case[];
}

export interface Topic {
  key: TopicKey;
  team: TeamKey;
  labels: string[];
  weight: number;
  scripts: Record<Language, Script>;
}

const topic = (key: TopicKey, team: TeamKey, labels: string[], weight: number): Topic => ({
  key,
  team,
  labels,
  weight,
  scripts: { de: GERMAN[key], en: ENGLISH[key] },
});

export const TOPICS: Topic[] = [
  topic('order-status', 'support', ['bestellung'], 14),
  topic('delivery-delay', 'support', ['versand'], 14),
  topic('damaged', 'support', ['versand', 'reklamation'], 8),
  topic('return', 'support', ['retoure'], 12),
  topic('refund', 'billing', ['retoure', 'erstattung'], 7),
  topic('invoice', 'billing', ['rechnung'], 10),
  topic('payment', 'billing', ['zahlung'], 8),
  topic('login', 'support', ['konto'], 9),
  topic('product-question', 'support', ['produktfrage'], 10),
  topic('complaint', 'support', ['beschwerde'], 6),
  topic('change-order', 'support', ['bestellung'], 7),
  topic('voucher', 'billing', ['gutschein'], 5),
];
