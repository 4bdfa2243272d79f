/** Stable error codes clients can rely on; every one maps to exactly one HTTP status below. */
export type ErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'csrf_failed'
  | 'forbidden'
  | 'not_found'
  | 'route_not_found'
  | 'conflict'
  | 'invalid_signature'
  | 'channel_disabled'
  | 'channel_unreachable'
  | 'consent_refused'
  | 'conversation_closed'
  | 'rate_limited'
  | 'invalid_state';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { errors?: FieldError[]; retryAfterSeconds?: number },
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface FieldError {
  field: string;
  message: string;
}

export function notFound(entity: string, id: string): DomainError {
  return new DomainError('not_found', `${entity} ${id} was not found`);
}

export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
    case 'malformed_json':
      return 400;
    case 'unauthenticated':
    case 'invalid_credentials':
    case 'invalid_signature':
      return 401;
    case 'csrf_failed':
    case 'forbidden':
      return 403;
    case 'not_found':
    case 'route_not_found':
      return 404;
    case 'conflict':
    case 'conversation_closed':
    case 'invalid_state':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'channel_disabled':
    case 'channel_unreachable':
    case 'consent_refused':
      return 422;
    case 'rate_limited':
      return 429;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped error code ${unmapped}`);
    }
  }
}

/** RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export function problemFor(error: DomainError, instance?: string, requestId?: string): Problem {
  const status = httpStatusFor(error.code);
  return {
    type: `https://unisono.dev/problems/${error.code}`,
    title: error.code.replaceAll('_', ' '),
    status,
    code: error.code,
    detail: error.message,
    instance,
    requestId,
    ...(error.details?.errors ? { errors: error.details.errors } : {}),
  };
}
