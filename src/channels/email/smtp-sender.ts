import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { type OutboundGuard, OutboundRequestError } from '../../platform/http/outbound-guard.ts';
import type { OutboundMessage, SendResult } from '../adapter.ts';
import { type EmailChannelSettings, UNISONO_MESSAGE_HEADER } from './email-channel.schema.ts';
import { replyAddress } from './reply-token.ts';

type Transporter = ReturnType<typeof createTransport>;

const REPLY_PREFIX = /^\s*(re|aw|antw|sv|vs|r|ref|wg|fw|fwd|tr)\s*(\[\d+\])?\s*:/i;
const MESSAGE_ID = /^[^\s<>@]+@[^\s<>@]+$/;
const TEMPORARY_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'ECONNRESET',
  'ECONNREFUSED',
]);

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** Our Message-ID for an outbound message: stable across retries, so a re-sent mail is recognised as the same one. */
export function outboundMessageId(settings: EmailChannelSettings, messageId: string): string {
  return `unisono.${messageId}@${settings.messageIdDomain ?? domainOf(settings.address)}`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function textToHtml(text: string): string {
  return `<div>${escapeHtml(text).replace(/\r?\n/g, '<br>\n')}</div>`;
}

function renderSignature(
  template: string | undefined,
  message: OutboundMessage,
  settings: EmailChannelSettings,
) {
  if (!template) return undefined;
  const values: Record<string, string> = {
    'agent.name': message.author?.name ?? '',
    'channel.name': settings.displayName ?? settings.address,
    'conversation.number': String(message.conversationNumber),
  };
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_match, key: string) => values[key] ?? '');
}

/** `Re: Bestellung 4711 [#42]`: the reference lets a reply without headers still find its conversation. */
export function replySubject(
  subject: string | null | undefined,
  conversationNumber: number,
  isReply: boolean,
): string {
  const reference = `[#${conversationNumber}]`;
  let base = (subject ?? '').replace(/\s+/g, ' ').trim();
  if (isReply && base && !REPLY_PREFIX.test(base)) base = `Re: ${base}`;
  if (base.includes(reference)) return base;
  return base ? `${base} ${reference}` : reference;
}

/** The Message-ID of a stored id: a mail that reused a Message-ID is stored as `<id> <content hash>`. */
const mailMessageId = (externalId: string) => externalId.split(' ')[0]!;

/** Long threads: the first and the last References are the ones threading needs (RFC 5322 §3.6.4). */
function referencesHeader(ids: string[]): string[] {
  const valid = [...new Set(ids.map(mailMessageId))].filter((id) => MESSAGE_ID.test(id));
  const kept = valid.length > 20 ? [valid[0]!, ...valid.slice(-19)] : valid;
  return kept.map((id) => `<${id}>`);
}

/** The mail as nodemailer composes it: From, Reply-To with the conversation token, threading headers. */
export function composeMail(message: OutboundMessage, settings: EmailChannelSettings) {
  const signature = renderSignature(settings.signatureTemplate, message, settings);
  const answered = message.inReplyToExternalId && mailMessageId(message.inReplyToExternalId);
  const inReplyTo = answered && MESSAGE_ID.test(answered) ? `<${answered}>` : undefined;
  const references = referencesHeader(message.references);
  const text = signature ? `${message.text}\n\n-- \n${signature}` : message.text;
  const html = `${message.html ?? textToHtml(message.text)}${signature ? `<div class="signature">-- <br>${escapeHtml(signature).replace(/\r?\n/g, '<br>')}</div>` : ''}`;
  return {
    from: { name: settings.displayName ?? '', address: settings.address },
    to: { name: message.to.name ?? '', address: message.to.value },
    cc: message.cc,
    replyTo: settings.signingSecret
      ? replyAddress(settings.address, settings.signingSecret, message.conversationId)
      : settings.address,
    subject: replySubject(message.subject, message.conversationNumber, Boolean(inReplyTo)),
    messageId: `<${outboundMessageId(settings, message.id)}>`,
    inReplyTo,
    references: references.length > 0 ? references.join(' ') : undefined,
    text,
    html,
    attachments: message.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      content: attachment.data,
    })),
    headers: {
      [UNISONO_MESSAGE_HEADER]: message.id,
      'X-Unisono-Conversation': String(message.conversationNumber),
    },
    envelope: { from: settings.address, to: [message.to.value, ...message.cc] },
  };
}

