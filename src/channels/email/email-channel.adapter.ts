import { DomainError } from '../../platform/errors.ts';
import type { OutboundGuard } from '../../platform/http/outbound-guard.ts';
import { hmacSha256Hex, randomToken, safeEqual } from '../../platform/security/crypto.ts';
import type { ChannelAdapter, InboundItem, InboundMessage, Participant, WebhookRequest } from '../adapter.ts';
import { type DeliveryReport, deliveryReport } from './delivery-report.ts';
import {
  EMAIL_SECRET_SETTINGS,
  EmailChannelSettings,
  RAW_MIME_SIGNATURE_HEADER,
} from './email-channel.schema.ts';
import { autoReplyReason, isOwnMail, OWN_MESSAGE_ID } from './email-classifier.ts';
import { contentFingerprint } from './mail-fingerprint.ts';
import { type ParsedEmail, parseEmail } from './mime-message.parser.ts';
import { splitReply } from './reply-text.parser.ts';
import { baseAddress, conversationFromReplyAddress, conversationNumberInSubject } from './reply-token.ts';
import { SmtpSender } from './smtp-sender.ts';

/** Envelope recipients of a mail our own SMTP receiver accepted (comma separated), passed in as a header. */
export const ENVELOPE_RECIPIENTS_HEADER = 'x-unisono-envelope-to';
/** The envelope sender (MAIL FROM; empty for the null sender of bounces), when a relay passes it on. */
export const ENVELOPE_SENDER_HEADER = 'x-unisono-envelope-from';
const FORWARD_SUBJECT = /^\s*(fwd?|wg|tr|weitergeleitet)\s*:/i;
const MAX_QUOTED_CHARS = 50_000;

export type EmailChannelAdapter = ChannelAdapter<EmailChannelSettings> & {
  /** Closes pooled SMTP connections (process shutdown). */
  close(): void;
};

/** Every address this channel answers to, lower case. */
export function channelAddresses(settings: EmailChannelSettings): string[] {
  return [settings.address, ...settings.aliases].map((address) => address.toLowerCase());
}

function participants(mail: ParsedEmail, own: Set<string>): Participant[] {
  const sender = mail.from?.address.toLowerCase();
  const seen = new Set<string>();
  const result: Participant[] = [];
  for (const entry of [...mail.to, ...mail.cc]) {
    const value = entry.address.toLowerCase();
    if (value === sender || own.has(baseAddress(value)) || seen.has(value)) continue;
    seen.add(value);
    result.push({ kind: 'email', value, ...(entry.name ? { name: entry.name } : {}) });
  }
  return result.slice(0, 50);
}

function bodyMissingReason(mail: ParsedEmail): string | undefined {
  if (mail.text.trim() !== '') return undefined;
  if (mail.textConversionError) return `HTML could not be converted to text: ${mail.textConversionError}`;
  if (mail.html) return 'HTML without text content';
  if (mail.attachments.length > 0) return 'attachments only';
  return 'the mail has no body';
}

/** A parsed mail as the canonical inbound message (threading hints, CC, quotes split off, raw kept). */
export function toInboundMessage(
  mail: ParsedEmail,
  raw: Buffer,
  settings: EmailChannelSettings,
  envelopeRecipients: string[] = [],
): InboundMessage {
  if (!mail.from)
    throw new DomainError('validation_failed', 'The mail has no sender address (From, Sender, Reply-To)');
  const own = new Set(channelAddresses(settings));
  const recipients = [...mail.to, ...mail.cc]
    .map((entry) => entry.address)
    .concat(mail.deliveredTo, envelopeRecipients);
  const conversationId = settings.signingSecret
    ? recipients
        .filter((address) => own.has(baseAddress(address)))
        .map((address) => conversationFromReplyAddress(address, settings.signingSecret!))
        .find(Boolean)
    : undefined;
  const split = splitReply(mail.text, { forwarded: FORWARD_SUBJECT.test(mail.subject ?? '') });
  const autoReply = autoReplyReason(mail);
  const missing = bodyMissingReason(mail);
  const contentHash = contentFingerprint(raw);
  const externalId =
    mail.messageId && mail.messageId.length <= 300 ? mail.messageId : `sha256:${contentHash}`;
  return {
    externalId,
    contentHash,
    from: { kind: 'email', value: mail.from.address, ...(mail.from.name ? { name: mail.from.name } : {}) },
    text: split.text,
    html: mail.html,
    subject: mail.subject,
    sentAt: mail.date,
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      data: attachment.data,
      ...(attachment.contentId ? { contentId: attachment.contentId } : {}),
      inline: attachment.inline,
    })),
    cc: participants(mail, own),
    threadHints: {
      ...(conversationId ? { conversationId } : {}),
      inReplyTo: [...new Set([...mail.references, ...mail.inReplyTo])],
      conversationNumber: conversationNumberInSubject(mail.subject),
    },
    raw: { contentType: 'message/rfc822', data: raw },
    metadata: {
      email: {
        messageId: mail.messageId ?? null,
        to: mail.to.map((entry) => entry.address.toLowerCase()),
        replyTo: mail.replyTo.map((entry) => entry.address.toLowerCase()),
        inReplyTo: mail.inReplyTo.slice(0, 10),
        references: mail.references.slice(-50),
      },
      ...(split.quoted ? { quotedText: split.quoted.slice(0, MAX_QUOTED_CHARS) } : {}),
      ...(split.signature ? { signature: split.signature.slice(0, 5_000) } : {}),
      ...(autoReply ? { autoReply: true, autoReplyReason: autoReply } : {}),
      ...(missing ? { bodyMissing: missing } : {}),
    },
  };
}

