import {
  describeStatus,
  type OutboundGuard,
  OutboundRequestError,
  type OutboundResponse,
  retryAfterMs,
} from '../../platform/http/outbound-guard.ts';
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
  outbound: OutboundGuard;
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
    if (response.truncated)
      throw new CrmLookupError(`CRM response is larger than ${MAX_RESPONSE_BYTES} bytes`);
    // A CRM that answers "no such customer" with 404 instead of {found:false} means the same.
    if (response.status === 404)
      return { found: false, externalId: null, profileUrl: null, attributes: {}, orders: [] };
    if (!isSuccess(response)) throw new CrmLookupError(`CRM ${describeStatus(response.status)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CrmLookupError(`CRM answered ${response.status} with a body that is not JSON`);
    }
    const parsed = CrmLookupResult.safeParse(json);
    if (!parsed.success) {
      // Paths only, and only their word characters: the keys come from the CRM's answer.
      const issues = parsed.error.issues
        .slice(0, 3)
        .map(
          (issue) =>
            `${
              issue.path
                .join('.')
                .replace(/[^\w.]/g, '')
                .slice(0, 60) || 'body'
            } is invalid`,
        )
        .join('; ');
      throw new CrmLookupError(`CRM answered an invalid lookup response: ${issues}`);
    }
    return parsed.data;
  }

  async recordActivity(activity: CrmActivityPayload): Promise<CrmWriteResult> {
    const outcome = await this.post('/activities', activity, { 'x-unisono-delivery-id': activity.id });
    if (outcome.type === 'failed') {
      const { reason, retryable } = outcome;
      return { status: retryable ? 'retryable' : 'permanent', reason, statusCode: null };
    }
    const { response } = outcome;
    if (isSuccess(response)) return { status: 'delivered', statusCode: response.status };
    const reason = `CRM ${describeStatus(response.status)}`;
    if (response.status >= 500 || [408, 425, 429].includes(response.status)) {
      return {
        status: 'retryable',
        reason,
        statusCode: response.status,
        retryAfterMs: retryAfterMs(response.header('retry-after')),
      };
    }
    return { status: 'permanent', reason, statusCode: response.status };
  }

  private async post(
    path: string,
    payload: unknown,
    headers: Record<string, string> = {},
  ): Promise<
    | { type: 'answered'; response: OutboundResponse; text: string }
    | { type: 'failed'; reason: string; retryable: boolean }
  > {
    const body = JSON.stringify(payload);
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
    try {
      const response = await this.options.outbound.request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': 'Unisono-CRM-Connector/1',
          [CRM_SIGNATURE_HEADER]: signCrmBody(this.options.signingSecret, body),
          ...headers,
        },
        body,
        timeoutMs: this.options.timeoutMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
      return { type: 'answered', response, text: response.text };
    } catch (error) {
      if (error instanceof OutboundRequestError)
        return { type: 'failed', reason: `CRM ${error.reason}`, retryable: error.retryable };
      throw error;
    }
  }
}

function isSuccess(response: OutboundResponse): boolean {
  return response.status >= 200 && response.status < 300;
}
