import { and, asc, eq } from 'drizzle-orm';
import type { ChannelAdapter } from '../../channels/adapter.ts';
import type { ChannelRegistry } from '../../channels/registry.ts';
import type { Platform } from '../../platform/context.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { ChannelRow } from './channel.presenter.ts';
import type { CreateChannelBody, UpdateChannelBody } from './channels.schema.ts';
import { channels } from './channels.tables.ts';

export interface ResolvedChannel {
  channel: ChannelRow;
  adapter: ChannelAdapter;
  /** Public and secret settings merged, as the adapter needs them. */
  settings: Record<string, unknown>;
}

const CACHE_TTL_MS = 5_000;

export class ChannelService {
  private readonly cache = new Map<string, { resolved: ResolvedChannel; until: number }>();

  constructor(
    private readonly platform: Platform,
    readonly registry: ChannelRegistry,
  ) {}

  async create(actor: Actor, input: CreateChannelBody) {
    const adapter = this.registry.get(input.kind);
    const settings = adapter.prepareSettings(this.validateSettings(adapter, input.settings));
    const { publicSettings, secrets } = this.split(adapter, settings);
    const channel = await this.platform.database.transaction(async (tx) => {
      const [row] = await tx.db
        .insert(channels)
        .values({
          tenantId: actor.tenantId,
          id: newId(),
          kind: adapter.kind,
          name: input.name,
          config: publicSettings,
          secretsEncrypted: this.seal(secrets),
        })
        .returning();
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'channel.created',
        entityType: 'channel',
        entityId: row!.id,
        changes: { kind: adapter.kind, name: input.name, settings: publicSettings },
      });
      return row!;
    });
    return { channel, secrets };
  }

  async list(tenantId: string): Promise<ChannelRow[]> {
    return this.platform.database.db
      .select()
      .from(channels)
      .where(eq(channels.tenantId, tenantId))
      .orderBy(asc(channels.createdAt));
  }

  async get(tenantId: string, channelId: string): Promise<ChannelRow> {
    const [row] = await this.platform.database.db
      .select()
      .from(channels)
      .where(and(eq(channels.tenantId, tenantId), eq(channels.id, channelId)));
    if (!row) throw notFound('Channel', channelId);
    return row;
  }

  secretNames(channel: ChannelRow): string[] {
    return Object.keys(this.open(channel.secretsEncrypted));
  }

  async update(actor: Actor, channelId: string, input: UpdateChannelBody): Promise<ChannelRow> {
    const current = await this.get(actor.tenantId, channelId);
    const adapter = this.registry.get(current.kind);
    let config = current.config;
    let secretsEncrypted = current.secretsEncrypted;
    if (input.settings) {
      const merged = { ...current.config, ...this.open(current.secretsEncrypted), ...input.settings };
      const { publicSettings, secrets } = this.split(adapter, this.validateSettings(adapter, merged));
      config = publicSettings;
      secretsEncrypted = this.seal(secrets);
    }
    const updated = await this.platform.database.transaction(async (tx) => {
      const [row] = await tx.db
        .update(channels)
        .set({
          name: input.name ?? current.name,
          enabled: input.enabled ?? current.enabled,
          config,
          secretsEncrypted,
          updatedAt: new Date(),
        })
        .where(and(eq(channels.tenantId, actor.tenantId), eq(channels.id, channelId)))
        .returning();
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'channel.updated',
        entityType: 'channel',
        entityId: channelId,
        changes: { name: input.name, enabled: input.enabled, settings: config },
      });
      return row!;
    });
    this.cache.delete(channelId);
    return updated;
  }

  /** Every enabled channel of a kind, across tenants: for transports that serve them all (IMAP, SMTP). */
  async listEnabledByKind(kind: string): Promise<ChannelRow[]> {
    return this.platform.database.db
      .select()
      .from(channels)
      .where(and(eq(channels.kind, kind), eq(channels.enabled, true)))
      .orderBy(asc(channels.createdAt));
  }

  /** Records the health of a channel's connection, shown to admins (auth failure vs temporary). */
  async setStatus(channel: ChannelRow, status: ChannelRow['status'], detail: string | null): Promise<void> {
    if (channel.status === status && channel.statusDetail === detail) return;
    await this.platform.database.db
      .update(channels)
      .set({ status, statusDetail: detail, statusChangedAt: new Date() })
      .where(and(eq(channels.tenantId, channel.tenantId), eq(channels.id, channel.id)));
    channel.status = status;
    channel.statusDetail = detail;
    this.cache.delete(channel.id);
  }

  /** Persists transport bookkeeping (e.g. the last fetched IMAP UID) so restarts resume where they stopped. */
  async saveState(channel: ChannelRow, state: Record<string, unknown>): Promise<void> {
    await this.platform.database.db
      .update(channels)
      .set({ state })
      .where(and(eq(channels.tenantId, channel.tenantId), eq(channels.id, channel.id)));
    channel.state = state;
  }

  /** A channel with its adapter and decrypted settings, by id alone (webhooks carry no tenant). */
  async resolve(channelId: string, tenantId?: string): Promise<ResolvedChannel> {
    const hit = this.cache.get(channelId);
    if (hit && hit.until > Date.now() && (!tenantId || hit.resolved.channel.tenantId === tenantId))
      return hit.resolved;
    const [channel] = await this.platform.database.db
      .select()
      .from(channels)
      .where(
        tenantId
          ? and(eq(channels.tenantId, tenantId), eq(channels.id, channelId))
          : eq(channels.id, channelId),
      );
    if (!channel) throw notFound('Channel', channelId);
    const adapter = this.registry.get(channel.kind);
    const resolved = {
      channel,
      adapter,
      settings: { ...channel.config, ...this.open(channel.secretsEncrypted) },
    };
    this.cache.set(channelId, { resolved, until: Date.now() + CACHE_TTL_MS });
    return resolved;
  }

  private validateSettings(adapter: ChannelAdapter, settings: Record<string, unknown>) {
    const parsed = adapter.settingsSchema.safeParse(settings);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        field: ['body', 'settings', ...issue.path].join('.'),
        message: issue.message,
      }));
      throw new DomainError(
        'validation_failed',
        `Invalid ${adapter.displayName} channel settings: ${errors.map((entry) => `${entry.field} ${entry.message}`).join('; ')}`,
        { errors },
      );
    }
    return parsed.data as Record<string, unknown>;
  }

  private split(adapter: ChannelAdapter, settings: Record<string, unknown>) {
    const publicSettings: Record<string, unknown> = {};
    const secrets: Record<string, string> = {};
    for (const [key, value] of Object.entries(settings)) {
      if (value === undefined) continue;
      if (adapter.secretSettings.includes(key)) secrets[key] = String(value);
      else publicSettings[key] = value;
    }
    return { publicSettings, secrets };
  }

  private seal(secrets: Record<string, string>): string | null {
    return Object.keys(secrets).length > 0 ? this.platform.secretBox.seal(JSON.stringify(secrets)) : null;
  }

  private open(sealed: string | null): Record<string, string> {
    return sealed ? (JSON.parse(this.platform.secretBox.open(sealed)) as Record<string, string>) : {};
  }
}