/** Why a mail became no conversation message; kept visible as a failed inbound email with this reason. */
export interface DroppedMail {
  reason: 'loop' | 'report';
  detail: string;
}

export interface ParsedRawEmail {
  mail: ParsedEmail;
  items: InboundItem[];
  dropped?: DroppedMail;
  /** The delivery report the items come from, if any (for the record when none of them matches). */
  report?: DeliveryReport;
}

/** The status items of a report: by our message ids when the original carried them, else by its Message-IDs. */
function reportItems(report: DeliveryReport): InboundItem[] {
  if (report.status === 'delayed' || report.status === 'complaint') return [];
  const { status, reason } = report;
  if (report.ourMessageIds.length > 0)
    return report.ourMessageIds.map((messageId) => ({
      type: 'status',
      update: { messageId, status, reason },
    }));
  const ours = report.originalMessageIds.filter((id) => OWN_MESSAGE_ID.test(id));
  return (ours.length > 0 ? ours : report.originalMessageIds.slice(0, 1)).map((externalId) => ({
    type: 'status',
    update: { externalId, status, reason },
  }));
}

/**
 * Raw RFC 822 in, canonical items out: a message, the status updates of a delivery report (bounce, receipt),
 * or nothing with the reason (our own mail coming back, a report that updates nothing, an abuse report).
 * `envelopeFrom` is the SMTP MAIL FROM when known (`''` is the null sender of bounces).
 */
export async function parseRawEmail(
  raw: Buffer,
  settings: EmailChannelSettings,
  envelopeRecipients: string[] = [],
  envelopeFrom?: string,
): Promise<ParsedRawEmail> {
  if (raw.length === 0) throw new DomainError('validation_failed', 'The message is empty');
  const mail = await parseEmail(raw);
  if (isOwnMail(mail))
    return { mail, items: [], dropped: { reason: 'loop', detail: 'Our own mail came back (loop)' } };
  const report = deliveryReport(mail, envelopeFrom);
  if (report) {
    const items = reportItems(report);
    if (items.length > 0) return { mail, items, report };
    const about = report.originalMessageIds.slice(0, 3).join(', ') || 'an unidentified message';
    return {
      mail,
      items,
      report,
      dropped: {
        reason: 'report',
        detail: `${report.reason} (about ${about}; recognised by ${report.signal})`,
      },
    };
  }
  return {
    mail,
    items: [{ type: 'message', message: toInboundMessage(mail, raw, settings, envelopeRecipients) }],
  };
}

/** Email: raw MIME in (SMTP receiver, IMAP mailbox, or POSTed to the signed URL), SMTP out. */
export function emailChannelAdapter(options: {
  timeoutMs: number;
  outbound: OutboundGuard;
}): EmailChannelAdapter {
  const sender = new SmtpSender(options.timeoutMs, options.outbound);
  return {
    kind: 'email',
    displayName: 'Email',
    settingsSchema: EmailChannelSettings,
    secretSettings: EMAIL_SECRET_SETTINGS,
    reachableIdentityKinds: ['email'],
    threading: 'per-thread',

    prepareSettings(input) {
      return {
        ...input,
        signingSecret: input.signingSecret ?? randomToken(32),
        inboundToken: input.inboundToken ?? randomToken(32),
      };
    },

    /** The raw MIME endpoint: `?token=<inboundToken>`, or `X-Unisono-Signature: sha256=<HMAC of the body>`. */
    verify(request: WebhookRequest, settings) {
      const secret = settings.inboundToken;
      if (!secret) throw new DomainError('invalid_signature', 'The channel has no inbound token');
      const token = request.query.token;
      if (typeof token === 'string' && safeEqual(token, secret)) return;
      const signature = request.headers[RAW_MIME_SIGNATURE_HEADER];
      if (
        typeof signature === 'string' &&
        safeEqual(signature, `sha256=${hmacSha256Hex(secret, request.rawBody)}`)
      )
        return;
      throw new DomainError(
        'invalid_signature',
        'Missing or wrong ?token= (or X-Unisono-Signature) for this channel',
      );
    },

    async parseInbound(request: WebhookRequest, settings) {
      const envelope = request.headers[ENVELOPE_RECIPIENTS_HEADER];
      const recipients = typeof envelope === 'string' ? envelope.split(',').filter(Boolean) : [];
      const sender = request.headers[ENVELOPE_SENDER_HEADER];
      const envelopeFrom = typeof sender === 'string' ? sender.trim().replace(/^<(.*)>$/, '$1') : undefined;
      return (await parseRawEmail(request.rawBody, settings, recipients, envelopeFrom)).items;
    },

    send(message, settings) {
      return sender.send(message, settings);
    },

    close() {
      sender.close();
    },
  };
}
