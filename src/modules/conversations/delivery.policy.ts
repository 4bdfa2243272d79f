import type { DeliveryStatus } from '../../channels/adapter.ts';
import type { Config } from '../../platform/config.ts';

/** How long and how often a reply is retried while its provider is down. */
export interface RetryPolicy {
  baseMs: number;
  maxDelayMs: number;
  horizonMs: number;
  /** Unset: only the horizon limits. */
  maxAttempts?: number;
}

/** A provider's Retry-After is honoured up to this long. */
const MAX_RETRY_AFTER_MS = 3_600_000;

export function retryPolicyOf(config: Config): RetryPolicy {
  return {
    baseMs: config.DELIVERY_RETRY_BASE_MS,
    maxDelayMs: config.DELIVERY_RETRY_MAX_DELAY_MS,
    horizonMs: config.DELIVERY_RETRY_HORIZON_HOURS * 3_600_000,
    maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
  };
}

/**
 * When to try again after `attempts` failed attempts, or undefined when the reply has been retried long
 * enough. The wait doubles from the base up to the cap, each one drawn from its upper quarter (jitter, so
 * the replies queued during an outage do not all hit the provider in the same second when it returns);
 * the last attempt is made when the horizon ends.
 */
export function nextAttemptAt(
  policy: RetryPolicy,
  retry: { attempts: number; since: Date; now: Date; retryAfterMs?: number; random?: () => number },
): Date | undefined {
  if (policy.maxAttempts !== undefined && retry.attempts >= policy.maxAttempts) return undefined;
  const deadline = retry.since.getTime() + policy.horizonMs;
  const now = retry.now.getTime();
  if (now >= deadline) return undefined;
  const capped = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(retry.attempts - 1, 40));
  const jittered = capped * (0.75 + (retry.random ?? Math.random)() * 0.25);
  const delay = Math.max(jittered, Math.min(retry.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  return new Date(Math.min(now + Math.round(delay), deadline));
}

/** How a retry horizon reads in a message's status reason. */
export function describeHorizon(policy: RetryPolicy): string {
  const hours = policy.horizonMs / 3_600_000;
  return hours >= 1 ? `${Number(hours.toFixed(1))} h` : `${Math.round(policy.horizonMs / 60_000)} min`;
}

/**
 * Delivery states in the order a message passes them. A report applies only when it moves the message
 * forward: `failed` after `delivered`/`read` is a late or confused report (the customer has the message),
 * while `delivered`/`read` after `failed` proves the failure report wrong.
 */
const STATUS_RANK: Record<string, number> = { queued: 0, sent: 1, failed: 2, delivered: 3, read: 4 };

export function reportMovesForward(current: string, reported: DeliveryStatus): boolean {
  const rank = STATUS_RANK[current];
  return rank !== undefined && STATUS_RANK[reported]! > rank;
}

/** The earlier retry schedule, kept for the CRM write-back: doubling with ±20 % jitter, capped at 1 h. */
export function backoffMs(attempt: number, baseMs: number, retryAfterMs?: number): number {
  const exponential = Math.min(MAX_RETRY_AFTER_MS, baseMs * 2 ** (attempt - 1));
  const jittered = exponential * (0.8 + Math.random() * 0.4);
  return Math.round(Math.min(MAX_RETRY_AFTER_MS, Math.max(jittered, retryAfterMs ?? 0)));
}
