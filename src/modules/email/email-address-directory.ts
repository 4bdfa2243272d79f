import { baseAddress } from '../../channels/email/reply-token.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { ChannelService } from '../channels/channel.service.ts';

const TTL_MS = 5_000;

/**
 * Which email channels (of any tenant) an address belongs to, from the channels' `address` and
 * `aliases` settings. Cached briefly; a miss re-reads the channels (concurrent misses share one query),
 * so a channel created a moment ago receives mail at once.
 */
export class EmailAddressDirectory {
  private byAddress = new Map<string, ChannelRow[]>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly channels: ChannelService) {}

  async lookup(address: string): Promise<ChannelRow[]> {
    const key = baseAddress(address);
    if (Date.now() - this.loadedAt > TTL_MS) await this.refresh();
    let found = this.byAddress.get(key);
    if (!found) {
      await this.refresh();
      found = this.byAddress.get(key);
    }
    return found ?? [];
  }

  /** A read that starts after this call: waits for one in flight, then at most one more shared by all waiters. */
  private refresh(): Promise<void> {
    if (!this.loading) {
      this.loading = this.load().finally(() => {
        this.loading = undefined;
      });
      return this.loading;
    }
    this.queued ??= this.loading.then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    return this.queued;
  }

  private async load(): Promise<void> {
    const next = new Map<string, ChannelRow[]>();
    for (const channel of await this.channels.listEnabledByKind('email')) {
      const config = channel.config as { address?: string; aliases?: string[] };
      const addresses = new Set([config.address, ...(config.aliases ?? [])].filter(Boolean) as string[]);
      for (const address of addresses) {
        const key = baseAddress(address);
        next.set(key, [...(next.get(key) ?? []), channel]);
      }
    }
    this.byAddress = next;
    this.loadedAt = Date.now();
  }
}
