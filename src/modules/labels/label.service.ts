import type { Platform } from '../../platform/context.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { LabelRow } from './label.presenter.ts';
import * as repository from './label.repository.ts';
import type { CreateLabelBody, UpdateLabelBody } from './labels.schema.ts';

/** The tenant's label catalogue (admins curate it; agents pick from it). */
export class LabelService {
  constructor(private readonly platform: Platform) {}

  list(tenantId: string): Promise<LabelRow[]> {
    return repository.listLabels(this.platform.database.db, tenantId);
  }

  async create(actor: Actor, input: CreateLabelBody): Promise<LabelRow> {
    return this.platform.database.transaction(async (tx) => {
      if (await repository.findLabelByName(tx.db, actor.tenantId, input.name)) {
        throw new DomainError('conflict', `A label named ${input.name} exists`);
      }
      const label = await repository.insertLabel(tx.db, actor.tenantId, input);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'label.created',
        entityType: 'label',
        entityId: label.id,
        changes: input,
      });
      return label;
    });
  }

  async update(actor: Actor, labelId: string, input: UpdateLabelBody): Promise<LabelRow> {
    return this.platform.database.transaction(async (tx) => {
      const label = await repository.updateLabel(tx.db, actor.tenantId, labelId, input);
      if (!label) throw notFound('Label', labelId);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'label.updated',
        entityType: 'label',
        entityId: labelId,
        changes: input,
      });
      return label;
    });
  }

  async remove(actor: Actor, labelId: string): Promise<void> {
    await this.platform.database.transaction(async (tx) => {
      const removed = await repository.deleteLabel(tx.db, actor.tenantId, labelId);
      if (!removed) throw notFound('Label', labelId);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'label.deleted',
        entityType: 'label',
        entityId: labelId,
        changes: { name: removed.name },
      });
    });
  }
}
