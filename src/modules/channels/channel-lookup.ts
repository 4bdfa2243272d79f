import { and, eq } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import { notFound } from '../../platform/errors.ts';
import { channels } from './channels.tables.ts';

/** For other modules that keep a channel id (a contact's preferred channel): a 404 unless the tenant has it. */
export async function assertChannelExists(db: Drizzle, tenantId: string, channelId: string): Promise<void> {
  const [row] = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.tenantId, tenantId), eq(channels.id, channelId)));
  if (!row) throw notFound('Channel', channelId);
}
