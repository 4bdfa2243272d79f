/**
 * Email ingest benchmark: a mixed corpus sent over SMTP (nodemailer, loopback) into the built-in SMTP
 * receiver of a `unisono start` process on a fresh PostgreSQL database. The receiver answers 250 only
 * once a mail is stored, so the client's send time is an upper bound of accept-to-stored latency.
 *
 *   node --import tsx bench/email-ingest.ts [--mails 3000] [--concurrency 16] [--big-mb 25]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTransport } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import pg from 'pg';
import { summarise } from './latency-stats.ts';
import { cpuSeconds, MemorySampler, postgresCpuSeconds, readMemory } from './process-stats.ts';
import { createBenchDatabase, makeDataDir, postgresReachable } from './server-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = path.resolve(ROOT, '../shared/data/email/mail-gem');
const { values: args } = parseArgs({
  options: {
    mails: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16' },
    'big-mb': { type: 'string', default: '25' },
  },
});
const MAILS = Number(args.mails);
const CONCURRENCY = Number(args.concurrency);
const BIG_MB = Number(args['big-mb']);
const ADDRESS = 'support@bench.example';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The mixed corpus: every mail-gem message under 100 KB plus generated everyday mail (German replies, HTML, small files). */
async function corpus(): Promise<Buffer[]> {
  const files = readdirSync(CORPUS, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.eml') && statSync(path.join(CORPUS, file)).size < 100_000);
  const samples: Buffer[] = files.map((file) => readFileSync(path.join(CORPUS, file)));
  const quote =
    '\n\nAm 03.03.2026 um 10:12 schrieb Shop Support:\n> Guten Tag,\n>\n> Ihr Paket ist unterwegs.\n'.repeat(
      3,
    );
  for (let index = 0; index < 60; index++) {
    samples.push(
      await new MailComposer({
        from: `Kunde ${index} <kunde${index}@kunde.example>`,
        to: ADDRESS,
        subject: `AW: Bestellung ${4000 + index} — Rückfrage`,
        text: `Hallo,\n\nwo bleibt meine Bestellung ${4000 + index}? Grüße aus Köln.${quote}`,
        html:
          index % 2
            ? `<p>Hallo,</p><p>wo bleibt <b>meine Bestellung</b>?</p>${'<p>Text</p>'.repeat(50)}`
            : undefined,
        attachments: index % 5 === 0 ? [{ filename: 'foto.jpg', content: randomBytes(30_000) }] : [],
      })
        .compile()
        .build(),
    );
  }
  return samples;
}

/** A unique Message-ID and sender per mail, so nothing is deduplicated and the flood limit does not apply. */
function personalise(raw: Buffer, index: number): Buffer {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/^message-id:.*(\r?\n[ \t].*)*\r?\n?/gim, '');
  return Buffer.from(
    `Message-ID: <bench-${index}-${randomBytes(4).toString('hex')}@bench.example>\r\n${head}${end < 0 ? '' : text.slice(end)}`,
    'latin1',
  );
}

