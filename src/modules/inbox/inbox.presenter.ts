import type { SavedView, ViewFilters } from './inbox.schema.ts';
import type { savedViews } from './inbox.tables.ts';

export type SavedViewRow = typeof savedViews.$inferSelect;

export function presentSavedView(view: SavedViewRow): SavedView {
  return {
    id: view.id,
    name: view.name,
    filters: view.filters as ViewFilters,
    position: view.position,
    createdAt: view.createdAt.toISOString(),
  };
}
