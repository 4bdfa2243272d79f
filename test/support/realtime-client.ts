import WebSocket from 'ws';

export interface Frame {
  id?: number;
  type: string;
  data?: any;
}

/** An agent's realtime connection that records every frame it receives. */
export class RealtimeClient {
  readonly frames: Frame[] = [];
  /** Settles when the server (or we) closed the socket, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => this.frames.push(JSON.parse(raw.toString())));
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static connect(baseUrl: string, token: string, query = ''): Promise<RealtimeClient> {
    return RealtimeClient.connectWith(baseUrl, { authorization: `Bearer ${token}` }, query);
  }

  /** With any credentials (a session cookie, say) as request headers. */
  static connectWith(baseUrl: string, headers: Record<string, string>, query = ''): Promise<RealtimeClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/realtime${query}`, { headers });
    const client = new RealtimeClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
      socket.once('error', reject);
      const check = () =>
        client.frames.some((frame) => frame.type === 'hello') ? resolve(client) : setTimeout(check, 10);
      socket.once('open', check);
    });
  }

  send(frame: unknown) {
    this.socket.send(JSON.stringify(frame));
  }

  async waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const frame = this.frames.find(predicate);
      if (frame) return frame;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(
      `no matching frame within ${timeoutMs} ms; got ${this.frames.map((frame) => frame.type).join(', ')}`,
    );
  }

  close() {
    this.socket.close();
  }
}
