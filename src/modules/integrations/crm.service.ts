import type { Platform } from '../../platform/context.ts';
import { DomainError } from '../../platform/errors.ts';
import type { StoredEvent } from '../../platform/events/domain-events.ts';
import type { EventProcessor, EventReference } from '../../platform/events/event-processors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { OutboundRequestError } from '../../platform/http/outbound-guard.ts';
import { randomToken, sha256Hex } from '../../platform/security/crypto.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { ContactService, ContactWithIdentities } from '../contacts/contact.service.ts';
import { type CrmConnectorRow, type CrmLookupRow, presentCustomer } from './crm.presenter.ts';
import * as repository from './crm.repository.ts';
import type { CrmConnectorBody, CrmCustomerView, CrmLookupQuery } from './crm.schema.ts';
import { type CrmConnector, CrmLookupError } from './crm-connector.ts';
import { HttpCrmConnector } from './http-crm-connector.ts';

export const CRM_LOOKUP = 'crm-lookup';

/** After a failed lookup, the panel shows the stale answer for this long before asking the CRM again. */
const FAILURE_BACKOFF_MS = 30_000;

interface CrmLookupJob {
  tenantId: string;
  contactId: string;
}

/**
 * The tenant's CRM connector: its configuration, customer lookups with a TTL cache that never blocks
 * ingest (pre-warmed by a processor on `contact.created`), and the connector factory write-back uses.
 */
export class CrmService {
  private readonly inflight = new Map<string, Promise<CrmCustomerView>>();

  constructor(
    private readonly platform: Platform,
    private readonly contacts: ContactService,
  ) {}

  async connector(tenantId: string): Promise<CrmConnectorRow> {
    const row = await repository.findConnector(this.platform.database.db, tenantId);
    if (!row) throw new DomainError('not_found', 'No CRM connector is configured for this tenant');
    return row;
  }

  /** Creates or replaces the configuration; a new connector (or `rotateSecret`) gets a fresh signing secret. */
  async saveConnector(actor: Actor, input: CrmConnectorBody) {
    checkBaseUrl(this.platform, input.baseUrl);
    this.enabledCache.delete(actor.tenantId);
    return this.platform.database.transaction(async (tx) => {
      const existing = await repository.findConnector(tx.db, actor.tenantId);
      const signingSecret = !existing || input.rotateSecret ? randomToken(32) : undefined;
      const connector = await repository.saveConnector(tx.db, actor.tenantId, {
        baseUrl: input.baseUrl,
        secretEncrypted: signingSecret
          ? this.platform.secretBox.seal(signingSecret)
          : existing!.secretEncrypted,
        timeoutMs: input.timeoutMs,
        cacheTtlSeconds: input.cacheTtlSeconds,
        enabled: input.enabled,
        writeBackEnabled: input.writeBackEnabled,
      });
      // Answers of another CRM say nothing about this one.
      if (existing && existing.baseUrl !== input.baseUrl)
        await repository.clearLookups(tx.db, actor.tenantId);
      const { rotateSecret: _rotate, ...settings } = input;
      await recordAudit(tx, actor.tenantId, actor, {
        action: existing ? 'crm_connector.updated' : 'crm_connector.created',
        entityType: 'crm_connector',
        entityId: actor.tenantId,
        changes: { ...settings, secretRotated: Boolean(existing && signingSecret) },
      });
      return { connector, signingSecret, created: !existing };
    });
  }

