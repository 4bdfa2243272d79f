import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { AddressPolicy, parseAddress } from './address-policy.ts';

/** Why an outbound call produced no HTTP answer we act on. */
export type OutboundFailure = 'invalid_url' | 'refused' | 'redirect' | 'timeout' | 'unreachable';

/**
 * An outbound call that failed. `reason` is short, fixed text (never the remote's words or a raw socket
 * error), so it may be stored and shown: it reads after a subject, e.g. "CRM " + reason.
 */
export class OutboundRequestError extends Error {
  constructor(
    readonly failure: OutboundFailure,
    readonly reason: string,
  ) {
    super(`Outbound call ${reason}`);
    this.name = 'OutboundRequestError';
  }

  /** Whether trying again later can help (a network problem) or the configuration must change first. */
  get retryable(): boolean {
    return this.failure === 'timeout' || this.failure === 'unreachable';
  }
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole call: connect, send, answer and body. */
  timeoutMs: number;
  /** Longer answers are cut here and marked `truncated`. */
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  truncated: boolean;
  header(name: string): string | undefined;
}

const DEFAULT_MAX_RESPONSE_BYTES = 1_000_000;
/** Marks a refusal inside the lookup callback, which only carries errors. */
const REFUSED = 'EUNISONO_DESTINATION_REFUSED';

/**
 * The one way the server calls a URL an admin configured (webhooks, CRM, provider base URLs): http(s)
 * only; every address a name resolves to is checked when the socket connects (so a DNS answer that changes
 * between check and use cannot slip through); redirects are refused; answers are size-limited.
 */
export class OutboundGuard {
  readonly policy: AddressPolicy;
  // Own agents: their pooled sockets were all opened through the checked lookup below.
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(allowPrivate: readonly string[]) {
    this.policy = new AddressPolicy(allowPrivate);
  }

  /** The URL, if it can be called at all: http(s), and an IP literal only when the policy allows it. */
  checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundRequestError('invalid_url', 'has no valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundRequestError('invalid_url', 'may only use http or https');
    // WHATWG parsing already turned 2130706433, 0177.0.0.1 and 0x7f.1 into 127.0.0.1; literals skip DNS.
    if (parseAddress(url.hostname) && !this.policy.allows(url.hostname)) throw refusal(url.hostname);
    return url;
  }

  /** The checked addresses of a host, for transports that connect by address themselves (SMTP, IMAP). */
  async resolve(hostname: string): Promise<LookupAddress[]> {
    if (parseAddress(hostname)) {
      if (!this.policy.allows(hostname)) throw refusal(hostname);
      const address = hostname.replace(/^\[(.*)\]$/, '$1');
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    }
    return new Promise((resolve, reject) => {
      this.lookup(hostname, { all: true }, (error, addresses) => {
        if (error) reject(translate(error, hostname, 0));
        else resolve(addresses as unknown as LookupAddress[]);
      });
    });
  }

  /**
   * Where a transport that opens its own socket (SMTP, IMAP) should connect: a checked address of the host,
   * and the name to present for TLS (SNI and certificate check), so a name that resolves to a private
   * address is refused like a URL would be.
   */
  async connectTarget(host: string): Promise<{ host: string; servername?: string }> {
    const [first] = await this.resolve(host);
    if (!first) throw refusal(host);
    return parseAddress(host) ? { host: first.address } : { host: first.address, servername: host };
  }

  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      // Only checked addresses ever reach the socket: a name that also resolves elsewhere gets the allowed ones.
      const allowed = addresses.filter((entry) => this.policy.allows(entry.address));
      if (allowed.length === 0) {
        return callback(Object.assign(new Error(REFUSED), { code: REFUSED }) as NodeJS.ErrnoException, '', 4);
      }
      // net asks for every address (all: true) when it races IPv4 and IPv6 (autoSelectFamily).
      if (options.all) return (callback as (error: null, addresses: LookupAddress[]) => void)(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };

  async request(rawUrl: string, options: OutboundRequest): Promise<OutboundResponse> {
    const url = this.checkUrl(rawUrl);
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<OutboundResponse>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const request = transport.request(
        url,
        {
          method: options.method ?? 'POST',
          headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          agent: this.agents[url.protocol as 'http:' | 'https:'],
          lookup: this.lookup,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status >= 300 && status < 400 && status !== 304) {
            response.destroy();
            return finish(() =>
              reject(new OutboundRequestError('redirect', `answered ${status} (a redirect, not followed)`)),
            );
          }
          const chunks: Buffer[] = [];
          let size = 0;
          const done = (truncated: boolean) =>
            finish(() =>
              resolve({
                status,
                headers: response.headers,
                text: Buffer.concat(chunks).toString('utf8'),
                truncated,
                header: (name) => headerValue(response.headers, name),
              }),
            );
          response.on('data', (chunk: Buffer) => {
            if (settled) return;
            const room = limit - size;
            chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
            size += chunk.length;
            if (size > limit) {
              response.destroy();
              done(true);
            }
          });
          response.on('end', () => done(false));
          response.on('error', (error) =>
            finish(() => reject(translate(error, url.hostname, options.timeoutMs))),
          );
        },
      );
      const timer = setTimeout(() => {
        request.destroy();
        finish(() => reject(new OutboundRequestError('timeout', `timed out after ${options.timeoutMs} ms`)));
      }, options.timeoutMs);
      request.on('error', (error) => finish(() => reject(translate(error, url.hostname, options.timeoutMs))));
      request.end(body);
    });
  }

  /** Closes idle pooled connections (at shutdown). */
  close(): void {
    for (const agent of Object.values(this.agents)) agent.destroy();
  }
}

function refusal(hostname: string): OutboundRequestError {
  return new OutboundRequestError(
    'refused',
    `is not an allowed destination: ${hostname} is (or resolves to) a private, loopback or reserved address (see OUTBOUND_ALLOW_PRIVATE)`,
  );
}

const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/;

/** Socket errors become a few fixed phrases: which port refused or reset must not show through. */
function translate(error: Error, hostname: string, timeoutMs: number): OutboundRequestError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === REFUSED) return refusal(hostname);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA')
    return new OutboundRequestError('unreachable', 'is not reachable (host name not found)');
  if (code === 'ETIMEDOUT') return new OutboundRequestError('timeout', `timed out after ${timeoutMs} ms`);
  if (TLS_ERROR.test(code)) return new OutboundRequestError('unreachable', 'is not reachable (TLS failed)');
  return new OutboundRequestError('unreachable', 'is not reachable (connection failed)');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** How an HTTP answer is recorded: its status and the standard phrase, never the remote's own text. */
export function describeStatus(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `answered ${status} ${phrase}` : `answered ${status}`;
}

/** Text a provider reports (e.g. a delivery report's reason) made safe to store: one short, printable line. */
export function shortReason(text: string, maxLength = 200): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what goes
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e]+/g, ' ');
  const clean = flat.replace(/\s+/g, ' ').trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** A Retry-After header (seconds or an HTTP date) as milliseconds from `now`. */
export function retryAfterMs(header: string | undefined | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
