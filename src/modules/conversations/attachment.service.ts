import { createHash } from 'node:crypto';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { AttachmentStorage } from '../../platform/storage/attachment-storage.ts';
import type { AttachmentRow } from './conversation.presenter.ts';
import { attachments } from './conversations.tables.ts';

export interface IncomingFile {
  filename: string;
  contentType: string;
  data: Buffer;
  contentId?: string;
  inline?: boolean;
}

export interface StoredFile {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  storageKey: string;
  contentId: string | null;
  inline: boolean;
}

/**
 * Bytes are written before the database transaction under a content-addressed key, so a rolled back
 * transaction leaves at most an unreferenced file, never a row without bytes.
 */
export async function storeFiles(
  storage: AttachmentStorage,
  tenantId: string,
  files: IncomingFile[],
): Promise<StoredFile[]> {
  const stored: StoredFile[] = [];
  for (const file of files) {
    const sha256 = createHash('sha256').update(file.data).digest('hex');
    const storageKey = `${tenantId}/${sha256.slice(0, 2)}/${sha256}`;
    await storage.put(storageKey, file.data);
    stored.push({
      filename: file.filename.replace(/[\\/\0]/g, '_'),
      contentType: file.contentType,
      size: file.data.length,
      sha256,
      storageKey,
      contentId: file.contentId ?? null,
      inline: file.inline ?? false,
    });
  }
  return stored;
}

export async function insertAttachments(
  tx: Tx,
  tenantId: string,
  messageId: string,
  files: StoredFile[],
): Promise<AttachmentRow[]> {
  if (files.length === 0) return [];
  return tx.db
    .insert(attachments)
    .values(files.map((file) => ({ tenantId, id: newId(), messageId, ...file })))
    .returning();
}
