import type { CrmActivityView, CrmConnectorView, CrmCustomerView, CrmLookupResult } from './crm.schema.ts';
import type { crmActivities, crmConnectors, crmLookups } from './crm.tables.ts';

export type CrmConnectorRow = typeof crmConnectors.$inferSelect;
export type CrmLookupRow = typeof crmLookups.$inferSelect;
export type CrmActivityRow = typeof crmActivities.$inferSelect;

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Never includes the signing secret. */
export function presentConnector(row: CrmConnectorRow): CrmConnectorView {
  return {
    kind: row.kind,
    baseUrl: row.baseUrl,
    timeoutMs: row.timeoutMs,
    cacheTtlSeconds: row.cacheTtlSeconds,
    enabled: row.enabled,
    writeBackEnabled: row.writeBackEnabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function presentCustomer(
  lookup: Pick<CrmLookupRow, 'data' | 'fetchedAt' | 'attemptedAt' | 'error'> | undefined,
  state: { enabled: boolean; stale: boolean },
): CrmCustomerView {
  const data = lookup?.data as CrmLookupResult | null | undefined;
  return {
    enabled: state.enabled,
    found: data?.found ?? false,
    externalId: data?.externalId ?? null,
    profileUrl: data?.profileUrl ?? null,
    attributes: data?.attributes ?? {},
    orders: data?.orders ?? [],
    fetchedAt: iso(lookup?.fetchedAt ?? null),
    stale: state.stale,
    error: lookup?.error ?? null,
    lastAttemptAt: iso(lookup?.attemptedAt ?? null),
  };
}

export function presentActivity(row: CrmActivityRow): CrmActivityView {
  return {
    id: row.id,
    kind: row.kind,
    conversationId: row.conversationId,
    conversationNumber: row.conversationNumber,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt: iso(row.nextAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    history: row.history,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
