import type { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';
import { parseGuardedJson } from '../../platform/http/input-guard.ts';
import {
  describeStatus,
  type OutboundGuard,
  OutboundRequestError,
  type OutboundResponse,
  retryAfterMs,
} from '../../platform/http/outbound-guard.ts';
import { hmacSha256Hex, randomToken, safeEqual } from '../../platform/security/crypto.ts';
import type { ChannelAdapter, InboundItem, OutboundMessage, SendResult, WebhookRequest } from '../adapter.ts';
import {
  API_SIGNATURE_HEADER,
  API_SIGNATURE_TOLERANCE_SECONDS,
  ApiChannelSettings,
  ApiInboundBatch,
  type ApiInboundItem,
  ApiInboundMessage,
  ApiStatusUpdate,
} from './api-channel.schema.ts';

const SIGNATURE_FORM = /^t=(\d{1,12}),sha256=([0-9a-f]{64})$/;

/**
 * The `X-Unisono-Signature` value for a body: `t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 * The timestamp is signed with the body, so a captured request cannot be replayed outside the window.
 */
export function signApiBody(
  secret: string,
  body: string | Buffer,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},sha256=${hmacSha256Hex(secret, Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(body)]))}`;
}

/** The parts of a signature header, or undefined when it is not in the documented form. */
export function parseApiSignature(header: string): { timestamp: number; digest: string } | undefined {
  const match = SIGNATURE_FORM.exec(header.trim());
  return match ? { timestamp: Number(match[1]), digest: match[2]! } : undefined;
}

export interface ApiChannelOptions {
  /** Timeout of one webhook POST. */
  timeoutMs: number;
  outbound: OutboundGuard;
  /** The clock signatures are checked against (seconds precision is enough). */
  now?: () => number;
}

/** The generic API channel: signed JSON in, signed webhook POST out. */
export function apiChannelAdapter(options: ApiChannelOptions): ChannelAdapter<ApiChannelSettings> {
  const now = options.now ?? Date.now;
  return {
    kind: 'api',
    displayName: 'API',
    // Literal addresses and schemes are refused when saved; names are judged when the webhook connects.
    settingsSchema: ApiChannelSettings.superRefine((settings, context) => {
      if (!settings.webhookUrl) return;
      try {
        options.outbound.checkUrl(settings.webhookUrl);
      } catch (error) {
        if (!(error instanceof OutboundRequestError)) throw error;
        context.addIssue({ code: 'custom', path: ['webhookUrl'], message: `Webhook ${error.reason}` });
      }
    }),
    secretSettings: ['signingSecret'],
    reachableIdentityKinds: 'any',
    threading: 'per-contact',

    prepareSettings(input) {
      return { ...input, signingSecret: input.signingSecret ?? randomToken(32) };
    },

    verify(request: WebhookRequest, settings) {
      const header = request.headers[API_SIGNATURE_HEADER];
      if (typeof header !== 'string' || !settings.signingSecret) {
        throw new DomainError('invalid_signature', `Missing ${API_SIGNATURE_HEADER} header`);
      }
      const signature = parseApiSignature(header);
      if (!signature) {
        throw new DomainError(
          'invalid_signature',
          `${API_SIGNATURE_HEADER} must be t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<body>">`,
        );
      }
      const expected = signApiBody(settings.signingSecret, request.rawBody, signature.timestamp);
      if (!safeEqual(header.trim(), expected)) {
        throw new DomainError('invalid_signature', `${API_SIGNATURE_HEADER} does not match the body`);
      }
      // Checked after the HMAC, so only the secret's holder learns that the clock was the problem.
      if (Math.abs(now() / 1000 - signature.timestamp) > API_SIGNATURE_TOLERANCE_SECONDS) {
        throw new DomainError(
          'invalid_signature',
          `${API_SIGNATURE_HEADER} timestamp is more than ${API_SIGNATURE_TOLERANCE_SECONDS} s away from the server's clock`,
        );
      }
    },

    parseInbound(request: WebhookRequest): InboundItem[] {
      // The same bounds and text rules as every JSON request body: a payload that can never be stored is a 400.
      const json = parseGuardedJson(request.rawBody.toString('utf8'));
      const parsed = schemaFor(json).safeParse(json);
      if (!parsed.success) {
        const errors = parsed.error.issues.map((issue) => ({
          field: `body.${issue.path.join('.')}`.replace(/\.$/, ''),
          message: issue.message,
        }));
        throw new DomainError(
          'validation_failed',
          `Invalid API channel payload: ${errors.map((entry) => `${entry.field} ${entry.message}`).join('; ')}`,
          { errors },
        );
      }
      const data = parsed.data as z.infer<typeof ApiInboundBatch> | z.infer<typeof ApiInboundItem>;
      const items = 'events' in data ? data.events : [data];
      return items.map((item): InboundItem => {
        if (item.type === 'status') {
          return {
            type: 'status',
            update: {
              messageId: item.messageId,
              externalId: item.externalId,
              status: item.status,
              reason: item.reason,
            },
          };
        }
        return {
          type: 'message',
          message: {
            externalId: item.id,
            from: item.from,
            text: item.text,
            html: item.html,
            subject: item.subject,
            threadKey: item.threadId,
            sentAt: item.sentAt ? new Date(item.sentAt) : undefined,
            attachments: item.attachments.map((attachment) => ({
              filename: attachment.filename,
              contentType: attachment.contentType,
              data: Buffer.from(attachment.data, 'base64'),
            })),
            metadata: item.metadata,
          },
        };
      });
    },

    async send(message: OutboundMessage, settings): Promise<SendResult> {
      if (!settings.webhookUrl)
        return { status: 'permanent', reason: 'The API channel has no webhookUrl configured' };
      const body = JSON.stringify({
        type: 'message',
        id: message.id,
        conversationId: message.conversationId,
        conversationNumber: message.conversationNumber,
        to: message.to,
        text: message.text,
        html: message.html ?? null,
        subject: message.subject ?? null,
        inReplyTo: message.inReplyToExternalId ?? null,
        author: message.author ?? null,
        attachments: message.attachments.map((attachment) => ({
          filename: attachment.filename,
          contentType: attachment.contentType,
          size: attachment.size,
          data: attachment.data.toString('base64'),
        })),
      });
      let response: OutboundResponse;
      try {
        response = await options.outbound.request(settings.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [API_SIGNATURE_HEADER]: signApiBody(settings.signingSecret ?? '', body, Math.floor(now() / 1000)),
            'x-unisono-delivery-id': message.id,
          },
          body,
          timeoutMs: options.timeoutMs,
          maxResponseBytes: 64 * 1024,
        });
      } catch (error) {
        if (!(error instanceof OutboundRequestError)) throw error;
        const reason = `Webhook ${error.reason}`;
        return error.retryable ? { status: 'retryable', reason } : { status: 'permanent', reason };
      }
      if (response.status >= 200 && response.status < 300) {
        return { status: 'sent', externalId: externalIdFrom(response.text) ?? message.id };
      }
      // Only the status: the receiver's own words could carry anything, e.g. what an internal port answers.
      const reason = `Webhook ${describeStatus(response.status)}`;
      if ([408, 425, 429].includes(response.status) || response.status >= 500) {
        return {
          status: 'retryable',
          reason,
          retryAfterMs: retryAfterMs(response.header('retry-after'), now()),
        };
      }
      return { status: 'permanent', reason };
    },
  };
}

/** Picks the schema by shape so validation errors name the exact field instead of "no union member matched". */
function schemaFor(json: unknown) {
  if (json && typeof json === 'object' && 'events' in json) return ApiInboundBatch;
  if (json && typeof json === 'object' && (json as { type?: unknown }).type === 'status')
    return ApiStatusUpdate;
  return ApiInboundMessage;
}

function externalIdFrom(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { id?: unknown };
    return typeof parsed.id === 'string' && parsed.id.length > 0 && parsed.id.length <= 255
      ? parsed.id
      : undefined;
  } catch {
    return undefined;
  }
}
