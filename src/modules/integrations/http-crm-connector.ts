import { hmacSha256Hex } from '../../platform/security/crypto.ts';
import {
  type CrmActivityPayload,
  type CrmLookupQuery,
  CrmLookupResult,
  type CrmLookupResult as LookupResult,
} from './crm.schema.ts';
import { type CrmConnector, CrmLookupError, type CrmWriteResult } from './crm-connector.ts';

export const CRM_SIGNATURE_HEADER = 'x-unisono-signature';
const MAX_RESPONSE_BYTES = 1_000_000;

export interface HttpCrmConnectorOptions {
  baseUrl: string;
  signingSecret: string;
  timeoutMs: number;
}

export function signCrmBody(secret: string, body: string): string {
  return `sha256=${hmacSha256Hex(secret, body)}`;
}

/**
 * The generic HTTP/JSON connector: `POST {baseUrl}/lookup` and `POST {baseUrl}/activities`, each body
 * signed with `X-Unisono-Signature: sha256=<HMAC-SHA256 of the raw body>` (contract in the README).
 */
export class HttpCrmConnector implements CrmConnector {
  readonly kind = 'http';

  constructor(private readonly options: HttpCrmConnectorOptions) {}

  async lookup(query: CrmLookupQuery): Promise<LookupResult> {
    const outcome = await this.post('/lookup', query);
    if (outcome.type === 'failed') throw new CrmLookupError(outcome.reason);
    const { response, text } = outcome;
    // A CRM that answers "no such customer" with 404 instead of {found:false} means the same.
    if (response.status === 404)
      return { found: false, externalId: null, profileUrl: null, attributes: {}, orders: [] };
    if (!response.ok) throw new CrmLookupError(describeStatus(response.status, text));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CrmLookupError(`CRM answered ${response.status} with a body that is not JSON`);
    }
    const parsed = CrmLookupResult.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`)
        .join('; ');
      throw new CrmLookupError(`CRM answered an invalid lookup response: ${issues}`);
    }
    return parsed.data;
  }

  async recordActivity(activity: CrmActivityPayload): Promise<CrmWriteResult> {
    const outcome = await this.post('/activities', activity, { 'x-unisono-delivery-id': activity.id });
    if (outcome.type === 'failed') return { status: 'retryable', reason: outcome.reason, statusCode: null };
    const { response, text } = outcome;
    if (response.ok) return { status: 'delivered', statusCode: response.status };
    const reason = describeStatus(response.status, text);
    if (response.status >= 500 || [408, 425, 429].includes(response.status)) {
      return {
        status: 'retryable',
        reason,
        statusCode: response.status,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      };
    }
    return { status: 'permanent', reason, statusCode: response.status };
  }

  private async post(
    path: string,
    payload: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ type: 'answered'; response: Response; text: string } | { type: 'failed'; reason: string }> {
    const body = JSON.stringify(payload);
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': 'Unisono-CRM-Connector/1',
          [CRM_SIGNATURE_HEADER]: signCrmBody(this.options.signingSecret, body),
          ...headers,
        },
        body,
        signal,
        redirect: 'error',
      });
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > MAX_RESPONSE_BYTES) {
        await response.body?.cancel().catch(() => {});
        return { type: 'failed', reason: `CRM response is larger than ${MAX_RESPONSE_BYTES} bytes` };
      }
      const text = await response.text();
      if (text.length > MAX_RESPONSE_BYTES)
        return { type: 'failed', reason: `CRM response is larger than ${MAX_RESPONSE_BYTES} bytes` };
      return { type: 'answered', response, text };
    } catch (error) {
      if (signal.aborted)
        return { type: 'failed', reason: `CRM timed out after ${this.options.timeoutMs} ms` };
      return { type: 'failed', reason: `CRM not reachable: ${describeError(error)}` };
    }
  }
}

function describeStatus(status: number, text: string): string {
  const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 300);
  return `CRM answered ${status}${excerpt ? `: ${excerpt}` : ''}`;
}

function describeError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
