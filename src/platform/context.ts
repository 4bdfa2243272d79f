import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { EventBus } from './events/domain-events.ts';
import type { OutboundGuard } from './http/outbound-guard.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { SecretBox } from './security/crypto.ts';
import type { AttachmentStorage } from './storage/attachment-storage.ts';

/** The shared infrastructure every service receives; built once by the composition root. */
export interface Platform {
  config: Config;
  logger: Logger;
  database: Database;
  bus: EventBus;
  jobs: JobQueue;
  metrics: Metrics;
  storage: AttachmentStorage;
  secretBox: SecretBox;
  /** The only way to call a URL an admin configured (webhooks, CRM, provider base URLs). */
  outbound: OutboundGuard;
}
