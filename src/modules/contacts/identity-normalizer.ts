import { domainToASCII } from 'node:url';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { IdentityKind } from '../../channels/adapter.ts';
import { DomainError } from '../../platform/errors.ts';

export interface NormalisedIdentity {
  kind: IdentityKind;
  value: string;
  displayValue: string;
}

const PHONE_KINDS: IdentityKind[] = ['phone', 'whatsapp'];

/** One canonical value per identity, so the same person on the same address is found again. */
export function normaliseIdentity(
  kind: IdentityKind,
  raw: string,
  defaultCountry: string,
): NormalisedIdentity {
  const trimmed = raw.trim();
  if (trimmed.length === 0) throw invalid(kind, raw, 'is empty');
  if (kind === 'email') {
    const at = trimmed.lastIndexOf('@');
    if (at < 1 || at === trimmed.length - 1 || /\s/.test(trimmed))
      throw invalid(kind, raw, 'is not an email address');
    const domain = domainToASCII(trimmed.slice(at + 1).toLowerCase());
    if (!domain) throw invalid(kind, raw, 'has an invalid domain');
    const value = `${trimmed.slice(0, at).toLowerCase()}@${domain}`;
    return { kind, value, displayValue: trimmed };
  }
  if (PHONE_KINDS.includes(kind)) {
    const phone = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
    if (!phone?.isPossible()) throw invalid(kind, raw, 'is not a phone number');
    return { kind, value: phone.number, displayValue: phone.formatInternational() };
  }
  if (kind === 'telegram' && trimmed.startsWith('@')) {
    return { kind, value: trimmed.toLowerCase(), displayValue: trimmed };
  }
  return { kind, value: trimmed, displayValue: trimmed };
}

function invalid(kind: IdentityKind, raw: string, reason: string): DomainError {
  return new DomainError('validation_failed', `${kind} identity "${raw.slice(0, 100)}" ${reason}`, {
    errors: [{ field: 'identity.value', message: reason }],
  });
}
