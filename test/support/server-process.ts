import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(fileURLToPath(new URL('../../bin/unisono.js', import.meta.url)));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const running = new Set<ServerProcess>();
process.on('exit', () => {
  for (const server of running) server.child?.kill('SIGKILL');
});

/** The real `unisono` command as a child process, for crash, CLI and multi-node tests. */
export class ServerProcess {
  static stopAll(): Promise<unknown> {
    return Promise.all([...running].map((server) => server.kill('SIGKILL')));
  }

  output = '';
  child: ChildProcess | undefined;
  exitCode: number | null | undefined;

  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 60_000): Promise<this> {
    this.exitCode = undefined;
    this.child = spawn(process.execPath, [BIN, 'start'], {
      // DATABASE_URL is never inherited: a test says which database its server uses.
      env: {
        ...process.env,
        DATABASE_URL: '',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        LOG_LEVEL: 'warn',
        // Only the IMAP tests need mailbox polling; every other test app leaves it off.
        IMAP_POLLING: 'off',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk) => (this.output += chunk));
    this.child.stderr!.on('data', (chunk) => (this.output += chunk));
    running.add(this);
    this.child.on('exit', (code) => {
      this.exitCode = code;
      running.delete(this);
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined)
        throw new Error(`server exited with ${this.exitCode}:\n${this.output}`);
      const ready = await fetch(`${this.url}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return this;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`server did not become ready:\n${this.output}`);
  }

  firstRunPassword(): string | undefined {
    return /with password (\S+) \(shown only this once\)/.exec(this.output)?.[1];
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    return new Promise((resolve) => {
      if (!this.child || this.exitCode !== undefined) return resolve(this.exitCode ?? null);
      this.child.once('exit', (code) => resolve(code));
      this.child.kill(signal);
    });
  }
}
