import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { decodeUnknown } from './charset-detection.ts';

const MULTIBYTE_CHARSETS =
  /^(big5|gb2312|gbk|gb18030|shift[_-]?jis|sjis|euc-jp|euc-kr|ks_c_5601-1987|iso-2022-jp)$/i;
const UTF7_CHARSET = /charset\s*=\s*"?(utf-7|unicode-1-1-utf-7|csunicode11utf7)\b/i;
const OBSOLETE_HEADER_NAME = /^([!-9;-~]+)[ \t]+:/gm;
const ADDRESS_WITH_COMMENTS = /^(from|to|cc|sender|reply-to)[ \t]*:[^\n]*<[^<>\n]*[()\s][^<>\n]*>[^\n]*$/gim;

/** Offset of the blank line that ends the header block, or -1. */
export function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf < 0) return lf;
  if (lf < 0) return crlf;
  return Math.min(crlf, lf);
}

/** The first charset a message declares anywhere near its start (used to guess undeclared 8-bit headers). */
export function declaredCharset(raw: Buffer): string | undefined {
  const head = raw.subarray(0, 65_536).toString('latin1');
  for (const match of head.matchAll(/charset\s*=\s*"?([\w.:-]+)/gi)) {
    const charset = match[1]!.toLowerCase();
    if (charset !== 'us-ascii' && charset !== 'utf-8' && charset !== 'utf8') return charset;
  }
  return undefined;
}

function decoderFor(charset: string | undefined, fatal = false): TextDecoder {
  try {
    return new TextDecoder(charset === 'ks_c_5601-1987' ? 'euc-kr' : (charset ?? 'windows-1252'), { fatal });
  } catch {
    return new TextDecoder('windows-1252', { fatal });
  }
}

/** Raw ISO-2022-JP escape sequences (7-bit, so no 8-bit byte gives them away). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is exactly what ISO-2022-JP announces itself with.
const ISO_2022_JP_ESCAPE = /\x1b\$[@B]|\x1b\(J/;

/**
 * The header block as text: each field (with its folded lines) that is not UTF-8 is decoded on its own, in the
 * charset the message declares elsewhere when that reads plausibly, else in the detected one (Shift-JIS, GBK,
 * Big5, EUC-KR, windows-125x, ...), so one Latin-1 field cannot spoil a UTF-8 one.
 */
function decodeHeaderFields(header: Buffer, hint: string | undefined): string {
  const fields: Buffer[] = [];
  let start = 0;
  for (let index = 0; index < header.length; index++) {
    if (header[index] !== 0x0a) continue;
    const next = header[index + 1];
    if (next === 0x20 || next === 0x09) continue;
    fields.push(header.subarray(start, index + 1));
    start = index + 1;
  }
  if (start < header.length) fields.push(header.subarray(start));
  return fields
    .map((field) => {
      if (ISO_2022_JP_ESCAPE.test(field.toString('latin1')))
        return new TextDecoder('iso-2022-jp').decode(field);
      return field.some((byte) => byte >= 0x80) ? decodeUnknown(field, hint) : field.toString('latin1');
    })
    .join('');
}

/**
 * Makes a header block mailparser reads correctly: raw 8-bit bytes that are not UTF-8 (old clients
 * write their code page straight into Subject/From) are transcoded to UTF-8, and the
 * obsolete `Name  :` syntax (RFC 5322 §4.5) becomes `Name:`. The body is not touched.
 */
export function repairHeaderBlock(raw: Buffer): Buffer {
  const end = headerEnd(raw);
  if (end <= 0) return raw;
  const header = raw.subarray(0, end);
  const latin = header.toString('latin1');
  const hasEightBit = /[\u0080-\u00ff]/.test(latin);
  const needsTranscode = (hasEightBit && !isUtf8(header)) || ISO_2022_JP_ESCAPE.test(latin);
  OBSOLETE_HEADER_NAME.lastIndex = 0;
  const hasObsoleteNames = OBSOLETE_HEADER_NAME.test(latin);
  ADDRESS_WITH_COMMENTS.lastIndex = 0;
  const hasObsoleteAddresses = ADDRESS_WITH_COMMENTS.test(latin);
  if (!needsTranscode && !hasObsoleteNames && !hasObsoleteAddresses) return raw;
  let text = needsTranscode ? decodeHeaderFields(header, declaredCharset(raw)) : header.toString('utf8');
  if (hasObsoleteNames) text = text.replace(OBSOLETE_HEADER_NAME, '$1:');
  // `<jdoe@machine(comment).  example>` (obsolete syntax): comments and spaces inside the brackets go.
  if (hasObsoleteAddresses) {
    text = text.replace(ADDRESS_WITH_COMMENTS, (line) =>
      line.replace(
        /<([^<>]*)>/g,
        (_match, inner: string) => `<${inner.replace(/\([^()]*\)/g, '').replace(/\s+/g, '')}>`,
      ),
    );
  }
  return Buffer.concat([Buffer.from(text, 'utf8'), raw.subarray(end)]);
}

/**
 * Undoes the classic double decoding seen in the wild: UTF-8 (or a CJK charset) read as Latin-1 and
 * written out again as UTF-8 ("Ã¤" for "ä"). Only applied when the repaired form decodes cleanly.
 */
export function repairMojibake(value: string, charset: string | undefined): string {
  if (!/[\u0080-\u00ff]/.test(value) || /[\u0100-\uffff]/.test(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  if (/[\u00c2-\u00f4][\u0080-\u00bf]/.test(value) && isUtf8(bytes)) return bytes.toString('utf8');
  if (charset && MULTIBYTE_CHARSETS.test(charset)) {
    try {
      return decoderFor(charset, true).decode(bytes);
    } catch {
      return value;
    }
  }
  return value;
}

/** Whether the message declares UTF-7 anywhere (mailparser refuses to decode it, see its README). */
export function declaresUtf7(raw: Buffer): boolean {
  return UTF7_CHARSET.test(raw.subarray(0, 65_536).toString('latin1'));
}

/**
 * RFC 2152 UTF-7. mailparser leaves UTF-7 undecoded on purpose (it can smuggle `<script>` past filters
 * that look for `<`); we decode it because our HTML goes through the sanitiser afterwards anyway.
 */
export function decodeUtf7(text: string): string {
  return text.replace(/\+([A-Za-z0-9+/]*)-?/g, (match, encoded: string) => {
    if (encoded === '') return match === '+-' ? '+' : match;
    const bytes = Buffer.from(encoded, 'base64');
    let output = '';
    for (let index = 0; index + 1 < bytes.length; index += 2)
      output += String.fromCharCode(bytes.readUInt16BE(index));
    return output;
  });
}

/** Decodes one uuencoded block (the lines between `begin … name` and `end`). */
export function uudecode(lines: string[]): Buffer {
  const bytes: number[] = [];
  for (const line of lines) {
    if (line === '' || line === '`') continue;
    const length = (line.charCodeAt(0) - 32) & 63;
    if (length === 0) continue;
    const decoded: number[] = [];
    for (let index = 1; index + 3 < line.length + 3 && decoded.length < length; index += 4) {
      const [a, b, c, d] = [0, 1, 2, 3].map(
        (offset) => ((line.charCodeAt(index + offset) || 32) - 32) & 63,
      ) as [number, number, number, number];
      decoded.push(((a << 2) | (b >> 4)) & 255, ((b << 4) | (c >> 2)) & 255, ((c << 6) | d) & 255);
    }
    bytes.push(...decoded.slice(0, length));
  }
  return Buffer.from(bytes);
}

const UU_BLOCK = /^begin [0-7]{3,4} ([^\r\n]+)\r?\n([\s\S]*?)\r?\nend\s*$/gm;

/**
 * uuencoded files: as a part with `Content-Transfer-Encoding: x-uuencode` (mailparser passes it through
 * undecoded) or embedded in a plain text body, the way pre-MIME clients attached files.
 */
export function extractUuencoded(text: string): {
  text: string;
  files: { filename: string; data: Buffer }[];
} {
  if (!text.includes('begin ')) return { text, files: [] };
  const files: { filename: string; data: Buffer }[] = [];
  const rest = text.replace(UU_BLOCK, (_match, filename: string, body: string) => {
    files.push({ filename: filename.trim(), data: uudecode(body.split(/\r?\n/)) });
    return '';
  });
  return { text: files.length > 0 ? rest : text, files };
}
