/**
 * Matches the agent's `message.created` frames to the requests that caused them (by the external id
 * the bench sent) and records request-start → push latency.
 */
export class DeliveryTracker {
  private readonly startedAt = new Map<string, number>();
  private onEmpty: (() => void) | undefined;
  pushLatencies: number[] = [];
  eventTimes: number[] = [];
  /** message.created frames for no message of this phase (late ones of an earlier phase, duplicates). */
  unexpected = 0;

  expect(externalId: string, at: number): void {
    this.startedAt.set(externalId, at);
  }

  /** The request failed: no push will come for it. */
  forget(externalId: string): void {
    this.startedAt.delete(externalId);
    this.notifyIfEmpty();
  }

  get outstanding(): number {
    return this.startedAt.size;
  }

  onFrame(raw: string): void {
    const now = performance.now();
    // Frames are {"id":N,"type":...}: look at the type without parsing conversation frames.
    if (!raw.startsWith('"type":"message.created"', raw.indexOf(',') + 1)) return;
    const externalId = (JSON.parse(raw) as { data?: { externalId?: string } }).data?.externalId;
    const started = externalId === undefined ? undefined : this.startedAt.get(externalId);
    if (started === undefined) {
      this.unexpected++;
      return;
    }
    this.startedAt.delete(externalId!);
    this.pushLatencies.push(now - started);
    this.eventTimes.push(now);
    this.notifyIfEmpty();
  }

  /** Waits until every expected push arrived or the timeout passed; returns how many are missing. */
  async drain(timeoutMs: number): Promise<number> {
    if (this.startedAt.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => finish(), timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          this.onEmpty = undefined;
          resolve();
        };
        this.onEmpty = finish;
      });
    }
    const missing = this.startedAt.size;
    this.startedAt.clear();
    return missing;
  }

  reset(): void {
    this.startedAt.clear();
    this.pushLatencies = [];
    this.eventTimes = [];
    this.unexpected = 0;
  }

  private notifyIfEmpty(): void {
    if (this.startedAt.size === 0) this.onEmpty?.();
  }
}
