import type { IdentityKind } from '../../channels/adapter.ts';
import { DomainError, type FieldError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { ContactRowInput } from './contact-csv-columns.ts';
import { normaliseIdentity } from './identity-normalizer.ts';

export interface RowIdentity {
  kind: IdentityKind;
  /** Normalised, as stored; `raw` is what the file says (the service keeps it as the display value). */
  value: string;
  raw: string;
  displayValue: string;
  column: string;
  key: string;
}

export interface PreparedRow {
  row: number;
  columns: ContactRowInput['columns'];
  id?: string;
  name?: string;
  language?: string;
  timeZone?: string;
  identities: RowIdentity[];
  attributes: Record<string, string>;
  attributeColumns: Record<string, string>;
  errors: FieldError[];
}

/** Validates and normalises one record; every problem becomes a field error of the row. */
export function prepareRow(rowNumber: number, input: ContactRowInput, country: string): PreparedRow {
  const errors: FieldError[] = [];
  const row: PreparedRow = {
    row: rowNumber,
    columns: input.columns,
    identities: [],
    attributes: {},
    attributeColumns: {},
    errors,
  };
  const column = (field: keyof ContactRowInput['columns']) => input.columns[field] ?? field;
  if (input.id !== undefined) {
    if (isUuid(input.id)) row.id = input.id.toLowerCase();
    else
      errors.push({
        field: column('id'),
        message: `"${clip(input.id)}" is not a Unisono contact id (put your own ids in external_id or crm_id)`,
      });
  }
  if (input.name !== undefined) row.name = input.name.replace(/\s+/g, ' ');
  if (input.language !== undefined) {
    const primary = input.language.toLowerCase().split(/[-_]/)[0]!;
    if (/^[a-z]{2,3}$/.test(primary)) row.language = primary;
    else
      errors.push({
        field: column('language'),
        message: `"${clip(input.language)}" is not a language code such as de`,
      });
  }
  if (input.timeZone !== undefined) {
    const zone = canonicalTimeZone(input.timeZone);
    if (zone) row.timeZone = zone;
    else
      errors.push({
        field: column('timeZone'),
        message: `"${clip(input.timeZone)}" is not a time zone such as Europe/Berlin`,
      });
  }
  for (const identity of input.identities) {
    try {
      const normalised = normaliseIdentity(identity.kind, identity.value, country);
      const key = `${normalised.kind}:${normalised.value}`;
      if (row.identities.some((known) => known.key === key)) continue;
      row.identities.push({ ...normalised, raw: identity.value, column: identity.column, key });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const reason = error.details?.errors?.[0]?.message ?? 'is invalid';
      errors.push({ field: identity.column, message: `"${clip(identity.value)}" ${reason}` });
    }
  }
  for (const attribute of input.attributes) {
    row.attributes[attribute.key] = attribute.value;
    row.attributeColumns[attribute.key] = attribute.column;
  }
  return row;
}

function canonicalTimeZone(value: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 79)}…` : value;
}
