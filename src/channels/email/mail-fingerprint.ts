import { createHash } from 'node:crypto';
import { headerEnd } from './mime-repair.ts';

/** Header fields that relays add or rewrite on the way: the same mail arrives with different ones. */
const TRANSIT_FIELD =
  /^(received|x-received|return-path|delivered-to|x-original-to|envelope-to|x-envelope-to|x-envelope-from|authentication-results|arc-[a-z-]+|received-spf|x-spam-[a-z-]+|x-virus-[a-z-]+|x-ms-exchange-[a-z-]+|x-google-smtp-source|x-gm-[a-z-]+)$/i;

/**
 * A hash of what the sender wrote: the raw bytes without the trace fields relays add, line ends unified. A
 * byte-identical resend, or the same mail delivered over SMTP and fetched by IMAP, hashes the same; another
 * mail that reuses a Message-ID (another sender, body or date) does not.
 */
export function contentFingerprint(raw: Buffer): string {
  const end = headerEnd(raw);
  const hash = createHash('sha256');
  if (end < 0) return hash.update(raw.toString('latin1').replace(/\r\n/g, '\n')).digest('hex');
  const header = raw.subarray(0, end).toString('latin1').replace(/\r\n/g, '\n');
  const kept = header
    .split(/\n(?![ \t])/)
    .filter((field) => !TRANSIT_FIELD.test(field.slice(0, Math.max(0, field.indexOf(':'))).trim()));
  hash.update(kept.join('\n'));
  hash.update('\n\n');
  hash.update(raw.subarray(end).toString('latin1').replace(/\r\n/g, '\n').replace(/^\n+/, ''));
  return hash.digest('hex');
}
