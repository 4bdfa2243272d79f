import type { CrmActivityPayload, CrmLookupQuery, CrmLookupResult } from './crm.schema.ts';

/** The outcome of one write-back call, classified like a channel delivery. */
export type CrmWriteResult =
  | { status: 'delivered'; statusCode: number }
  | { status: 'retryable'; reason: string; statusCode: number | null; retryAfterMs?: number }
  | { status: 'permanent'; reason: string; statusCode: number | null };

/** A lookup that did not produce an answer (timeout, network, 5xx, unreadable response). */
export class CrmLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrmLookupError';
  }
}

/**
 * A CRM/ERP system behind one interface: the generic HTTP/JSON connector today, vendor connectors
 * (Salesforce, HubSpot, SAP …) later. Implementations never throw for an unreachable CRM on write-back;
 * they classify the outcome so the caller can retry or give up.
 */
export interface CrmConnector {
  readonly kind: string;
  /** Throws CrmLookupError when the CRM could not answer. */
  lookup(query: CrmLookupQuery): Promise<CrmLookupResult>;
  recordActivity(activity: CrmActivityPayload): Promise<CrmWriteResult>;
}
