import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Linux /proc readings: resident memory and CPU time of the server and of PostgreSQL. */

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export interface MemoryReading {
  rssBytes: number;
  /** Peak resident set size since the process started (VmHWM). */
  peakBytes: number;
}

export function readMemory(pid: number): MemoryReading {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssBytes: kilobytes(status, 'VmRSS') * 1024, peakBytes: kilobytes(status, 'VmHWM') * 1024 };
  } catch {
    return { rssBytes: Number.NaN, peakBytes: Number.NaN };
  }
}

function kilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * User + system CPU seconds a process has used so far; with `children`, plus those of its children that
 * have exited and been waited for.
 */
export function cpuSeconds(pid: number, children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; the fields after ")" are fixed (utime, stime, cutime, cstime are
    // 14 to 17).
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = fields[11]! + fields[12]!;
    return (children ? own + fields[13]! + fields[14]! : own) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of every local `postgres` process, including the ones that exited (autovacuum workers,
 * closed connections): the postmaster waits for them, so their time shows in its children's counters.
 * Counts all databases of the cluster: anything else using it during a run inflates it.
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        total += cpuSeconds(Number(entry), true);
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}

/** The machine's CPU counters (all cores), in seconds so far. */
function machineCounters(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return {
    busy: ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)) / CLOCK_TICKS,
    steal: (steal ?? 0) / CLOCK_TICKS,
  };
}

/** CPU seconds the whole machine spent running its own processes (all cores) so far. */
export function machineBusySeconds(): number {
  return machineCounters().busy;
}

/**
 * CPU seconds the hypervisor gave to other guests while this VM wanted to run ("steal"). On a shared VM it
 * varies from minute to minute and lowers every figure of a run; the report shows it beside the CPU use.
 */
export function stealSeconds(): number {
  return machineCounters().steal;
}

/** Samples the server's memory every few hundred milliseconds while a phase runs. */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  peakRssBytes = 0;

  constructor(private readonly pid: number) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  stop(): MemoryReading & { sampledPeakRssBytes: number } {
    clearInterval(this.timer);
    const last = readMemory(this.pid);
    this.peakRssBytes = Math.max(this.peakRssBytes, last.rssBytes);
    return { ...last, sampledPeakRssBytes: this.peakRssBytes };
  }

  private sample(): void {
    const { rssBytes } = readMemory(this.pid);
    if (!Number.isNaN(rssBytes)) this.peakRssBytes = Math.max(this.peakRssBytes, rssBytes);
  }
}
