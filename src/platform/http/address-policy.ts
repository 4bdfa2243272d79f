import { isIP } from 'node:net';

/** An address or CIDR range as bytes: 4 for IPv4, 16 for IPv6. */
interface Range {
  bytes: Uint8Array;
  prefix: number;
}

/**
 * Ranges no admin-configured URL may reach unless OUTBOUND_ALLOW_PRIVATE names them: this host, the local
 * networks, the cloud metadata service and everything IANA reserves (RFC 6890 and its IPv6 registry).
 */
const BLOCKED_IPV4 = [
  '0.0.0.0/8', // "this network", incl. 0.0.0.0 which Linux connects to loopback
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, incl. the metadata service 169.254.169.254
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, incl. broadcast
].map(parseRange);
const BLOCKED_IPV6 = [
  '::/96', // unspecified, loopback and the deprecated IPv4-compatible form
  '64:ff9b:1::/48', // local-use NAT64
  '100::/64', // discard
  '2001::/23', // IETF protocol assignments, incl. Teredo (an IPv4 address in disguise)
  '2001:db8::/32',
  '3fff::/20',
  '5f00::/16',
  'fc00::/7', // unique local, incl. the EC2 metadata service fd00:ec2::254
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated, still routed by some stacks)
  'ff00::/8', // multicast
].map(parseRange);

/** Parses a literal IPv4/IPv6 address (brackets and zone ids allowed); undefined when it is not one. */
export function parseAddress(text: string): Uint8Array | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const kind = isIP(bare);
  if (kind === 4) return Uint8Array.from(bare.split('.').map(Number));
  if (kind === 6) return parseIpv6(bare);
  return undefined;
}

function parseIpv6(text: string): Uint8Array {
  // An embedded dotted quad (::ffff:1.2.3.4) becomes two hex groups first.
  const withoutQuad = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_match, a, b, c, d) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((group) => group.toString(16)).join(':'),
  );
  const [head = '', tail] = withoutQuad.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** Parses `1.2.3.4`, `10.0.0.0/8`, `fd00::/8`; throws for anything else. */
export function parseRange(text: string): Range {
  const [address = '', prefixText] = text.trim().split('/');
  const bytes = parseAddress(address);
  const max = bytes ? bytes.length * 8 : 0;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!bytes || !/^\d*$/.test(prefixText ?? '') || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new Error(`${text} is not an IP address or CIDR range`);
  }
  return { bytes, prefix };
}

function inRange(bytes: Uint8Array, range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  const whole = Math.floor(range.prefix / 8);
  for (let index = 0; index < whole; index++) if (bytes[index] !== range.bytes[index]) return false;
  const rest = range.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[whole] ?? 0) & mask) === ((range.bytes[whole] ?? 0) & mask);
}

const startsWith = (bytes: Uint8Array, prefix: number[]) =>
  prefix.every((value, index) => bytes[index] === value);

/**
 * The IPv4 address an IPv6 address stands for, where the network would deliver it to one: IPv4-mapped
 * (::ffff:a.b.c.d), SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 */
function embeddedIpv4(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length !== 16) return undefined;
  const zeros = (count: number) => Array(count).fill(0);
  if (startsWith(bytes, [...zeros(10), 0xff, 0xff])) return bytes.slice(12);
  if (startsWith(bytes, [...zeros(8), 0xff, 0xff, 0, 0])) return bytes.slice(12);
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, ...zeros(8)])) return bytes.slice(12);
  if (startsWith(bytes, [0x20, 0x02])) return bytes.slice(2, 6);
  return undefined;
}

/** Which addresses outbound calls may connect to: public ones, plus the ranges the operator allowed. */
export class AddressPolicy {
  private readonly allowed: Range[];

  /** @param allowPrivate OUTBOUND_ALLOW_PRIVATE: addresses or CIDR ranges that are reachable although private. */
  constructor(allowPrivate: readonly string[]) {
    this.allowed = allowPrivate.map((entry) => {
      try {
        return parseRange(entry);
      } catch (error) {
        throw new Error(`OUTBOUND_ALLOW_PRIVATE: ${(error as Error).message}`);
      }
    });
  }

  /** Whether a connection to this literal address is allowed; anything that is not an address is not. */
  allows(address: string): boolean {
    const bytes = parseAddress(address);
    if (!bytes) return false;
    const ipv4 = embeddedIpv4(bytes);
    const forms = ipv4 ? [bytes, ipv4] : [bytes];
    if (forms.some((form) => this.allowed.some((range) => inRange(form, range)))) return true;
    return !forms.some((form) =>
      (form.length === 4 ? BLOCKED_IPV4 : BLOCKED_IPV6).some((range) => inRange(form, range)),
    );
  }
}
