import type { TFunction } from 'i18next';
import { ApiError } from './client.ts';

const KNOWN = [
  'validation_failed',
  'invalid_credentials',
  'unauthenticated',
  'csrf_failed',
  'forbidden',
  'not_found',
  'conflict',
  'conversation_closed',
  'channel_disabled',
  'channel_unreachable',
  'rate_limited',
  'payload_too_large',
  'invalid_state',
] as const;

/** An API failure in plain words, in the UI language. */
export function describeError(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('errors.network');
    const detail =
      error.fieldErrors.length > 0
        ? error.fieldErrors
            .map((entry) => `${entry.field.replace(/^body\./, '')} ${entry.message}`)
            .join('; ')
        : error.message;
    const code = (KNOWN as readonly string[]).includes(error.code)
      ? (error.code as (typeof KNOWN)[number])
      : null;
    if (code) return t(`errors.${code}`, { detail });
    return t('errors.generic', { detail });
  }
  return t('errors.generic', { detail: error instanceof Error ? error.message : String(error) });
}
