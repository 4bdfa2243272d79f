import type { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';
import { parseGuardedJson } from '../../platform/http/input-guard.ts';
import { hmacSha256Hex, randomToken, safeEqual } from '../../platform/security/crypto.ts';
import type { ChannelAdapter, InboundItem, OutboundMessage, SendResult, WebhookRequest } from '../adapter.ts';
import {
  API_SIGNATURE_HEADER,
  ApiChannelSettings,
  ApiInboundBatch,
  type ApiInboundItem,
  ApiInboundMessage,
  ApiStatusUpdate,
} from './api-channel.schema.ts';

export function signApiBody(secret: string, body: string | Buffer): string {
  return `sha256=${hmacSha256Hex(secret, body)}`;
}

/** The generic API channel: signed JSON in, signed webhook POST out. */
export function apiChannelAdapter(options: { timeoutMs: number }): ChannelAdapter<ApiChannelSettings> {
  return {
    kind: 'api',
    displayName: 'API',
    settingsSchema: ApiChannelSettings,
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
      if (!safeEqual(header, signApiBody(settings.signingSecret, request.rawBody))) {
        throw new DomainError('invalid_signature', `${API_SIGNATURE_HEADER} does not match the body`);
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
      let response: Response;
      try {
        response = await fetch(settings.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [API_SIGNATURE_HEADER]: signApiBody(settings.signingSecret ?? '', body),
            'x-unisono-delivery-id': message.id,
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
          redirect: 'error',
        });
      } catch (error) {
        const cause =
          (error as Error).name === 'TimeoutError'
            ? `timed out after ${options.timeoutMs} ms`
            : describe(error);
        return { status: 'retryable', reason: `Webhook not reachable: ${cause}` };
      }
      const text = await response.text().catch(() => '');
      if (response.ok) {
        return { status: 'sent', externalId: externalIdFrom(text) ?? message.id };
      }
      const reason = `Webhook answered ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`;
      if (
        response.status >= 500 ||
        response.status === 408 ||
        response.status === 429 ||
        response.status === 425
      ) {
        return {
          status: 'retryable',
          reason,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
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

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
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

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
