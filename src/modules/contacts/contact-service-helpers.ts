import { and, eq } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import { channels } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';

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
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw new DomainError('validation_failed', 'The cursor is not one this API issued', {
      errors: [{ field: 'querystring.cursor', message: 'is invalid' }],
    });
  }
}