async function startServer(databaseUrl: string, dataDir: string, smtpPort: number) {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['bin/unisono.js', 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      ROLES: 'web,worker,smtp',
      SMTP_PORT: String(smtpPort),
      SMTP_MAX_BYTES: String(40 * 1024 * 1024),
      SMTP_RATE_LIMIT: '1000000',
      EMAIL_FLOOD_LIMIT: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const admin = /First run: sign in as (\S+) with password (\S+)/.exec(output);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (admin && ready)
      return { child, baseUrl: `http://127.0.0.1:${port}`, admin: { email: admin[1]!, password: admin[2]! } };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${output}`);
}

async function createChannel(baseUrl: string, admin: { email: string; password: string }) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const response = await fetch(`${baseUrl}/api/v1/channels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ kind: 'email', name: 'Bench mail', settings: { address: ADDRESS } }),
  });
  if (response.status !== 201) throw new Error(`channel: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

async function main() {
  const version = await postgresReachable();
  if (!version) throw new Error('PostgreSQL on 127.0.0.1:5432 is needed');
  const database = await createBenchDatabase();
  const dataDir = await makeDataDir();
  const smtpPort = await freePort();
  const server = await startServer(database.url, dataDir.path, smtpPort);
  const pid = server.child.pid!;
  try {
    const channelId = await createChannel(server.baseUrl, server.admin);
    const transport = createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: CONCURRENCY,
      maxMessages: Number.POSITIVE_INFINITY,
      logger: false,
    });
    const send = (raw: Buffer) =>
      transport.sendMail({ envelope: { from: 'bench@kunde.example', to: [ADDRESS] }, raw });

    // 1. One big mail with attachments, on a fresh process: peak RSS while it is received and stored.
    const bigAttachments = Array.from({ length: 3 }, (_, index) => ({
      filename: `scan-${index}.pdf`,
      content: randomBytes(Math.round((BIG_MB * 1024 * 1024 * 0.74) / 3)),
    }));
    const big = await new MailComposer({
      from: 'gross@kunde.example',
      to: ADDRESS,
      subject: 'Große Anhänge',
      text: 'Anbei.',
      attachments: bigAttachments,
    })
      .compile()
      .build();
    const beforeBig = readMemory(pid);
    const bigSampler = new MemorySampler(pid);
    bigSampler.start();
    const bigStarted = performance.now();
    await send(big);
    const bigSeconds = (performance.now() - bigStarted) / 1000;
    const bigMemory = bigSampler.stop();
    console.log(
      `big mail: ${(big.length / 1048576).toFixed(1)} MB raw stored in ${bigSeconds.toFixed(2)} s; server RSS before ${(beforeBig.rssBytes / 1048576).toFixed(0)} MB, peak (VmHWM since start) ${(bigMemory.peakBytes / 1048576).toFixed(0)} MB`,
    );

    // 2. Throughput and latency of the mixed corpus (warm-up first).
    const samples = await corpus();
    const mails = Array.from({ length: MAILS + 200 }, (_, index) =>
      personalise(samples[index % samples.length]!, index),
    );
    let next = 0;
    const latencies: number[] = [];
    let errors = 0;
    const run = async (count: number, record: boolean) => {
      const end = next + count;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < end) {
            const mail = mails[next++]!;
            const started = performance.now();
            try {
              await send(mail);
              if (record) latencies.push(performance.now() - started);
            } catch {
              errors++;
            }
          }
        }),
      );
    };
    await run(200, false);
    const sampler = new MemorySampler(pid);
    sampler.start();
    const cpuBefore = cpuSeconds(pid);
    const pgBefore = postgresCpuSeconds();
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    await run(MAILS, true);
    const seconds = (performance.now() - started) / 1000;
    const memory = sampler.stop();
    const clientCpu = process.cpuUsage(clientBefore);
    transport.close();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const stored = await client.query(
      `select (select count(*) from messages where channel_id = $1 and direction = 'inbound')::int as messages,
              (select count(*) from email_failed_inbound where channel_id = $1)::int as failed`,
      [channelId],
    );
    await client.end();
    const latency = summarise(latencies);
    const bytes = mails.slice(200).reduce((sum, mail) => sum + mail.length, 0);
    console.log(
      [
        `mixed corpus: ${MAILS} mails (${samples.length} distinct samples, avg ${(bytes / MAILS / 1024).toFixed(1)} KB), ${CONCURRENCY} SMTP connections, PostgreSQL ${version}`,
        `  throughput ${(MAILS / seconds).toFixed(0)} mails/s over ${seconds.toFixed(1)} s, ${errors} errors`,
        `  accept-to-stored (client send → 250) p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
        `  stored: ${stored.rows[0].messages} messages + ${stored.rows[0].failed} failed-inbound rows in the database (bounces update status, own mail is dropped)`,
        `  server CPU ${((cpuSeconds(pid) - cpuBefore) / seconds).toFixed(2)} cores, PostgreSQL CPU ${((postgresCpuSeconds() - pgBefore) / seconds).toFixed(2)} cores, load generator ${((clientCpu.user + clientCpu.system) / 1e6 / seconds).toFixed(2)} cores, server peak RSS ${(memory.sampledPeakRssBytes / 1048576).toFixed(0)} MB`,
      ].join('\n'),
    );
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    await database.drop();
    await dataDir.remove();
  }
}

await main();
