import { DomainError } from '../../platform/errors.ts';

/** How many of the least recently tried keys an eviction compares. */
const EVICTION_SAMPLE = 64;

/**
 * Sliding-window attempt counter for sign-ins, bounded in memory. When full it first drops keys whose window
 * has passed, then (among the least recently tried) the one with the fewest attempts; it never forgets
 * everything at once (a store that cleared itself when full let anyone reset a victim's counter by trying
 * enough other addresses).
 * Kept per process: with several web nodes each enforces the limit on its own.
 */
export class LoginThrottle {
  /** Attempt times per key; Map order is least recently tried first. */
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.attempts.size;
  }

  /** Counts an attempt under every key, or throws rate_limited (counting nothing) when one is used up. */
  hit(keys: { key: string; limit?: number }[]): void {
    const now = this.now();
    const windows = keys.map(({ key, limit }) => ({
      key,
      limit: limit ?? this.limit,
      recent: (this.attempts.get(key) ?? []).filter((at) => at > now - this.windowMs),
    }));
    for (const { key, limit, recent } of windows) {
      if (recent.length < limit) continue;
      // A refused attempt still counts as use: the key stays the most recent, so it is the last to go.
      this.touch(key, recent);
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
      throw new DomainError(
        'rate_limited',
        `Too many sign-in attempts; try again in ${retryAfterSeconds} s`,
        {
          retryAfterSeconds,
        },
      );
    }
    for (const { key, recent } of windows) {
      recent.push(now);
      this.touch(key, recent);
    }
    this.evict(now);
  }

  /** After a successful sign-in, that key starts afresh. */
  clear(key: string): void {
    this.attempts.delete(key);
  }

  private touch(key: string, recent: number[]) {
    this.attempts.delete(key);
    this.attempts.set(key, recent);
  }

  private evict(now: number) {
    for (const [key, times] of this.attempts) {
      if (this.attempts.size <= this.capacity) return;
      if (times.at(-1)! > now - this.windowMs) break;
      this.attempts.delete(key);
    }
    // Still full of live windows: of the least recently tried few, the one with the fewest attempts goes,
    // so a flood of one-off keys pushes out other one-off keys, not a counter that is close to (or at) its limit.
    while (this.attempts.size > this.capacity) {
      let victim: string | undefined;
      let fewest = Number.POSITIVE_INFINITY;
      let looked = 0;
      for (const [key, times] of this.attempts) {
        if (times.length < fewest) {
          victim = key;
          fewest = times.length;
        }
        if (++looked >= EVICTION_SAMPLE || fewest <= 1) break;
      }
      this.attempts.delete(victim!);
    }
  }
}
