import { z } from 'zod';
import { patchOf } from '../../platform/http/patch-body.ts';

export const TenantView = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  defaultLanguage: z.string(),
  timeZone: z.string(),
  defaultCountry: z.string(),
  senderAddresses: z.array(z.object({ email: z.string(), name: z.string().optional() })),
  reopenWindowMinutes: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type TenantView = z.infer<typeof TenantView>;

const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin');

export const TenantSettings = z.object({
  name: z.string().trim().min(1).max(200),
  defaultLanguage: z.enum(['de', 'en']).default('en'),
  timeZone: timeZone.default('Europe/Berlin'),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as DE')
    .default('DE'),
  senderAddresses: z
    .array(z.object({ email: z.email(), name: z.string().max(200).optional() }))
    .max(50)
    .default([]),
  reopenWindowMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 90)
    .default(0)
    .describe('a customer message within this many minutes after resolve reopens the conversation'),
});

export const CreateTenantBody = TenantSettings.extend({
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, 2–63 characters'),
});
export type CreateTenantBody = z.infer<typeof CreateTenantBody>;

export const UpdateTenantBody = patchOf(TenantSettings);
export type UpdateTenantBody = z.infer<typeof UpdateTenantBody>;
