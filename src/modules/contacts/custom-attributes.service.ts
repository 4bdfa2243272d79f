import { and, asc, eq } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import type { Drizzle } from '../../platform/db/database.ts';
import { DomainError, type FieldError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { AttributeDefinitionBody } from './contacts.schema.ts';
import { customAttributeDefinitions } from './contacts.tables.ts';

export type AttributeDefinition = typeof customAttributeDefinitions.$inferSelect;

/** Typed custom attributes per tenant; values of defined keys are checked, undefined keys stay free-form. */
export class CustomAttributeService {
  constructor(private readonly platform: Platform) {}

  list(tenantId: string, db: Drizzle = this.platform.database.db): Promise<AttributeDefinition[]> {
    return db
      .select()
      .from(customAttributeDefinitions)
      .where(eq(customAttributeDefinitions.tenantId, tenantId))
      .orderBy(asc(customAttributeDefinitions.key));
  }

  async define(actor: Actor, input: AttributeDefinitionBody): Promise<AttributeDefinition> {
    if (input.type === 'list' && input.options.length === 0) {
      throw new DomainError('validation_failed', 'A list attribute needs options', {
        errors: [{ field: 'body.options', message: 'needs at least one option' }],
      });
    }
    return this.platform.database.transaction(async (tx) => {
      const [row] = await tx.db
        .insert(customAttributeDefinitions)
        .values({ tenantId: actor.tenantId, id: newId(), ...input })
        .onConflictDoNothing()
        .returning();
      if (!row) throw new DomainError('conflict', `Attribute ${input.key} is already defined`);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'attribute.defined',
        entityType: 'attribute',
        entityId: row.id,
        changes: input,
      });
      return row;
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.platform.database.transaction(async (tx) => {
      const removed = await tx.db
        .delete(customAttributeDefinitions)
        .where(
          and(eq(customAttributeDefinitions.tenantId, actor.tenantId), eq(customAttributeDefinitions.id, id)),
        )
        .returning();
      if (removed.length === 0) throw notFound('Attribute definition', id);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'attribute.removed',
        entityType: 'attribute',
        entityId: id,
      });
    });
  }

  /** Returns the values with numbers/booleans/dates normalised; throws with every field that is wrong. */
  async validate(
    tenantId: string,
    values: Record<string, unknown>,
    db?: Drizzle,
  ): Promise<Record<string, unknown>> {
    const definitions = new Map(
      (await this.list(tenantId, db)).map((definition) => [definition.key, definition]),
    );
    const errors: FieldError[] = [];
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const definition = definitions.get(key);
      if (!definition || value === null) {
        result[key] = value;
        continue;
      }
      const checked = checkValue(definition, value);
      if (checked.ok) result[key] = checked.value;
      else errors.push({ field: `body.customAttributes.${key}`, message: checked.message });
    }
    if (errors.length > 0) {
      throw new DomainError(
        'validation_failed',
        `Invalid custom attributes: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}`,
        { errors },
      );
    }
    return result;
  }
}

type Checked = { ok: true; value: unknown } | { ok: false; message: string };

function checkValue(definition: AttributeDefinition, value: unknown): Checked {
  switch (definition.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 2000
        ? { ok: true, value }
        : { ok: false, message: 'must be text (up to 2,000 characters)' };
    case 'number': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof number === 'number' && Number.isFinite(number)
        ? { ok: true, value: number }
        : { ok: false, message: 'must be a number' };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return { ok: false, message: 'must be true or false' };
    case 'date':
      return typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(value) &&
        !Number.isNaN(Date.parse(value))
        ? { ok: true, value }
        : { ok: false, message: 'must be a date like 2026-03-31' };
    case 'list':
      return typeof value === 'string' && definition.options.includes(value)
        ? { ok: true, value }
        : { ok: false, message: `must be one of ${definition.options.join(', ')}` };
    case 'link':
      return typeof value === 'string' && /^https?:\/\/\S+$/.test(value) && URL.canParse(value)
        ? { ok: true, value }
        : { ok: false, message: 'must be an http(s) link' };
    default: {
      const unknownType: never = definition.type;
      return { ok: false, message: `unknown type ${String(unknownType)}` };
    }
  }
}
