import type { LabelView } from './labels.schema.ts';
import type { labels } from './labels.tables.ts';

export type LabelRow = typeof labels.$inferSelect;

export function presentLabel(label: LabelRow): LabelView {
  return {
    id: label.id,
    name: label.name,
    color: label.color,
    description: label.description,
    createdAt: label.createdAt.toISOString(),
    updatedAt: label.updatedAt.toISOString(),
  };
}
