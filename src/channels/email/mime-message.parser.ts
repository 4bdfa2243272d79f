import { Readable } from 'node:stream';
import { type AddressObject, type EmailAddress, type Headers, simpleParser } from 'mailparser';
import {
  declaredCharset,
  declaresUtf7,
  decodeUtf7,
  extractUuencoded,
  headerEnd,
  repairHeaderBlock,
  repairMojibake,
} from './mime-repair.ts';

export interface MailAddress {
  address: string;
  name?: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  data: Buffer;
  contentId?: string;
  inline: boolean;
}

/** One RFC 822 message, decoded: what the adapter needs, independent of mailparser's shapes. */
export interface ParsedEmail {
  /** Message-ID without angle brackets. */
  messageId?: string;
  inReplyTo: string[];
  references: string[];
  from?: MailAddress;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  /** Delivered-To / X-Original-To / Envelope-To: where the mail was really delivered. */
  deliveredTo: string[];
  subject?: string;
  date?: Date;
  text: string;
  html?: string;
  attachments: MailAttachment[];
  headers: Headers;
  /** Top-level content type, lower case, and its parameters (report-type for DSNs). */
  contentType: string;
  contentTypeParams: Record<string, string>;
  textConversionError?: string;
}

const EXTENSIONS: Record<string, string> = {
  'message/rfc822': 'eml',
  'text/calendar': 'ics',
  'text/plain': 'txt',
  'text/html': 'html',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
};

/** Message-IDs in a header value (`<a@b> <c@d>`), or a bare `a@b` where brackets were forgotten. */
export function messageIdsIn(value: unknown): string[] {
  const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
  const bracketed = [...text.matchAll(/<([^<>\s]{1,500})>/g)].map((match) => match[1]!);
  if (bracketed.length > 0) return [...new Set(bracketed)];
  const bare = text.trim();
  return /^[^\s<>@]+@[^\s<>@]+$/.test(bare) && bare.length <= 500 ? [bare] : [];
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const flat = (entries: EmailAddress[]): EmailAddress[] =>
    entries.flatMap((entry) => (entry.group ? flat(entry.group) : [entry]));
  return flat([value ?? []].flat().flatMap((object) => object.value))
    .filter((entry) => entry.address && /^[^\s@]+@[^\s@]+$/.test(entry.address))
    .map((entry) => ({ address: entry.address!, ...(entry.name ? { name: entry.name } : {}) }));
}

/**
 * Addresses of a header whatever shape mailparser gives it: a string, an address object, or, when the header
 * is repeated (several Delivered-To / X-Original-To lines are normal), an array of either.
 */
function headerAddresses(headers: Headers, name: string): MailAddress[] {
  const values = [headers.get(name)].flat();
  return values.flatMap((value): MailAddress[] => {
    if (!value) return [];
    if (typeof value === 'string') {
      return messageIdsIn(value.includes('<') ? value : `<${value}>`).map((address) => ({ address }));
    }
    if (typeof value === 'object' && 'value' in value && Array.isArray(value.value))
      return addresses(value as AddressObject);
    return [];
  });
}

/** Values of every occurrence of a top-level header, unfolded (mailparser keeps only the first From). */
function rawHeaders(raw: Buffer, name: string): string[] {
  const end = headerEnd(raw);
  const block = raw.subarray(0, end < 0 ? Math.min(raw.length, 65_536) : end).toString('utf8');
  return [...block.matchAll(new RegExp(`^${name}:([^\\n]*(?:\\n[ \\t][^\\n]*)*)`, 'gim'))].map((match) =>
    match[1]!.replace(/\r?\n[ \t]/g, ' ').trim(),
  );
}

/** The first From header that carries an address: with two From lines, a bare display name must not win. */
async function fromWithAddress(raw: Buffer): Promise<MailAddress | undefined> {
  for (const value of rawHeaders(raw, 'from').slice(1, 5)) {
    const parsed = await simpleParser(Buffer.from(`From: ${value}\r\n\r\n`));
    const [found] = addresses(parsed.from);
    if (found) return found;
  }
  return undefined;
}

/**
 * Text for a mail whose only readable part is HTML in a place where mailparser derives none (inside
 * multipart/mixed or related, or next to an empty text/plain): the HTML alone, as a root part, goes through
 * mailparser's own HTML-to-text conversion with the same limits.
 */
async function textFromHtml(html: string): Promise<{ text: string; error?: string }> {
  const part = Buffer.from(
    `Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(html).toString('base64')}`,
  );
  const parsed = await simpleParser(part, { maxHtmlLengthToParse: MAX_HTML_TO_PARSE });
  return { text: parsed.text ?? '', error: parsed.textConversionError?.message };
}

