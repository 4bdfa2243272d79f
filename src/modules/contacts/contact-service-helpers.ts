import { DomainError } from '../../platform/errors.ts';
import {
  decodeCursor as decodeListCursor,
  encodeCursor as encodeListCursor,
} from '../../platform/http/cursor.ts';

export function identityTaken(kind: string, value: string): DomainError {
  return new DomainError('conflict', `The ${kind} identity ${value} already belongs to a contact`);
}

export function encodeCursor(createdAt: Date, id: string): string {
  return encodeListCursor([createdAt.toISOString(), id]);
}

export function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  const values = decodeListCursor(cursor, ['timestamp', 'uuid']);
  return values && { createdAt: new Date(values[0] as string), id: values[1] as string };
}
