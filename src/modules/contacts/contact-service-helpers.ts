import { and, eq } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import { channels } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import {
  decodeCursor as decodeListCursor,
  encodeCursor as encodeListCursor,
} from '../../platform/http/cursor.ts';

export function identityTaken(kind: string, value: string): DomainError {
  return new DomainError('conflict', `The ${kind} identity ${value} already belongs to a contact`);
}

export async function assertChannel(db: Drizzle, tenantId: string, channelId: string) {
  const [row] = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.tenantId, tenantId), eq(channels.id, channelId)));
  if (!row) throw notFound('Channel', channelId);
}

export function encodeCursor(createdAt: Date, id: string): string {
  return encodeListCursor([createdAt.toISOString(), id]);
}

export function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  const values = decodeListCursor(cursor, ['timestamp', 'uuid']);
  return values && { createdAt: new Date(values[0] as string), id: values[1] as string };
}
