import http from 'node:http';

/**
 * Posts signed bodies to the API channel's webhook over kept-alive connections. node:http rather than
 * fetch: measured on this machine, fetch costs the client about five times the CPU per request, and
 * the client shares its cores with the server under test.
 */
export class InboundClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(inboundUrl: string, maxSockets: number) {
    this.target = new URL(inboundUrl);
    if (this.target.hostname !== '127.0.0.1') throw new Error('the benchmark only talks to loopback');
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  post(body: string, signature: string, timeoutMs: number): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-unisono-signature': signature,
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          response.on('error', reject);
        },
      );
      request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
