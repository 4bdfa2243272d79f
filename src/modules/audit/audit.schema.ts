import { z } from 'zod';

export const AuditEntryView = z.object({
  id: z.number().int(),
  actorUserId: z.uuid().nullable(),
  actorTokenId: z.uuid().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  changes: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});

export const AuditQuery = z.object({
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  actor: z.uuid().optional(),
  before: z.coerce.number().int().positive().optional().describe('entry id; returns older entries'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