  async removeConnector(actor: Actor): Promise<void> {
    this.enabledCache.delete(actor.tenantId);
    await this.platform.database.transaction(async (tx) => {
      if (!(await repository.deleteConnector(tx.db, actor.tenantId)))
        throw new DomainError('not_found', 'No CRM connector is configured for this tenant');
      await repository.clearLookups(tx.db, actor.tenantId);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'crm_connector.deleted',
        entityType: 'crm_connector',
        entityId: actor.tenantId,
      });
    });
  }

  /** The connector implementation for a configuration row (the seam for vendor connectors). */
  connectorFor(row: CrmConnectorRow): CrmConnector {
    let signingSecret: string;
    try {
      signingSecret = this.platform.secretBox.open(row.secretEncrypted);
    } catch {
      throw new CrmLookupError(
        'The CRM signing secret is unreadable (is SECRET_KEY the same on every node?)',
      );
    }
    return new HttpCrmConnector({
      baseUrl: row.baseUrl,
      signingSecret,
      timeoutMs: row.timeoutMs,
      outbound: this.platform.outbound,
    });
  }

  /**
   * What the CRM knows about a contact for the customer panel. A fresh cached answer is served as is;
   * a stale or missing one is refreshed within the connector's timeout; a failed refresh returns the
   * last known answer marked stale with the error. Never throws for CRM trouble.
   */
  async customer(tenantId: string, contactId: string, options: { refresh?: boolean } = {}) {
    const contact = await this.contacts.get(tenantId, contactId);
    const { db } = this.platform.database;
    const config = await repository.findConnector(db, tenantId);
    if (!config?.enabled) return presentCustomer(undefined, { enabled: false, stale: false });
    const query = lookupQueryOf(contact);
    const queryHash = hashQuery(query);
    const cached = await repository.findLookup(db, tenantId, contactId);
    const now = Date.now();
    if (!options.refresh && cached) {
      if (isFresh(cached, config, queryHash, now))
        return presentCustomer(cached, { enabled: true, stale: false });
      if (recentlyFailed(cached, config, now)) return presentCustomer(cached, { enabled: true, stale: true });
    }
    const key = `${tenantId}:${contactId}`;
    const running = this.inflight.get(key);
    if (running) return running;
    const lookup = this.refresh(config, contactId, query, queryHash).finally(() => this.inflight.delete(key));
    this.inflight.set(key, lookup);
    return lookup;
  }

  private async refresh(
    config: CrmConnectorRow,
    contactId: string,
    query: CrmLookupQuery,
    queryHash: string,
  ): Promise<CrmCustomerView> {
    const { db } = this.platform.database;
    const tenantId = config.tenantId;
    try {
      const result =
        query.email || query.phone || query.externalId
          ? await this.connectorFor(config).lookup(query)
          : { found: false, externalId: null, profileUrl: null, attributes: {}, orders: [] };
      const stored = await repository.saveLookupSuccess(db, tenantId, contactId, queryHash, result);
      await this.contacts.recordExternalEvents(
        tenantId,
        contactId,
        result.orders.map((order) => ({
          kind: 'crm_order',
          externalId: order.id,
          summary: [
            `Order ${order.id}`,
            order.status,
            order.total !== null ? `${order.total} ${order.currency ?? ''}`.trim() : null,
          ]
            .filter(Boolean)
            .join(' · '),
          occurredAt: order.date && !Number.isNaN(Date.parse(order.date)) ? new Date(order.date) : new Date(),
          data: order as unknown as Record<string, unknown>,
        })),
      );
      return presentCustomer(stored, { enabled: true, stale: false });
    } catch (error) {
      const reason =
        error instanceof CrmLookupError ? error.message : `CRM lookup failed: ${(error as Error).message}`;
      this.platform.logger.warn({ tenantId, contactId, reason }, 'CRM lookup failed');
      const stored = await repository
        .saveLookupFailure(db, tenantId, contactId, queryHash, reason)
        .catch(() => undefined);
      return presentCustomer(
        stored ?? { data: null, fetchedAt: null, attemptedAt: new Date(), error: reason },
        {
          enabled: true,
          stale: true,
        },
      );
    }
  }

  /** Processor: a new contact's CRM data is fetched in the background, so the panel opens warm. */
  private readonly enabledCache = new Map<string, { enabled: boolean; until: number }>();

  /** Whether the tenant has an enabled connector; cached briefly, as it is asked for every new contact. */
  private async enabledFor(tenantId: string): Promise<boolean> {
    const hit = this.enabledCache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.enabled;
    const config = await repository.findConnector(this.platform.database.db, tenantId);
    const enabled = Boolean(config?.enabled);
    this.enabledCache.set(tenantId, { enabled, until: Date.now() + 10_000 });
    return enabled;
  }

  prewarmProcessor(): EventProcessor {
    return {
      name: 'crm-prewarm',
      handles: ['contact.created'],
      accepts: (event: StoredEvent) => this.enabledFor(event.tenantId),
      handle: async (event: EventReference) => {
        const config = await repository.findConnector(this.platform.database.db, event.tenantId);
        if (!config?.enabled) return;
        const job: CrmLookupJob = { tenantId: event.tenantId, contactId: event.entityId };
        await this.platform.jobs.send(this.platform.database, CRM_LOOKUP, job, {
          singletonKey: `crm-lookup:${event.entityId}`,
        });
        this.platform.jobs.nudge(CRM_LOOKUP);
      },
    };
  }

  /** The pre-warm job: CRM trouble is recorded on the cache row, never retried by the queue. */
  async prewarm(job: CrmLookupJob): Promise<void> {
    try {
      await this.customer(job.tenantId, job.contactId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not_found') return;
      throw error;
    }
  }

  async startWorkers(): Promise<void> {
    // Lookups run on their own queue: a hanging CRM must not hold up other processors' events.
    await this.platform.jobs.work<CrmLookupJob>(CRM_LOOKUP, (job) => this.prewarm(job), {
      batchSize: 1,
      pollingIntervalSeconds: 1,
      workers: 2,
      deferrable: true,
    });
  }
}

