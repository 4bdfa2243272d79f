import type { z } from 'zod';
import type { IDENTITY_KINDS } from '../modules/contacts/contacts.tables.ts';

export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export interface InboundIdentity {
  kind: IdentityKind;
  value: string;
  name?: string;
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  data: Buffer;
  /** Content-ID of an inline part, so HTML can reference it (`cid:`). */
  contentId?: string;
  inline?: boolean;
}

/** What a provider message says about where it belongs, strongest first (see the ingest pipeline). */
export interface ThreadHints {
  /** A conversation this message verifiably belongs to (e.g. our signed reply address). */
  conversationId?: string;
  /** External ids of earlier messages it answers (e.g. email In-Reply-To and References). */
  inReplyTo?: string[];
  /** A conversation number the customer quoted (e.g. `[#1234]`); honoured only for its participants. */
  conversationNumber?: number;
}

export interface Participant {
  kind: IdentityKind;
  value: string;
  name?: string;
}

/** A provider message in canonical form: what the ingest pipeline understands. */
export interface InboundMessage {
  externalId: string;
  /**
   * A fingerprint of the content. Senders reuse ids (mail clients and list servers reuse Message-IDs): a stored
   * message with the same externalId and another contentHash is a different message, not a repeat.
   */
  contentHash?: string;
  from: InboundIdentity;
  text: string;
  html?: string;
  subject?: string;
  /** The provider's own thread/conversation key; messages with the same key share a conversation. */
  threadKey?: string;
  sentAt?: Date;
  attachments: InboundAttachment[];
  metadata?: Record<string, unknown>;
  threadHints?: ThreadHints;
  /** Other people addressed on the message (email CC); recorded so a reply can go to all. */
  cc?: Participant[];
  /** The provider's original bytes (e.g. the RFC 822 message), kept unchanged for archive and re-processing. */
  raw?: { contentType: string; data: Buffer };
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** A provider's report about a message we sent. */
export interface DeliveryStatusUpdate {
  /** The provider's id for our message (from SendResult.externalId). */
  externalId?: string;
  /** Our own message id, when the provider echoes it. */
  messageId?: string;
  status: DeliveryStatus;
  reason?: string;
}

export type InboundItem =
  | { type: 'message'; message: InboundMessage }
  | { type: 'status'; update: DeliveryStatusUpdate };

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
}

export interface OutboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export interface OutboundMessage {
  id: string;
  conversationId: string;
  conversationNumber: number;
  to: { kind: IdentityKind; value: string; name?: string | null };
  text: string;
  html?: string | null;
  subject?: string | null;
  attachments: OutboundAttachment[];
  /** The provider id of the inbound message this answers, when known. */
  inReplyToExternalId?: string | null;
  /** Provider ids of the conversation's earlier messages on this channel, oldest first. */
  references: string[];
  /** Additional recipients (email CC), normalised values. */
  cc: string[];
  author?: { id: string; name: string } | null;
}

/**
 * One delivery attempt's outcome. `reason` is stored on the message and shown to agents: a status code with
 * its standard phrase or a fixed phrase, never the provider's response body (see platform/http/outbound-guard.ts).
 */
export type SendResult =
  | { status: 'sent'; externalId: string }
  | { status: 'retryable'; reason: string; retryAfterMs?: number }
  | { status: 'permanent'; reason: string };

/** One provider: translates between its protocol and the canonical message types, nothing more. */
export interface ChannelAdapter<Settings extends Record<string, unknown> = Record<string, any>> {
  readonly kind: string;
  readonly displayName: string;
  /** Every setting of a channel of this kind, secrets included. */
  readonly settingsSchema: z.ZodType<Settings>;
  /** Setting names stored encrypted and never returned by the API. */
  readonly secretSettings: readonly string[];
  /** Identity kinds this channel can deliver to; 'any' for a generic channel. */
  readonly reachableIdentityKinds: readonly IdentityKind[] | 'any';
  /**
   * How messages without thread hints are grouped: `per-contact` joins the customer's open conversation
   * on the channel (chat-like channels); `per-thread` opens a new conversation (email: a new mail is a new case).
   */
  readonly threading: 'per-contact' | 'per-thread';
  /** Fills in generated settings (signing secrets) when a channel is created. */
  prepareSettings(input: Settings): Settings;
  /** Throws DomainError('invalid_signature') when the request is not from the provider. */
  verify(request: WebhookRequest, settings: Settings): void;
  parseInbound(request: WebhookRequest, settings: Settings): InboundItem[] | Promise<InboundItem[]>;
  /** Calls to URLs from the settings go through the platform's OutboundGuard, never plain fetch. */
  send(message: OutboundMessage, settings: Settings): Promise<SendResult>;
}
