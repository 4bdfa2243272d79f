import net from 'node:net';

interface Pending {
  resolve: (answer: { status: number; text: string }) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Posts signed bodies to the API channel's webhook over kept-alive HTTP/1.1 connections, one request at a
 * time per connection (as a provider's webhook sender does). A minimal client over `net` rather than
 * node:http or fetch: the load generator shares its two cores with the server under test, and measured here
 * node:http cost ≈0.2 ms of CPU per request against a few tens of µs for this.
 */
export class InboundClient {
  private readonly target: URL;
  private readonly idle: Connection[] = [];
  private readonly waiting: { request: Buffer; pending: Pending }[] = [];
  private readonly busy = new Set<Connection>();
  private open = 0;
  private closed = false;

  constructor(
    inboundUrl: string,
    private readonly maxSockets: number,
  ) {
    this.target = new URL(inboundUrl);
    if (this.target.hostname !== '127.0.0.1') throw new Error('the benchmark only talks to loopback');
  }

  post(body: string, signature: string, timeoutMs: number): Promise<{ status: number; text: string }> {
    const payload = Buffer.from(body);
    const head =
      `POST ${this.target.pathname} HTTP/1.1\r\nHost: ${this.target.host}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n` +
      `X-Unisono-Signature: ${signature}\r\n\r\n`;
    const request = Buffer.concat([Buffer.from(head, 'latin1'), payload]);
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined as unknown as NodeJS.Timeout };
      pending.timer = setTimeout(() => {
        const queued = this.waiting.findIndex((entry) => entry.pending === pending);
        if (queued >= 0) this.waiting.splice(queued, 1);
        else for (const connection of this.busy) if (connection.owns(pending)) connection.destroy();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.dispatch(request, pending);
    });
  }

  close(): void {
    this.closed = true;
    for (const connection of [...this.idle, ...this.busy]) connection.destroy();
    this.idle.length = 0;
  }

  private dispatch(request: Buffer, pending: Pending): void {
    if (this.closed) {
      clearTimeout(pending.timer);
      pending.reject(new Error('client closed'));
      return;
    }
    let connection = this.idle.pop();
    if (!connection && this.open < this.maxSockets) {
      this.open++;
      connection = new Connection(this.target, () => {
        this.open--;
        this.busy.delete(connection!);
        const index = this.idle.indexOf(connection!);
        if (index >= 0) this.idle.splice(index, 1);
      });
    }
    if (!connection) {
      this.waiting.push({ request, pending });
      return;
    }
    this.busy.add(connection);
    const used = connection;
    used.send(request, pending, () => this.release(used));
  }

  /** A connection answered: it takes the next queued request, or waits for one. */
  private release(connection: Connection): void {
    const next = this.waiting.shift();
    if (next) connection.send(next.request, next.pending, () => this.release(connection));
    else {
      this.busy.delete(connection);
      this.idle.push(connection);
    }
  }
}

/** One kept-alive connection; parses `Content-Length` and chunked responses. */
class Connection {
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private current: { pending: Pending; done: () => void } | undefined;
  private dead = false;

  constructor(target: URL, onClose: () => void) {
    this.socket = net.connect({ host: target.hostname, port: Number(target.port) });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    const fail = (error: Error) => {
      if (this.dead) return;
      this.dead = true;
      const current = this.current;
      this.current = undefined;
      onClose();
      if (current) {
        clearTimeout(current.pending.timer);
        current.pending.reject(error);
      }
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  owns(pending: Pending): boolean {
    return this.current?.pending === pending;
  }

  send(request: Buffer, pending: Pending, done: () => void): void {
    this.current = { pending, done };
    this.socket.write(request);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private parse(): void {
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd < 0 || !this.current) return;
    const head = this.buffer.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let body: Buffer;
    let consumed: number;
    if (length) {
      const size = Number(length[1]);
      if (this.buffer.length < headEnd + 4 + size) return;
      body = this.buffer.subarray(headEnd + 4, headEnd + 4 + size);
      consumed = headEnd + 4 + size;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const chunks: Buffer[] = [];
      let offset = headEnd + 4;
      for (;;) {
        const lineEnd = this.buffer.indexOf('\r\n', offset);
        if (lineEnd < 0) return;
        const size = Number.parseInt(this.buffer.toString('latin1', offset, lineEnd), 16);
        if (this.buffer.length < lineEnd + 2 + size + 2) return;
        if (size === 0) {
          consumed = lineEnd + 4;
          break;
        }
        chunks.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        offset = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(chunks);
    } else {
      body = Buffer.alloc(0);
      consumed = headEnd + 4;
    }
    this.buffer = this.buffer.subarray(consumed);
    const { pending, done } = this.current;
    this.current = undefined;
    clearTimeout(pending.timer);
    pending.resolve({ status, text: body.toString('utf8') });
    if (/\r\nconnection:\s*close/i.test(head)) this.destroy();
    else done();
  }
}
