import { z } from 'zod';

type WithoutDefaults<T extends z.ZodRawShape> = {
  [K in keyof T]: T[K] extends z.ZodDefault<infer Inner> ? Inner : T[K];
};

/**
 * The PATCH body of a create schema: every field optional, unknown keys refused, and no defaults — a default in a
 * PATCH would silently overwrite the stored value of every field the client left out.
 */
export function patchOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    shape[key] = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
  }
  return z
    .object(shape as unknown as WithoutDefaults<T>)
    .partial()
    .strict();
}
