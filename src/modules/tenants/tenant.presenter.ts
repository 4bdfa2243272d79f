import type { tenants } from '../../platform/db/schema.ts';
import type { TenantView } from './tenants.schema.ts';

export function presentTenant(tenant: typeof tenants.$inferSelect): TenantView {
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    defaultLanguage: tenant.defaultLanguage,
    timeZone: tenant.timeZone,
    defaultCountry: tenant.defaultCountry,
    senderAddresses: tenant.senderAddresses,
    reopenWindowMinutes: tenant.reopenWindowMinutes,
    createdAt: tenant.createdAt.toISOString(),
  };
}
