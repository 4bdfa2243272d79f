/** RFC 4180 CSV: reading (BOM, CRLF/LF/CR, quoted fields, `""` escapes, `,`/`;`/tab detection) and writing. */

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvRecord {
  /** 1-based record number as a spreadsheet shows it (the header is row 1; blank lines count). */
  row: number;
  fields: string[];
}

export interface CsvTable {
  delimiter: CsvDelimiter;
  header: string[];
  records: CsvRecord[];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

/**
 * Bytes to text: a BOM decides (UTF-8, UTF-16 LE/BE); otherwise UTF-8, falling back to Windows-1252
 * for files saved by older spreadsheet programs (umlauts survive either way).
 */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** The delimiter used most often outside quotes in the first record; `,` when there is no evidence. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === '\n' || char === '\r')) break;
    else if (!inQuotes && char in counts) counts[char as CsvDelimiter]++;
  }
  const best = (Object.keys(counts) as CsvDelimiter[]).sort(
    (left, right) => counts[right] - counts[left],
  )[0]!;
  return counts[best] > 0 ? best : ',';
}

/**
 * Parses CSV text into records. Lenient where spreadsheets are sloppy (a quote inside an unquoted field
 * is kept literally); strict only where data would be lost (an unterminated quoted field).
 */
export function parseCsv(
  input: string,
  delimiter: CsvDelimiter = detectDelimiter(stripBom(input)),
): CsvTable {
  const text = stripBom(input);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let quoteStartLine = 0;
  let line = 1;
  const endRecord = () => {
    fields.push(field);
    records.push({ row: records.length + 1, fields });
    fields = [];
    field = '';
    quoted = false;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inQuotes) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index++;
        } else {
          inQuotes = false;
        }
      } else {
        if (char === '\n' || (char === '\r' && text[index + 1] !== '\n')) line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === '' && !quoted) {
      inQuotes = true;
      quoted = true;
      quoteStartLine = line;
    } else if (char === delimiter) {
      fields.push(field);
      field = '';
      quoted = false;
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      endRecord();
      line++;
    } else {
      field += char;
    }
  }
  if (inQuotes) {
    throw new CsvError(`The quoted field starting on line ${quoteStartLine} is never closed`, quoteStartLine);
  }
  if (field !== '' || quoted || fields.length > 0) endRecord();
  const [header, ...rest] = records;
  return { delimiter, header: header?.fields ?? [], records: rest };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** True when every field of a record is empty (a blank line or `;;;`). */
export function isBlank(record: CsvRecord): boolean {
  return record.fields.every((value) => value.trim() === '');
}

const FORMULA_START = /^[=@\t\r]/;
const SIGNED = /^[+-]/;
const NUMBER_LIKE = /^[+-][\d\s().,/-]*$/;

/**
 * One CSV field. Text a spreadsheet would run as a formula (`=…`, `@…`, `+`/`-` followed by non-numbers)
 * is prefixed with `'` (OWASP CSV injection); `unescapeCsvValue` removes it again on import.
 */
export function csvField(value: string | null | undefined, delimiter: CsvDelimiter = ','): string {
  if (value === null || value === undefined) return '';
  const text = looksLikeFormula(value) ? `'${value}` : value;
  if (text.includes(delimiter) || /["\r\n]/.test(text) || /^\s|\s$/.test(text)) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

/** One CSV record with CRLF, as RFC 4180 writes it. */
export function csvLine(values: (string | null | undefined)[], delimiter: CsvDelimiter = ','): string {
  return `${values.map((value) => csvField(value, delimiter)).join(delimiter)}\r\n`;
}

/** Undoes the formula guard of csvField. */
export function unescapeCsvValue(value: string): string {
  return value.startsWith("'") && looksLikeFormula(value.slice(1)) ? value.slice(1) : value;
}

function looksLikeFormula(value: string): boolean {
  return FORMULA_START.test(value) || (SIGNED.test(value) && !NUMBER_LIKE.test(value));
}
