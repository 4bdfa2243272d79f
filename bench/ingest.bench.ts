import type WebSocket from 'ws';
import { signApiBody } from '../src/channels/api/api-channel.adapter.ts';
import { type BenchFixture, connectAgentSocket } from './bench-fixture.ts';
import { DeliveryTracker } from './delivery-tracker.ts';
import { InboundClient } from './inbound-client.ts';
import { type LatencySummary, perSecondRates, summarise } from './latency-stats.ts';
import {
  cpuSeconds,
  MemorySampler,
  machineBusySeconds,
  postgresCpuSeconds,
  stealSeconds,
} from './process-stats.ts';
import type { ServerProcess } from './server-process.ts';

export interface IngestOptions {
  /** Messages in the max-throughput phase. */
  messages: number;
  /** Distinct customers the messages come from (round robin). */
  customers: number;
  /** Concurrent senders in the max-throughput phase (each waits for its answer before the next). */
  concurrency: number;
  /** Messages sent before measuring, from other customers, so the server's code is warm. */
  warmupMessages: number;
  /**
   * Open loop at the throughput target: is the rate sustained? From customers of its own, so first contacts
   * are part of it as in the max-throughput phase. Omitted = no such phase.
   */
  sustained?: { rate: number; seconds: number };
  /** Open-loop phase at a fixed offered rate, for latency under moderate load; omitted = no such phase. */
  paced?: { rate: number; seconds: number };
  /** Whether PostgreSQL's CPU time is meaningful (it runs on this machine). */
  measurePostgres: boolean;
}

export interface PhaseResult {
  name: string;
  /** burst: closed loop at full speed; sustained: open loop at the target rate; paced: open loop, latency. */
  role: 'burst' | 'sustained' | 'paced';
  sent: number;
  accepted: number;
  errors: number;
  errorSamples: string[];
  missingEvents: number;
  unexpectedEvents: number;
  /** A customer's messages landed in more than one conversation (or contact): threading is wrong. */
  threadingAnomalies: number;
  seconds: number;
  /** Messages pushed to the agent per second, first request to last push. */
  throughput: number;
  slowestSecond: number;
  offeredRate?: number;
  /** How late the open-loop scheduler fired its worst batch (the client's own lag). */
  schedulerLagMs?: number;
  push: LatencySummary;
  ack: LatencySummary;
  /** Average cores busy; `machine` counts every process, so machine − the rest = anything else running. */
  cpuCores: { server: number; postgres: number; client: number; machine: number; steal: number };
  /** Messages per ingest transaction on average (the server's unisono_ingest_batch_size histogram). */
  meanBatchSize: number;
  memory: { startRss: number; peakRss: number; endRss: number; highWaterMark: number };
}

interface PreparedMessage {
  externalId: string;
  customer: string;
  body: string;
  signature: string;
}

const REQUEST_TIMEOUT_MS = 30_000;
const PUSH_TIMEOUT_MS = 15_000;
const MAX_ERROR_SAMPLES = 5;

