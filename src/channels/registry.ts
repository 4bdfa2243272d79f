import { DomainError } from '../platform/errors.ts';
import type { OutboundGuard } from '../platform/http/outbound-guard.ts';
import type { ChannelAdapter } from './adapter.ts';
import { apiChannelAdapter } from './api/api-channel.adapter.ts';
import { emailChannelAdapter } from './email/email-channel.adapter.ts';

/** The one place a channel kind is registered; core code looks adapters up here and never switches on kinds. */
export class ChannelRegistry {
  private readonly adapters = new Map<string, ChannelAdapter>();

  constructor(adapters: ChannelAdapter<any>[]) {
    for (const adapter of adapters) this.adapters.set(adapter.kind, adapter);
  }

  get(kind: string): ChannelAdapter {
    const adapter = this.adapters.get(kind);
    if (!adapter) throw new DomainError('validation_failed', `Unknown channel kind ${kind}`);
    return adapter;
  }

  kinds(): string[] {
    return [...this.adapters.keys()];
  }
}

export function createChannelRegistry(options: {
  deliveryTimeoutMs: number;
  outbound: OutboundGuard;
}): ChannelRegistry {
  return new ChannelRegistry([
    apiChannelAdapter({ timeoutMs: options.deliveryTimeoutMs, outbound: options.outbound }),
    emailChannelAdapter({ timeoutMs: options.deliveryTimeoutMs, outbound: options.outbound }),
  ]);
}
