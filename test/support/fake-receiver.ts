import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: any;
}

export type Responder = (
  request: ReceivedRequest,
  index: number,
) => { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/** A local HTTP server standing in for a customer's webhook endpoint; records every request. */
export class FakeReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private responder: Responder = () => ({ status: 200, body: { ok: true } })) {}

  respondWith(responder: Responder) {
    this.responder = responder;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const received = {
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body,
          json,
        };
        this.requests.push(received);
        const answer = this.responder(received, this.requests.length - 1);
        if (answer === 'hang') return;
        response.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
        response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/webhook`;
    return this;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
