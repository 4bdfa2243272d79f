import type { Services } from '../app.ts';
import { randomToken } from '../platform/security/crypto.ts';

export interface FirstRun {
  tenantSlug: string;
  email: string;
  password: string;
}

/** On an empty database: one tenant and one admin, whose generated password is shown exactly once. */
export async function ensureFirstAdmin(
  services: Services,
  email = 'admin@unisono.local',
): Promise<FirstRun | undefined> {
  const existing = await services.tenants.list();
  if (existing.length > 0) return undefined;
  const tenant = await services.tenants.create(null, {
    slug: 'default',
    name: 'Unisono',
    defaultLanguage: 'en',
    timeZone: 'Europe/Berlin',
    defaultCountry: 'DE',
    senderAddresses: [],
    reopenWindowMinutes: 0,
  });
  const password = randomToken(12);
  await services.users.create(tenant.id, null, {
    email,
    name: 'Administrator',
    role: 'admin',
    password,
    isPlatformAdmin: true,
  });
  return { tenantSlug: tenant.slug, email, password };
}
