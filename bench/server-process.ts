import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const BOOT_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 25_000;

/** A Unisono server started as `node bin/unisono.js start`, exactly as an operator would. */
export interface ServerProcess {
  readonly baseUrl: string;
  readonly pid: number;
  readonly admin: { email: string; password: string };
  /** Everything the server wrote so far (for error reports). */
  output(): string;
  stop(): Promise<void>;
}

export interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>(
      "select current_setting('server_version') as version",
    );
    return rows[0]?.version;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, empty database per run, so the server's first-run setup and an empty schema are measured. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `bench_${Date.now()}`;
  await adminQuery(`create database ${name}`);
  return {
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    drop: () => adminQuery(`drop database if exists ${name} with (force)`),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function makeDataDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'unisono-bench-'));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function startServer(options: {
  dataDir: string;
  databaseUrl?: string;
  /** Where the server writes a V8 CPU profile on exit (`node --cpu-prof`); none when omitted. */
  cpuProfileDir?: string;
}): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    DATABASE_URL: options.databaseUrl ?? '',
  };
  // These would change the banner, the admin's address or the roles this benchmark relies on.
  for (const name of ['PUBLIC_URL', 'ADMIN_EMAIL', 'ROLES']) delete env[name];
  const profiling = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profiling, 'bin/unisono.js', 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output = keepTail(output + chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output = keepTail(output + chunk);
  });

  try {
    const banner = await waitForBanner(child, () => output);
    const server: ServerProcess = {
      baseUrl: banner.url,
      pid: child.pid!,
      admin: banner.admin,
      output: () => output,
      stop: () => stopChild(child),
    };
    await waitForReady(server.baseUrl, child);
    return server;
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`);
  }
}

function keepTail(text: string): string {
  return text.length > 64_000 ? text.slice(-32_000) : text;
}

function waitForBanner(
  child: ChildProcess,
  output: () => string,
): Promise<{ url: string; admin: { email: string; password: string } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error('the server printed no banner in time')),
      BOOT_TIMEOUT_MS,
    );
    const onData = () => {
      const text = output();
      const url = /Unisono is running at (http:\/\/\S+)/.exec(text)?.[1];
      const admin = /First run: sign in as (\S+) with password (\S+)/.exec(text);
      if (url && admin) finish(undefined, { url, admin: { email: admin[1]!, password: admin[2]! } });
    };
    const onExit = (code: number | null) => finish(new Error(`the server exited (code ${code}) during boot`));
    const finish = (error?: Error, value?: { url: string; admin: { email: string; password: string } }) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    };
    // Listeners registered after startServer's own, so output() already holds the chunk.
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function waitForReady(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (code ${child.exitCode})`);
    const status = await fetch(`${baseUrl}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('GET /readyz did not answer 200 in time');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
