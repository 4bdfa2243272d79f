import { asc, eq } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import { tenants } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { CreateTenantBody, UpdateTenantBody } from './tenants.schema.ts';

export type Tenant = typeof tenants.$inferSelect;

const CACHE_TTL_MS = 5_000;

export class TenantService {
  private readonly cache = new Map<string, { tenant: Tenant; until: number }>();

  constructor(private readonly platform: Platform) {}

  async create(actor: Actor | null, input: CreateTenantBody): Promise<Tenant> {
    const { database } = this.platform;
    const existing = await database.db
      .select({ id: tenants.id })
      .from(tenants)
      .where(eq(tenants.slug, input.slug));
    if (existing.length > 0)
      throw new DomainError('conflict', `A tenant with slug ${input.slug} already exists`);
    return database.transaction(async (tx) => {
      const [tenant] = await tx.db
        .insert(tenants)
        .values({ id: newId(), ...input })
        .returning();
      await recordAudit(tx, tenant!.id, actor, {
        action: 'tenant.created',
        entityType: 'tenant',
        entityId: tenant!.id,
      });
      return tenant!;
    });
  }

  async list(): Promise<Tenant[]> {
    return this.platform.database.db.select().from(tenants).orderBy(asc(tenants.createdAt));
  }

  async get(tenantId: string): Promise<Tenant> {
    const [tenant] = await this.platform.database.db.select().from(tenants).where(eq(tenants.id, tenantId));
    if (!tenant) throw notFound('Tenant', tenantId);
    return tenant;
  }

  /** Settings read on hot paths (ingest) through a short cache. */
  async cached(tenantId: string): Promise<Tenant> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.tenant;
    const tenant = await this.get(tenantId);
    this.cache.set(tenantId, { tenant, until: Date.now() + CACHE_TTL_MS });
    return tenant;
  }

  async findBySlug(slug: string): Promise<Tenant | undefined> {
    const [tenant] = await this.platform.database.db.select().from(tenants).where(eq(tenants.slug, slug));
    return tenant;
  }

  async update(actor: Actor, input: UpdateTenantBody): Promise<Tenant> {
    return this.platform.database.transaction(async (tx) => {
      const [tenant] = await tx.db
        .update(tenants)
        .set({ ...input, updatedAt: new Date() })
        .where(eq(tenants.id, actor.tenantId))
        .returning();
      if (!tenant) throw notFound('Tenant', actor.tenantId);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'tenant.updated',
        entityType: 'tenant',
        entityId: tenant.id,
        changes: input,
      });
      this.cache.delete(tenant.id);
      return tenant;
    });
  }
}