/** Temporary trouble (4xx, connection, TLS, DNS) is retried; a 5xx answer fails the message with the server's words. */
export function classifySmtpError(error: unknown): SendResult {
  if (error instanceof OutboundRequestError)
    return { status: error.retryable ? 'retryable' : 'permanent', reason: `SMTP server ${error.reason}` };
  const failure = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const said = (failure.response ?? failure.message ?? 'unknown error').slice(0, 500);
  if (typeof failure.responseCode === 'number') {
    if (failure.responseCode >= 500) return { status: 'permanent', reason: `SMTP server refused: ${said}` };
    if (failure.responseCode >= 400) return { status: 'retryable', reason: `SMTP server deferred: ${said}` };
  }
  if (failure.code && TEMPORARY_CODES.has(failure.code)) {
    return { status: 'retryable', reason: `SMTP server not reachable (${failure.code}): ${said}` };
  }
  if (failure.code === 'EAUTH' || failure.code === 'ENOAUTH') {
    return { status: 'permanent', reason: `SMTP authentication failed: ${said}` };
  }
  return { status: 'retryable', reason: `SMTP error${failure.code ? ` ${failure.code}` : ''}: ${said}` };
}

/** Pooled SMTP connections, one pool per distinct server configuration. */
export class SmtpSender {
  private readonly pools = new Map<string, Transporter>();

  constructor(
    private readonly timeoutMs: number,
    private readonly outbound: OutboundGuard,
  ) {}

  private async transporter(settings: EmailChannelSettings): Promise<Transporter> {
    const security = settings.smtpSecurity;
    // Connected by checked address (the server must not be made to reach its own network), named for TLS.
    const target = await this.outbound.connectTarget(settings.smtpHost!);
    const options = {
      host: target.host,
      port: settings.smtpPort ?? (security === 'tls' ? 465 : 587),
      secure: security === 'tls',
      requireTLS: security === 'starttls',
      ignoreTLS: security === 'none',
      auth: settings.smtpUser ? { user: settings.smtpUser, pass: settings.smtpPassword ?? '' } : undefined,
      tls: {
        rejectUnauthorized: settings.tlsRejectUnauthorized,
        ...(target.servername ? { servername: target.servername } : {}),
      },
      dkim:
        settings.dkimDomain && settings.dkimSelector && settings.dkimPrivateKey
          ? {
              domainName: settings.dkimDomain,
              keySelector: settings.dkimSelector,
              privateKey: settings.dkimPrivateKey,
            }
          : undefined,
    };
    const key = createHash('sha256').update(JSON.stringify(options)).digest('hex');
    let transporter = this.pools.get(key);
    if (!transporter) {
      transporter = createTransport({
        ...options,
        pool: true,
        maxConnections: 5,
        maxMessages: 100,
        connectionTimeout: this.timeoutMs,
        greetingTimeout: this.timeoutMs,
        // Idle pooled connections are closed after a minute instead of the default ten.
        socketTimeout: Math.max(this.timeoutMs, 60_000),
        logger: false,
      });
      this.pools.set(key, transporter);
    }
    return transporter;
  }

  async send(message: OutboundMessage, settings: EmailChannelSettings): Promise<SendResult> {
    if (!settings.smtpHost) {
      return { status: 'permanent', reason: 'The email channel has no SMTP server (smtpHost) configured' };
    }
    if (message.to.kind !== 'email') {
      return {
        status: 'permanent',
        reason: `An email channel cannot deliver to a ${message.to.kind} identity`,
      };
    }
    try {
      const transporter = await this.transporter(settings);
      await transporter.sendMail(composeMail(message, settings));
      return { status: 'sent', externalId: outboundMessageId(settings, message.id) };
    } catch (error) {
      return classifySmtpError(error);
    }
  }

  close(): void {
    for (const transporter of this.pools.values()) transporter.close();
    this.pools.clear();
  }
}
