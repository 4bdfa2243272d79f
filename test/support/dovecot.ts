import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from './server-process.ts';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function dovecotAvailable(): boolean {
  try {
    execFileSync('dovecot', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The uid/gid mail is stored as: the `dovecot` user when we are root (Dovecot refuses uid 0), else ourselves. */
function mailOwner(): { user: string; group: string; uid: number; gid: number } {
  if (process.getuid?.() !== 0) {
    const me = userInfo();
    const group = execFileSync('id', ['-gn']).toString().trim();
    return { user: me.username, group, uid: me.uid, gid: me.gid };
  }
  const uid = Number(execFileSync('id', ['-u', 'dovecot']).toString());
  const gid = Number(execFileSync('id', ['-g', 'dovecot']).toString());
  return { user: 'dovecot', group: 'dovecot', uid, gid };
}

/**
 * A throw-away Dovecot IMAP server on a free loopback port: its own config, users and maildirs in a temp
 * folder, run in the foreground as our child process (no systemd). Plain IMAP, plaintext login allowed.
 */
export class Dovecot {
  readonly users = new Map<string, string>();
  port = 0;
  private dir = '';
  private child: ChildProcess | undefined;

  /** Starts the server; started again after `stop()`, it serves the same port and mailboxes. */
  async start(users: Record<string, string> = { tester: 'secret' }): Promise<this> {
    if (!this.dir) await this.configure(users);
    this.child = spawn('dovecot', ['-F', '-c', path.join(this.dir, 'dovecot.conf')], { stdio: 'ignore' });
    running.add(this.child);
    this.child.once('exit', () => running.delete(this.child!));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await this.listening()) return this;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`dovecot did not start:\n${this.log()}`);
  }

  private async configure(users: Record<string, string>) {
    for (const [user, password] of Object.entries(users)) this.users.set(user, password);
    this.dir = mkdtempSync(path.join(tmpdir(), 'unisono-dovecot-'));
    this.port = await freePort();
    const owner = mailOwner();
    const root = process.getuid?.() === 0;
    for (const sub of ['run', 'state', 'mail', 'home']) mkdirSync(path.join(this.dir, sub));
    writeFileSync(
      path.join(this.dir, 'users'),
      [...this.users].map(([user, password]) => `${user}:{PLAIN}${password}`).join('\n'),
    );
    writeFileSync(
      path.join(this.dir, 'dovecot.conf'),
      `base_dir = ${this.dir}/run
state_dir = ${this.dir}/state
log_path = ${this.dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:${this.dir}/mail/%u
first_valid_uid = ${owner.uid}
first_valid_gid = ${owner.gid}
${root ? '' : `default_internal_user = ${owner.user}\ndefault_login_user = ${owner.user}\ndefault_internal_group = ${owner.group}\n`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${this.dir}/users
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${this.dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
    );
    if (root) {
      for (const sub of ['', 'mail', 'home']) chownSync(path.join(this.dir, sub), owner.uid, owner.gid);
    }
  }

  private listening(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('* OK'));
      });
      socket.once('error', () => resolve(false));
    });
  }

  log(): string {
    try {
      return readFileSync(path.join(this.dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Email channel settings that poll this server's mailbox of `user`. */
  settings(user = 'tester') {
    return {
      imapHost: '127.0.0.1',
      imapPort: this.port,
      imapSecurity: 'none' as const,
      imapUser: user,
      imapPassword: this.users.get(user),
      imapPollSeconds: 5,
    };
  }

  /** A client for the test itself (to deliver mail with APPEND and to look at the mailbox). */
  async client(user = 'tester'): Promise<ImapFlow> {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: this.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: this.users.get(user)! },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  /** Delivers raw mails into a mailbox (IMAP APPEND), unseen. */
  async deliver(raws: Buffer[], user = 'tester', mailbox = 'INBOX'): Promise<void> {
    const client = await this.client(user);
    try {
      for (const raw of raws) await client.append(mailbox, raw, []);
    } finally {
      await client.logout();
    }
  }

  /** Stops the server; `keepData` leaves config and mailboxes for a later `start()`. */
  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    if (!options.keepData && this.dir) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = '';
    }
  }
}
