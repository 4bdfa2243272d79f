import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { isUuid } from '../ids.ts';

/**
 * Keyset-pagination cursors: a base64url JSON array of the sort key's values. Clients treat them as opaque; the
 * server decodes every one against the shape it expects, so a forged or stale cursor is a 400 naming the cursor,
 * never a value PostgreSQL refuses to cast.
 */
export type CursorPart = 'timestamp' | 'timestamp-or-infinity' | 'uuid' | 'int';
export type CursorValue = string | number;

/** What `Date.prototype.toISOString` writes for years 0000–9999, the only timestamps we issue. */
const ISO_TIMESTAMP =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?Z$/;
const INT32 = 2 ** 31;

/** The query parameter: bounded, base64url only; the content is checked when decoded. */
export const CursorQuery = z
  .string()
  .max(300)
  .regex(/^[A-Za-z0-9_-]*$/, 'is not a cursor this API issued');

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function fits(part: CursorPart, value: unknown): boolean {
  switch (part) {
    case 'uuid':
      return typeof value === 'string' && isUuid(value);
    case 'int':
      return Number.isInteger(value) && Math.abs(value as number) < INT32;
    case 'timestamp-or-infinity':
      if (value === 'infinity') return true;
      return fits('timestamp', value);
    case 'timestamp':
      return typeof value === 'string' && ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
  }
}

/** The cursor's values when it has exactly this shape; a 400 on `querystring.cursor` otherwise. */
export function decodeCursor(cursor: string | undefined, shape: CursorPart[]): CursorValue[] | undefined {
  if (!cursor) return undefined;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values.length !== shape.length ||
    !shape.every((part, index) => fits(part, values[index]))
  ) {
    throw new DomainError(
      'validation_failed',
      'The cursor is not one this API issued for this list and sort',
      {
        errors: [{ field: 'querystring.cursor', message: 'is invalid' }],
      },
    );
  }
  return values as CursorValue[];
}