/** The identities a CRM can match on: verified and recently used ones first. */
export function lookupQueryOf({ contact, identities }: ContactWithIdentities): CrmLookupQuery {
  const ordered = [...identities].sort(
    (left, right) =>
      Number(right.verified) - Number(left.verified) ||
      right.lastSeenAt.getTime() - left.lastSeenAt.getTime(),
  );
  const values = (kinds: string[]) => [
    ...new Set(
      kinds.flatMap((kind) =>
        ordered.filter((identity) => identity.kind === kind).map((identity) => identity.value),
      ),
    ),
  ];
  const emails = values(['email']);
  const phones = values(['phone', 'whatsapp']);
  // The CRM's own id wins: a `crm` identity, else a `crmId` attribute, else the shop's `api` id.
  const crmId = contact.customAttributes.crmId;
  const externalId =
    ordered.find((identity) => identity.kind === 'crm')?.value ??
    (typeof crmId === 'string' || typeof crmId === 'number' ? String(crmId) : undefined) ??
    ordered.find((identity) => identity.kind === 'api')?.value ??
    null;
  return {
    contactId: contact.id,
    name: contact.name,
    email: emails[0] ?? null,
    phone: phones[0] ?? null,
    externalId,
    emails,
    phones,
  };
}

/** Literal private addresses are refused when saved; names are judged when a call connects (OutboundGuard). */
function checkBaseUrl(platform: Platform, baseUrl: string): void {
  try {
    platform.outbound.checkUrl(baseUrl);
  } catch (error) {
    if (!(error instanceof OutboundRequestError)) throw error;
    const message = `CRM ${error.reason}`;
    throw new DomainError('validation_failed', message, { errors: [{ field: 'body.baseUrl', message }] });
  }
}

function hashQuery(query: CrmLookupQuery): string {
  const { contactId: _id, name: _name, ...identities } = query;
  return sha256Hex(JSON.stringify(identities));
}

function isFresh(cached: CrmLookupRow, config: CrmConnectorRow, queryHash: string, now: number): boolean {
  return (
    cached.queryHash === queryHash &&
    cached.fetchedAt !== null &&
    now - cached.fetchedAt.getTime() < config.cacheTtlSeconds * 1000
  );
}

function recentlyFailed(cached: CrmLookupRow, config: CrmConnectorRow, now: number): boolean {
  if (!cached.error) return false;
  const window = Math.min(FAILURE_BACKOFF_MS, config.cacheTtlSeconds * 1000);
  return now - cached.attemptedAt.getTime() < window;
}
