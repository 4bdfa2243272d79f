import { getTableColumns, type Table } from 'drizzle-orm';

const lists = new Map<string, string>();

/**
 * `"tenant_id" as "tenantId", …` for a hand-written statement that must return the same row shape as
 * drizzle's select() on the table (both drivers parse timestamps, json and int8 the same way). Hot paths use
 * it with named statements, so the SQL is built once, not per request.
 */
export function selectList(table: Table, options: { alias?: string; except?: string[] } = {}): string {
  const key = `${(table as any)[Symbol.for('drizzle:Name')]}|${options.alias ?? ''}|${options.except?.join() ?? ''}`;
  let list = lists.get(key);
  if (!list) {
    const prefix = options.alias ? `${options.alias}.` : '';
    list = Object.entries(getTableColumns(table))
      .filter(([name]) => !options.except?.includes(name))
      .map(([name, column]) => `${prefix}"${column.name}" as "${name}"`)
      .join(', ');
    lists.set(key, list);
  }
  return list;
}