/** Runs warm-up, the max-throughput phase and (optionally) the paced phase against one server. */
export async function runIngestBenchmark(
  server: ServerProcess,
  fixture: BenchFixture,
  options: IngestOptions,
  log: (line: string) => void,
): Promise<PhaseResult[]> {
  const tracker = new DeliveryTracker();
  const socket = await connectAgentSocket(server.baseUrl, fixture.agent, (raw) => tracker.onFrame(raw));
  let socketClosed = false;
  socket.once('close', () => {
    socketClosed = true;
  });
  // Beyond 256 requests in flight the server is overloaded anyway; a request queued in the client still
  // counts from the moment it was due, so the backlog shows up as latency.
  const client = new InboundClient(fixture.inboundUrl, Math.max(options.concurrency, 256));
  const phase = new PhaseRunner(server, client, tracker, options.measurePostgres);
  try {
    const results: PhaseResult[] = [];
    if (options.warmupMessages > 0) {
      log(`  warm-up: ${options.warmupMessages} messages`);
      const warmup = prepare(fixture, 'warmup', options.warmupMessages, 100, 'warmup');
      const result = await phase.run('warm-up', warmup, (fire) =>
        closedLoop(warmup, options.concurrency, fire),
      );
      if (result.errors > 0 || result.missingEvents > 0) {
        log(`    warm-up: ${result.errors} failed requests, ${result.missingEvents} missing pushes`);
      }
    }
    log(
      `  max throughput: ${options.messages} messages, ${options.customers} customers, K=${options.concurrency}`,
    );
    const burst = prepare(fixture, 'burst', options.messages, options.customers, 'customer');
    results.push({
      ...(await phase.run(`max throughput, K=${options.concurrency}`, burst, (fire) =>
        closedLoop(burst, options.concurrency, fire),
      )),
      role: 'burst',
    });
    if (options.sustained) {
      const { rate, seconds } = options.sustained;
      log(`  sustained: ${rate} messages/s offered for ${seconds} s, ${options.customers} new customers`);
      const messages = prepare(fixture, 'sustained', Math.round(rate * seconds), options.customers, 'steady');
      const result = await phase.run(`sustained ${rate}/s`, messages, (fire) =>
        openLoop(messages, rate, fire),
      );
      results.push({ ...result, role: 'sustained', offeredRate: rate });
    }
    if (options.paced) {
      const { rate, seconds } = options.paced;
      log(`  paced: ${rate} messages/s for ${seconds} s`);
      const paced = prepare(fixture, 'paced', Math.round(rate * seconds), options.customers, 'customer');
      const result = await phase.run(`paced ${rate}/s`, paced, (fire) => openLoop(paced, rate, fire));
      results.push({ ...result, role: 'paced', offeredRate: rate });
    }
    if (socketClosed) throw new Error('the agent WebSocket closed during the benchmark');
    return results;
  } finally {
    client.close();
    await closeSocket(socket);
  }
}

/** Bodies and signatures are computed before timing, so the client spends its CPU on sending only. */
function prepare(
  fixture: BenchFixture,
  phaseName: string,
  count: number,
  customers: number,
  customerPrefix: string,
): PreparedMessage[] {
  const runId = Date.now().toString(36);
  return Array.from({ length: count }, (_, index) => {
    const customerNumber = index % customers;
    const customer = `${customerPrefix}${customerNumber}@example.com`;
    const externalId = `${runId}-${phaseName}-${index}`;
    const body = JSON.stringify({
      id: externalId,
      from: { kind: 'email', value: customer, name: `Customer ${customerNumber}` },
      text: `Hello, this is message ${index}. My order #${100_000 + customerNumber} has not arrived yet — can you check?`,
    });
    // Signed with the preparation time: each phase is prepared just before it runs, well inside the window.
    const signature = signApiBody(fixture.signingSecret, body);
    return { externalId, customer, body, signature };
  });
}

type Fire = (message: PreparedMessage) => Promise<void>;

/** K senders, each sending its next message as soon as the previous one was answered. */
async function closedLoop(messages: PreparedMessage[], concurrency: number, fire: Fire): Promise<undefined> {
  let next = 0;
  const sender = async () => {
    while (next < messages.length) await fire(messages[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, sender));
}

/**
 * Open loop: messages go out at the offered rate whether or not earlier ones were answered, so a slow
 * server shows up as latency instead of quietly lowering the rate. Batches every 10 ms keep timer
 * granularity out of the figures. Returns the worst scheduling lag.
 */
async function openLoop(messages: PreparedMessage[], rate: number, fire: Fire): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let sent = 0;
  let worstLagMs = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsedMs = performance.now() - started;
      const due = Math.min(messages.length, Math.floor((elapsedMs / 1000) * rate) + 1);
      if (due > sent) worstLagMs = Math.max(worstLagMs, elapsedMs - (sent * 1000) / rate);
      while (sent < due) {
        const request = fire(messages[sent++]!);
        inFlight.add(request);
        void request.finally(() => inFlight.delete(request));
      }
      if (sent >= messages.length) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 10);
    tick();
  });
  await Promise.all(inFlight);
  return worstLagMs;
}

class PhaseRunner {
  constructor(
    private readonly server: ServerProcess,
    private readonly client: InboundClient,
    private readonly tracker: DeliveryTracker,
    private readonly measurePostgres: boolean,
  ) {}

