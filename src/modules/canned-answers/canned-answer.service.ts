import type { Platform } from '../../platform/context.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { CannedAnswerRow } from './canned-answer.presenter.ts';
import * as repository from './canned-answer.repository.ts';
import type { CreateCannedAnswerBody, UpdateCannedAnswerBody } from './canned-answers.schema.ts';

/** Approved answers, one source for every channel; admins curate, agents insert. */
export class CannedAnswerService {
  constructor(private readonly platform: Platform) {}

  list(tenantId: string, q?: string): Promise<CannedAnswerRow[]> {
    return repository.listCannedAnswers(this.platform.database.db, tenantId, q);
  }

  async create(actor: Actor, input: CreateCannedAnswerBody): Promise<CannedAnswerRow> {
    return this.platform.database.transaction(async (tx) => {
      if (await repository.shortcutTaken(tx.db, actor.tenantId, input.shortcut)) {
        throw new DomainError('conflict', `The shortcut /${input.shortcut} is taken`);
      }
      const answer = await repository.insertCannedAnswer(tx.db, actor.tenantId, input);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'canned_answer.created',
        entityType: 'canned_answer',
        entityId: answer.id,
        changes: input,
      });
      return answer;
    });
  }

  async update(actor: Actor, id: string, input: UpdateCannedAnswerBody): Promise<CannedAnswerRow> {
    return this.platform.database.transaction(async (tx) => {
      if (input.shortcut && (await repository.shortcutTaken(tx.db, actor.tenantId, input.shortcut, id))) {
        throw new DomainError('conflict', `The shortcut /${input.shortcut} is taken`);
      }
      const answer = await repository.updateCannedAnswer(tx.db, actor.tenantId, id, input);
      if (!answer) throw notFound('Canned answer', id);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'canned_answer.updated',
        entityType: 'canned_answer',
        entityId: id,
        changes: input,
      });
      return answer;
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.platform.database.transaction(async (tx) => {
      const removed = await repository.deleteCannedAnswer(tx.db, actor.tenantId, id);
      if (!removed) throw notFound('Canned answer', id);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'canned_answer.deleted',
        entityType: 'canned_answer',
        entityId: id,
        changes: { shortcut: removed.shortcut },
      });
    });
  }
}
