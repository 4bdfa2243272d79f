import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from './address-policy.ts';
import { OutboundGuard, OutboundRequestError, shortReason } from './outbound-guard.ts';

/** A loopback HTTP server whose answers the test picks per path; it counts what reached it. */
async function localServer() {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    if (request.url === '/redirect') {
      response.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
    } else if (request.url === '/hang') {
      // never answers
    } else if (request.url === '/big') {
      response.writeHead(200).end('x'.repeat(5000));
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hits,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const failureOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OutboundRequestError);
  return error as OutboundRequestError;
};

describe('address policy', () => {
  const policy = new AddressPolicy([]);

  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '198.18.0.1',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:a9fe:a9fe',
    '::ffff:0:10.0.0.1',
    '::127.0.0.1',
    '64:ff9b::127.0.0.1',
    '2002:7f00:1::',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '2001:db8::1',
    'localhost',
    'not an address',
  ])('refuses %s', (address) => {
    expect(policy.allows(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows the public address %s', (address) => {
    expect(policy.allows(address)).toBe(true);
  });

  it('allows exactly the listed private ranges, in every form of the address', () => {
    const onPremises = new AddressPolicy(['10.20.0.0/16', '::1', '127.0.0.1']);
    expect(onPremises.allows('10.20.3.4')).toBe(true);
    expect(onPremises.allows('::ffff:10.20.3.4')).toBe(true);
    expect(onPremises.allows('10.21.0.1')).toBe(false);
    expect(onPremises.allows('::1')).toBe(true);
    expect(onPremises.allows('127.0.0.1')).toBe(true);
    expect(onPremises.allows('127.0.0.2')).toBe(false);
    expect(onPremises.allows('169.254.169.254')).toBe(false);
  });

  it('rejects a malformed allow-list entry at start-up, naming the setting', () => {
    expect(() => new AddressPolicy(['10.0.0.0/33'])).toThrow(/OUTBOUND_ALLOW_PRIVATE: 10.0.0.0\/33/);
    expect(() => new AddressPolicy(['300.1.1.1'])).toThrow(/OUTBOUND_ALLOW_PRIVATE/);
  });
});

describe('outbound guard', () => {
  let server: Awaited<ReturnType<typeof localServer>>;
  const strict = new OutboundGuard([]);
  const onPremises = new OutboundGuard(['127.0.0.0/8']);

  beforeAll(async () => {
    server = await localServer();
  });
  afterAll(async () => {
    strict.close();
    onPremises.close();
    await server.stop();
  });

  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.0.0.1/',
    'http://127.1/',
    'http://0/',
    'http://0.0.0.0/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://[fe80::1]/',
    'http://10.0.0.1:8080/',
    'https://192.168.0.1/',
  ])('refuses %s before any connection', async (url) => {
    const error = await failureOf(strict.request(url, { timeoutMs: 2000 }));
    expect(error.failure).toBe('refused');
    expect(error.retryable).toBe(false);
    expect(error.reason).toContain('OUTBOUND_ALLOW_PRIVATE');
  });

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/', 'not a url'])(
    'refuses the scheme of %s',
    async (url) => {
      expect((await failureOf(strict.request(url, { timeoutMs: 2000 }))).failure).toBe('invalid_url');
    },
  );

  it('checks the addresses a host name resolves to when it connects, not only literals', async () => {
    const before = server.hits.length;
    const error = await failureOf(strict.request(`http://localhost:${server.port}/`, { timeoutMs: 5000 }));
    expect(error.failure).toBe('refused');
    expect(error.reason).toContain('localhost');
    expect(server.hits.length).toBe(before);
    // The same name is fine once the operator allows loopback (tests, intranet systems).
    const allowed = await onPremises.request(`http://localhost:${server.port}/`, { timeoutMs: 5000 });
    expect(allowed).toMatchObject({ status: 200, text: '{"ok":true}', truncated: false });
  });

  it('refuses loopback without the allow-list even where a server listens', async () => {
    const before = server.hits.length;
    const error = await failureOf(strict.request(`http://127.0.0.1:${server.port}/`, { timeoutMs: 5000 }));
    expect(error.failure).toBe('refused');
    expect(server.hits.length).toBe(before);
  });

  it('refuses redirects instead of following them', async () => {
    const error = await failureOf(
      onPremises.request(`http://127.0.0.1:${server.port}/redirect`, { timeoutMs: 5000 }),
    );
    expect(error).toMatchObject({ failure: 'redirect', reason: 'answered 302 (a redirect, not followed)' });
    expect(server.hits).not.toContain('/target');
  });

  it('times out, and cuts answers at the size limit', async () => {
    const error = await failureOf(
      onPremises.request(`http://127.0.0.1:${server.port}/hang`, { timeoutMs: 300 }),
    );
    expect(error).toMatchObject({ failure: 'timeout', reason: 'timed out after 300 ms', retryable: true });
    const big = await onPremises.request(`http://127.0.0.1:${server.port}/big`, {
      timeoutMs: 5000,
      maxResponseBytes: 1000,
    });
    expect(big).toMatchObject({ status: 200, truncated: true });
    expect(big.text).toHaveLength(1000);
  });

  it('says "not reachable" without naming the port or the socket error', async () => {
    const closed = await localServer();
    await closed.stop();
    const error = await failureOf(
      onPremises.request(`http://127.0.0.1:${closed.port}/`, { timeoutMs: 5000 }),
    );
    expect(error).toMatchObject({ failure: 'unreachable', reason: 'is not reachable (connection failed)' });
    expect(error.message).not.toContain(String(closed.port));
    expect(error.message).not.toMatch(/ECONNREFUSED/);
  });

  it('resolves a host for other transports (SMTP, IMAP) to checked addresses only', async () => {
    expect((await failureOf(strict.resolve('localhost'))).failure).toBe('refused');
    expect((await failureOf(strict.resolve('169.254.169.254'))).failure).toBe('refused');
    const addresses = await onPremises.resolve('localhost');
    expect(addresses.map((entry) => entry.address)).toContain('127.0.0.1');
    expect(addresses.every((entry) => onPremises.policy.allows(entry.address))).toBe(true);
    expect(await strict.resolve('8.8.8.8')).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });

  it('makes reported reasons one short printable line', () => {
    expect(shortReason('bad\r\nX-Injected: 1\u0000\u202e', 200)).toBe('bad X-Injected: 1');
    expect(shortReason('y'.repeat(500), 50)).toHaveLength(50);
  });
});
