import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { IngestOptions, PhaseResult } from './ingest.bench.ts';
import { formatMiB, formatMs, formatRate } from './latency-stats.ts';

export interface TargetResult {
  target: 'PostgreSQL' | 'PGlite';
  options: IngestOptions;
  phases: PhaseResult[];
}

export function describeMachine(postgresVersion: string | undefined): string {
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return [
    `- CPU: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    `- Memory: ${gib(totalmem())} total, ${gib(freemem())} free`,
    `- Node.js ${process.version}; PostgreSQL ${postgresVersion ?? 'not reachable'} on the same machine`,
    `- Load average before the run: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(', ')}`,
  ].join('\n');
}

/** Markdown tables, readable in a terminal and ready to paste into bench/RESULTS.md. */
export function renderTables(results: TargetResult[]): string {
  const latency = [
    '| Target | Phase | N | M | msgs/s | slowest 1 s | push p50 | p95 | p99 | max | ack p50 | ack p99 | errors | missing pushes | mean batch |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const resources = [
    '| Target | Phase | server CPU | PostgreSQL CPU | client CPU | whole machine | CPU steal | server RSS start → peak → end | VmHWM |',
    '|---|---|--:|--:|--:|--:|--:|---|--:|',
  ];
  for (const { target, options, phases } of results) {
    for (const phase of phases) {
      const rate = phase.offeredRate
        ? `${formatRate(phase.throughput)} (offered ${phase.offeredRate})`
        : formatRate(phase.throughput);
      latency.push(
        `| ${target} | ${phase.name} | ${phase.sent.toLocaleString('en-US')} | ${options.customers.toLocaleString('en-US')} | ${rate} | ${formatRate(phase.slowestSecond)} | ${ms(phase.push.p50)} | ${ms(phase.push.p95)} | ${ms(phase.push.p99)} | ${ms(phase.push.max)} | ${ms(phase.ack.p50)} | ${ms(phase.ack.p99)} | ${phase.errors} | ${phase.missingEvents} | ${Number.isFinite(phase.meanBatchSize) ? phase.meanBatchSize.toFixed(1) : '–'} |`,
      );
      const cores = (value: number) => (Number.isNaN(value) ? '–' : `${value.toFixed(2)} cores`);
      resources.push(
        `| ${target} | ${phase.name} | ${cores(phase.cpuCores.server)} | ${cores(phase.cpuCores.postgres)} | ${cores(phase.cpuCores.client)} | ${cores(phase.cpuCores.machine)} | ${cores(phase.cpuCores.steal)} | ${formatMiB(phase.memory.startRss)} → ${formatMiB(phase.memory.peakRss)} → ${formatMiB(phase.memory.endRss)} | ${formatMiB(phase.memory.highWaterMark)} |`,
      );
    }
  }
  return `${latency.join('\n')}\n\n${resources.join('\n')}`;
}

function ms(value: number): string {
  return `${formatMs(value)} ms`;
}

/** Everything that makes a run's figures untrustworthy, spelled out. */
export function problemsOf(results: TargetResult[]): string[] {
  const problems: string[] = [];
  for (const { target, phases } of results) {
    for (const phase of phases) {
      const where = `${target} / ${phase.name}`;
      if (phase.errors > 0) {
        problems.push(`${where}: ${phase.errors} of ${phase.sent} requests failed`);
        for (const sample of phase.errorSamples) problems.push(`    ${sample}`);
      }
      if (phase.missingEvents > 0) {
        problems.push(
          `${where}: ${phase.missingEvents} accepted messages never reached the agent's WebSocket`,
        );
      }
      if (phase.unexpectedEvents > 0) {
        problems.push(`${where}: ${phase.unexpectedEvents} message.created frames matched no request`);
      }
      if (phase.threadingAnomalies > 0) {
        problems.push(
          `${where}: ${phase.threadingAnomalies} messages landed in another conversation than the customer's earlier ones`,
        );
      }
      const { server, postgres, client, machine } = phase.cpuCores;
      const others = machine - server - client - (Number.isNaN(postgres) ? 0 : postgres);
      if (others > 0.25) {
        problems.push(
          `${where}: other processes kept ${others.toFixed(2)} of the ${cpus().length} cores busy meanwhile; the figures are depressed`,
        );
      }
      if (phase.cpuCores.steal > 0.1) {
        problems.push(
          `${where}: the hypervisor gave ${phase.cpuCores.steal.toFixed(2)} of the ${cpus().length} cores to other guests meanwhile (CPU steal); the figures are depressed`,
        );
      }
      if (phase.schedulerLagMs !== undefined && phase.schedulerLagMs > 50) {
        problems.push(
          `${where}: the client fell ${formatMs(phase.schedulerLagMs)} ms behind its schedule (it shares the CPU with the server)`,
        );
      }
    }
  }
  return problems;
}

/** Share of the offered rate a sustained phase must achieve (the rest is start-up and the last answers). */
const SUSTAINED_SHARE = 0.99;

/** The targets, checked against this run. */
export function targetVerdicts(results: TargetResult[]): string[] {
  const verdicts: string[] = [];
  const check = (met: boolean, text: string) => verdicts.push(`${met ? 'MET   ' : 'MISSED'} ${text}`);
  const clean = (phase: PhaseResult) => phase.errors === 0 && phase.missingEvents === 0;
  const sustainedRate = (phase: PhaseResult, target: number) =>
    clean(phase) && phase.offeredRate! >= target && phase.throughput >= SUSTAINED_SHARE * phase.offeredRate!;
  const sustainedText = (phase: PhaseResult) =>
    `offered ${formatRate(phase.offeredRate!)}/s, achieved ${formatRate(phase.throughput)}/s (slowest second ${formatRate(phase.slowestSecond)}), push p99 ${ms(phase.push.p99)}`;
  for (const { target, phases } of results) {
    const burst = phases.find((phase) => phase.role === 'burst');
    const sustained = phases.find((phase) => phase.role === 'sustained');
    const paced = phases.find((phase) => phase.role === 'paced');
    if (target === 'PostgreSQL') {
      if (sustained) {
        check(
          sustainedRate(sustained, 1_500),
          `PostgreSQL ≥ 1,500 messages/s sustained: ${sustainedText(sustained)}`,
        );
      } else if (burst) {
        check(
          clean(burst) && burst.throughput >= 1_500,
          `PostgreSQL ≥ 1,500 messages/s sustained: ${formatRate(burst.throughput)}/s in the closed loop (slowest second ${formatRate(burst.slowestSecond)})`,
        );
      }
      if (paced?.offeredRate === 500) {
        check(
          clean(paced) && paced.push.p99 <= 50,
          `PostgreSQL p99 ≤ 50 ms at 500 messages/s: ${ms(paced.push.p99)}`,
        );
      }
    } else if (sustained) {
      check(sustainedRate(sustained, 300), `PGlite ≥ 300 messages/s: ${sustainedText(sustained)}`);
    } else if (burst) {
      check(
        clean(burst) && burst.throughput >= 300,
        `PGlite ≥ 300 messages/s: ${formatRate(burst.throughput)}/s in the closed loop`,
      );
    }
  }
  return verdicts;
}
