import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { OutboundMessageService } from './outbound-message.service.ts';

export const DELIVER_OUTBOUND_MESSAGE = 'deliver-outbound-message';

export interface DeliverOutboundMessageJob {
  tenantId: string;
  messageId: string;
  /** The message's nextAttemptAt this job was enqueued for; absent in jobs from before it was added. */
  scheduledFor?: string;
}

export async function startDeliveryWorkers(jobs: JobQueue, outbound: OutboundMessageService): Promise<void> {
  await jobs.work<DeliverOutboundMessageJob>(DELIVER_OUTBOUND_MESSAGE, (job) => outbound.deliver(job), {
    batchSize: 5,
    pollingIntervalSeconds: 1,
    workers: 4,
  });
}
