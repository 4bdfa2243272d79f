import { z } from 'zod';

export const LabelView = z.object({
  id: z.uuid(),
  name: z.string(),
  color: z.string(),
  description: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type LabelView = z.infer<typeof LabelView>;

const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour such as #2563eb')
  .transform((value) => value.toLowerCase());

export const CreateLabelBody = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[^,\s][^,]*$/, 'must not contain commas'),
  color: color.default('#64748b'),
  description: z.string().trim().max(500).nullable().default(null),
});
export type CreateLabelBody = z.infer<typeof CreateLabelBody>;

/** The name is fixed once created: conversations refer to labels by name. */
export const UpdateLabelBody = z
  .object({ color, description: z.string().trim().max(500).nullable() })
  .partial()
  .strict();
export type UpdateLabelBody = z.infer<typeof UpdateLabelBody>;

export const LabelParams = z.object({ id: z.uuid() });
