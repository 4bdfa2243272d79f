import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prepareFixture } from './bench-fixture.ts';
import {
  describeMachine,
  problemsOf,
  renderTables,
  type TargetResult,
  targetVerdicts,
} from './bench-report.ts';
import { type IngestOptions, runIngestBenchmark } from './ingest.bench.ts';
import { createBenchDatabase, makeDataDir, postgresReachable, startServer } from './server-process.ts';

const USAGE = `npm run bench -- [options]

Ingest benchmark through the API channel: signed POST /api/v1/inbound/:channel → stored → agent WebSocket.

  --only=postgres|pglite   run one database only (default: both; PostgreSQL is skipped if unreachable)
  --quick                  small smoke run (a few seconds per database)
  --messages=N             messages in the max-throughput phase   (env BENCH_MESSAGES; default 20000 / 5000)
  --customers=M            distinct customers                     (env BENCH_CUSTOMERS; default 2000)
  --concurrency=K          concurrent senders                     (env BENCH_CONCURRENCY; default 32)
  --sustain-rate=R         open loop at the throughput target     (env BENCH_SUSTAIN_RATE; default 1500 / 300)
  --sustain-seconds=S      sustained phase length                 (env BENCH_SUSTAIN_SECONDS; default 20 / 15;
                           0 skips it)
  --rate=R                 PostgreSQL paced phase, messages/s     (env BENCH_RATE; default 500)
  --paced-seconds=S        paced phase length                     (env BENCH_PACED_SECONDS; default 10)
  --warmup=W               warm-up messages, not measured         (env BENCH_WARMUP; default 1000)
  --profile                write a V8 CPU profile of each server (kept in a temp dir; path is printed)`;

type Target = 'postgres' | 'pglite';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      messages: { type: 'string' },
      customers: { type: 'string' },
      concurrency: { type: 'string' },
      rate: { type: 'string' },
      'paced-seconds': { type: 'string' },
      'sustain-rate': { type: 'string' },
      'sustain-seconds': { type: 'string' },
      warmup: { type: 'string' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.only !== undefined && values.only !== 'postgres' && values.only !== 'pglite') {
    console.error(`--only must be postgres or pglite\n\n${USAGE}`);
    return 1;
  }
  const quick = values.quick;
  const setting = (flag: string | undefined, env: string, fallback: number, min = 1) => {
    const raw = flag ?? process.env[env];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > 1_000_000) {
      throw new Error(
        `${env.replace('BENCH_', '').toLowerCase()} must be an integer from ${min} to 1,000,000`,
      );
    }
    return value;
  };
  const explicitMessages = setting(values.messages, 'BENCH_MESSAGES', 0, 0) || undefined;
  const customers = setting(values.customers, 'BENCH_CUSTOMERS', quick ? 200 : 2_000);
  const concurrency = setting(values.concurrency, 'BENCH_CONCURRENCY', 32);
  const rate = setting(values.rate, 'BENCH_RATE', 500);
  const pacedSeconds = setting(values['paced-seconds'], 'BENCH_PACED_SECONDS', quick ? 2 : 10);
  const sustainRate = setting(values['sustain-rate'], 'BENCH_SUSTAIN_RATE', 0, 0) || undefined;
  const sustainSeconds = (fallback: number) =>
    setting(values['sustain-seconds'], 'BENCH_SUSTAIN_SECONDS', quick ? 3 : fallback, 0);
  const sustained = (rate: number, seconds: number) =>
    seconds > 0 ? { rate: sustainRate ?? rate, seconds } : undefined;
  const warmupMessages = setting(values.warmup, 'BENCH_WARMUP', quick ? 100 : 1_000, 0);

  const postgresVersion = await postgresReachable();
  const targets: Target[] = values.only ? [values.only as Target] : ['postgres', 'pglite'];
  console.log(`Unisono ingest benchmark${quick ? ' (quick)' : ''}\n\n${describeMachine(postgresVersion)}\n`);

  const results: TargetResult[] = [];
  for (const target of targets) {
    if (target === 'postgres' && !postgresVersion) {
      console.log('PostgreSQL: skipped — nothing answers at 127.0.0.1:5432\n');
      continue;
    }
    const options: IngestOptions =
      target === 'postgres'
        ? {
            messages: explicitMessages ?? (quick ? 2_000 : 20_000),
            customers,
            concurrency,
            warmupMessages,
            sustained: sustained(1_500, sustainSeconds(20)),
            paced: { rate, seconds: pacedSeconds },
            measurePostgres: true,
          }
        : {
            messages: explicitMessages ?? (quick ? 1_000 : 5_000),
            customers,
            concurrency,
            warmupMessages,
            sustained: sustained(300, sustainSeconds(15)),
            // A fraction of the target rate: latency under moderate load on the single-process database.
            paced: { rate: 100, seconds: quick ? 2 : 5 },
            measurePostgres: false,
          };
    console.log(`${target === 'postgres' ? 'PostgreSQL' : 'PGlite'}:`);
    results.push({
      target: target === 'postgres' ? 'PostgreSQL' : 'PGlite',
      options,
      phases: await runTarget(target, options, values.profile),
    });
    console.log('');
  }
  if (results.length === 0) {
    console.error('Nothing was measured.');
    return 1;
  }

  console.log(
    `Run of ${new Date().toISOString()}; K=${concurrency} concurrent senders in the max-throughput phase.`,
  );
  console.log(
    'Latency: push = request start → message.created frame on the agent socket; ack = request start → 202.',
  );
  console.log('The load generator runs on the same cores as the server and PostgreSQL.');
  console.log(
    'CPU in cores averaged over the phase; PostgreSQL = every postgres process of the cluster; whole machine = all processes.\n',
  );
  console.log(renderTables(results));
  console.log('');
  for (const verdict of targetVerdicts(results)) console.log(verdict);
  const problems = problemsOf(results);
  if (problems.length > 0) {
    console.log('\nTHIS RUN HAD PROBLEMS — its figures are not valid as they stand:');
    for (const problem of problems) console.log(`  ${problem}`);
    return 2;
  }
  return 0;
}

async function runTarget(target: Target, options: IngestOptions, profile: boolean) {
  const dataDir = await makeDataDir();
  const cpuProfileDir = profile
    ? await mkdtemp(path.join(tmpdir(), `unisono-bench-profile-${target}-`))
    : undefined;
  const database = target === 'postgres' ? await createBenchDatabase() : undefined;
  try {
    const bootStarted = performance.now();
    const server = await startServer({ dataDir: dataDir.path, databaseUrl: database?.url, cpuProfileDir });
    console.log(
      `  server pid ${server.pid} ready at ${server.baseUrl} in ${((performance.now() - bootStarted) / 1000).toFixed(1)} s`,
    );
    try {
      const fixture = await prepareFixture(server);
      return await runIngestBenchmark(server, fixture, options, (line) => console.log(line));
    } catch (error) {
      console.error(`--- server output ---\n${server.output()}`);
      throw error;
    } finally {
      await server.stop();
      if (cpuProfileDir)
        console.log(`  CPU profile of the server: ${cpuProfileDir} (open in Chrome DevTools)`);
    }
  } finally {
    await database
      ?.drop()
      .catch((error: Error) => console.error(`could not drop the bench database: ${error.message}`));
    await dataDir.remove();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
