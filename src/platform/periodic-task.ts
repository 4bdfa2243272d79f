/**
 * Runs a task every `intervalMs`, never two at once (a run still going when the next is due skips that
 * turn); `stop()` waits for the run in flight. Failures go to `onError` and the next turn runs as usual.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts the timer (it does not keep the process alive); `runNow` also runs the task at once. */
  start(options: { runNow?: boolean } = {}): void {
    if (options.runNow) this.run();
    this.timer = setInterval(() => this.run(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private run(): void {
    if (this.running) return;
    this.running = this.task()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
      });
  }
}
