import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'unisono_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly ingestedMessages = new Counter({
    name: 'unisono_ingested_messages_total',
    help: 'Inbound messages by channel kind and outcome (stored, duplicate)',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });
  readonly ingestDuration = new Histogram({
    name: 'unisono_ingest_duration_seconds',
    help: 'Time to verify, dedupe, resolve, thread and store one inbound message',
    labelNames: ['channel'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly ingestBatchSize = new Histogram({
    name: 'unisono_ingest_batch_size',
    help: 'Inbound messages stored per ingest transaction (group commit under load)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 100],
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'unisono_outbound_deliveries_total',
    help: 'Outbound delivery attempts by channel kind and result',
    labelNames: ['channel', 'result'],
    registers: [this.registry],
  });
  readonly realtimeClients = new Gauge({
    name: 'unisono_realtime_clients',
    help: 'Connected realtime WebSocket clients',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Gauges read at scrape time (queue depth and the like). */
  addCollectedGauge(
    name: string,
    help: string,
    labelNames: string[],
    collect: (gauge: Gauge) => Promise<void>,
  ) {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }
}