  async run(
    name: string,
    messages: PreparedMessage[],
    drive: (fire: Fire) => Promise<number | undefined>,
  ): Promise<Omit<PhaseResult, 'role'>> {
    const { tracker, server } = this;
    tracker.reset();
    const ackLatencies: number[] = [];
    const errorSamples = new Map<string, number>();
    const threads = new Map<string, string>();
    let errors = 0;
    let accepted = 0;
    let threadingAnomalies = 0;
    let lastAnswerAt = 0;

    const fire: Fire = async (message) => {
      const startedAt = performance.now();
      tracker.expect(message.externalId, startedAt);
      let problem: string | undefined;
      try {
        const { status, text } = await this.client.post(message.body, message.signature, REQUEST_TIMEOUT_MS);
        lastAnswerAt = performance.now();
        if (status !== 202) {
          problem = `HTTP ${status}: ${text.slice(0, 200)}`;
        } else {
          ackLatencies.push(lastAnswerAt - startedAt);
          const [result] = (JSON.parse(text) as { results: IngestAnswer[] }).results;
          if (result?.type !== 'message' || result.duplicate) {
            problem = `unexpected 202 answer: ${text.slice(0, 200)}`;
          } else {
            accepted++;
            const thread = `${result.contactId}/${result.conversationId}`;
            const known = threads.get(message.customer);
            if (known === undefined) threads.set(message.customer, thread);
            else if (known !== thread) threadingAnomalies++;
          }
        }
      } catch (error) {
        problem = `${(error as Error).name}: ${(error as Error).message}`;
      }
      if (problem !== undefined) {
        errors++;
        tracker.forget(message.externalId);
        errorSamples.set(problem, (errorSamples.get(problem) ?? 0) + 1);
      }
    };

    const batchesBefore = await batchSizeTotals(server.baseUrl);
    const memory = new MemorySampler(server.pid);
    memory.start();
    const startRss = memory.peakRssBytes;
    const serverCpuBefore = cpuSeconds(server.pid);
    const postgresCpuBefore = this.measurePostgres ? postgresCpuSeconds() : Number.NaN;
    const clientCpuBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    const stealBefore = stealSeconds();
    const startedAt = performance.now();

    const lag = await drive(fire);
    // CPU is read once every request was answered, so a long wait for missing pushes does not dilute it.
    const wallSeconds = (performance.now() - startedAt) / 1000;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const machineCpu = machineBusySeconds() - machineBefore;
    const steal = stealSeconds() - stealBefore;
    const serverCpu = cpuSeconds(server.pid) - serverCpuBefore;
    const postgresCpu = this.measurePostgres ? postgresCpuSeconds() - postgresCpuBefore : Number.NaN;
    const missingEvents = await tracker.drain(PUSH_TIMEOUT_MS);
    const lastEventAt = tracker.eventTimes.reduce((latest, time) => Math.max(latest, time), 0);
    const finishedAt = Math.max(lastEventAt, lastAnswerAt);
    const memoryAfter = memory.stop();
    const batchesAfter = await batchSizeTotals(server.baseUrl);

    const seconds = (finishedAt - startedAt) / 1000;
    const pushed = tracker.pushLatencies.length;
    return {
      name,
      sent: messages.length,
      accepted,
      errors,
      errorSamples: [...errorSamples]
        .slice(0, MAX_ERROR_SAMPLES)
        .map(([problem, count]) => `${count}× ${problem}`),
      missingEvents,
      unexpectedEvents: tracker.unexpected,
      threadingAnomalies,
      seconds,
      throughput: pushed / seconds,
      slowestSecond: perSecondRates(tracker.eventTimes, startedAt).min,
      schedulerLagMs: typeof lag === 'number' ? lag : undefined,
      push: summarise(tracker.pushLatencies),
      ack: summarise(ackLatencies),
      cpuCores: {
        server: serverCpu / wallSeconds,
        postgres: postgresCpu / wallSeconds,
        client: (clientCpu.user + clientCpu.system) / 1e6 / wallSeconds,
        machine: machineCpu / wallSeconds,
        steal: steal / wallSeconds,
      },
      meanBatchSize: (batchesAfter.sum - batchesBefore.sum) / (batchesAfter.count - batchesBefore.count),
      memory: {
        startRss,
        peakRss: memoryAfter.sampledPeakRssBytes,
        endRss: memoryAfter.rssBytes,
        highWaterMark: memoryAfter.peakBytes,
      },
    };
  }
}

/** Sum and count of the server's batch-size histogram so far. */
async function batchSizeTotals(baseUrl: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { sum: read('unisono_ingest_batch_size_sum'), count: read('unisono_ingest_batch_size_count') };
}

type IngestAnswer =
  | { type: 'message'; messageId: string; conversationId: string; contactId: string; duplicate: boolean }
  | { type: 'status' };

function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, 2_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close();
  });
}