function filenameFor(contentType: string, index: number, filename?: string): string {
  if (filename?.trim()) return filename.trim();
  if (contentType === 'message/rfc822') return `forwarded-message-${index}.eml`;
  if (contentType === 'text/calendar') return `invite-${index}.ics`;
  return `attachment-${index}.${EXTENSIONS[contentType] ?? 'bin'}`;
}

/**
 * Parses raw RFC 822 bytes with mailparser (every charset and transfer encoding it knows), after
 * repairing what it would get wrong: undeclared 8-bit headers, obsolete header syntax, UTF-7 bodies
 * and double-decoded subjects. Never throws for malformed mail; a message with no usable content still
 * parses (empty text).
 */
function* slices(raw: Buffer, size = 65_536): Generator<Buffer> {
  for (let offset = 0; offset < raw.length; offset += size) yield raw.subarray(offset, offset + size);
}

const MAX_HTML_TO_PARSE = 2_000_000;

export async function parseEmail(input: Buffer): Promise<ParsedEmail> {
  const raw = repairHeaderBlock(input);
  // Fed in slices (views, no copies): handed one big Buffer, the parser's working set grows several times its size.
  const parsed = await simpleParser(Readable.from(slices(raw)), {
    keepCidLinks: true,
    keepDeliveryStatus: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    checksumAlgo: false,
    // A forwarded mail stays a .eml attachment (whatever its disposition) instead of merging into our text.
    ignoreEmbedded: true,
    maxHtmlLengthToParse: MAX_HTML_TO_PARSE,
  });
  const charset = declaredCharset(raw);
  const utf7 = declaresUtf7(raw);
  const headers = parsed.headers;
  const contentTypeHeader = headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;

  let subject = parsed.subject === undefined ? undefined : repairMojibake(parsed.subject, charset);
  if (subject && /=\?utf-7\?/i.test(rawHeaders(raw, 'subject')[0] ?? '')) subject = decodeUtf7(subject);
  let text = parsed.text ?? '';
  let html = typeof parsed.html === 'string' ? parsed.html : undefined;
  if (utf7) {
    text = decodeUtf7(text);
    html = html === undefined ? undefined : decodeUtf7(html);
  }
  let textConversionError = parsed.textConversionError?.message;
  if (text.trim() === '' && html?.trim()) {
    const derived = await textFromHtml(html);
    text = derived.text;
    textConversionError ??= derived.error;
  }
  const attachments: MailAttachment[] = parsed.attachments.map((attachment, index) => {
    const encoding = String(attachment.headers.get('content-transfer-encoding') ?? '').toLowerCase();
    const uuencoded = /uu/.test(encoding)
      ? extractUuencoded(attachment.content.toString('latin1')).files[0]
      : undefined;
    return {
      filename: filenameFor(attachment.contentType, index + 1, attachment.filename),
      contentType: attachment.contentType,
      data: uuencoded?.data ?? attachment.content,
      contentId: attachment.cid || undefined,
      inline: Boolean(attachment.cid && (attachment.related || attachment.contentDisposition === 'inline')),
    };
  });
  const embedded = extractUuencoded(text);
  if (embedded.files.length > 0) {
    text = embedded.text;
    for (const file of embedded.files) {
      attachments.push({
        filename: file.filename,
        contentType: 'application/octet-stream',
        data: file.data,
        inline: false,
      });
    }
  }
  const fixName = (entry: MailAddress): MailAddress =>
    entry.name ? { ...entry, name: repairMojibake(entry.name, charset) } : entry;
  const from =
    addresses(parsed.from)[0] ??
    (await fromWithAddress(raw)) ??
    headerAddresses(headers, 'sender')[0] ??
    addresses(parsed.replyTo)[0];
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : undefined;

  return {
    messageId: messageIdsIn(parsed.messageId)[0],
    inReplyTo: messageIdsIn(parsed.inReplyTo),
    references: messageIdsIn(parsed.references),
    from: from ? fixName(from) : undefined,
    replyTo: addresses(parsed.replyTo),
    to: addresses(parsed.to).map(fixName),
    cc: addresses(parsed.cc).map(fixName),
    deliveredTo: ['delivered-to', 'x-original-to', 'envelope-to'].flatMap((name) =>
      headerAddresses(headers, name).map((entry) => entry.address),
    ),
    subject,
    date,
    text,
    html,
    attachments,
    headers,
    contentType: (contentTypeHeader?.value ?? 'text/plain').toLowerCase(),
    contentTypeParams: contentTypeHeader?.params ?? {},
    textConversionError,
  };
}

/** A header as a plain string (first value), for classification. */
export function headerText(headers: Headers, name: string): string | undefined {
  const value = headers.get(name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  return undefined;
}
