import { createRequire } from 'node:module';

/*
 * Text forms of values on their way to and from node-postgres: parameters written into a statement, and the
 * timestamptz parser of result rows.
 */

/** How node-postgres turns a parameter into its text form (arrays, dates, buffers, JSON). */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue(value: unknown): string | Buffer | null | undefined;
};

/**
 * The statement with its `$n` parameters written in as escaped literals, exactly as node-postgres would send
 * them (`$1::uuid[]` becomes `'{…}'::uuid[]`), so it can go out in a simple query together with another.
 * Quoted strings, quoted identifiers and comments are left alone.
 */
export function inlineParameters(
  text: string,
  values: unknown[],
  escapeLiteral: (text: string) => string,
): string {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "'" || char === '"') {
      const end = closingQuote(text, index, char);
      out += text.slice(index, end);
      index = end;
    } else if (char === '-' && text[index + 1] === '-') {
      const end = text.indexOf('\n', index);
      out += text.slice(index, end < 0 ? text.length : end);
      index = end < 0 ? text.length : end;
    } else if (char === '$' && /[0-9]/.test(text[index + 1] ?? '')) {
      let end = index + 1;
      while (/[0-9]/.test(text[end] ?? '')) end++;
      const position = Number(text.slice(index + 1, end)) - 1;
      if (position >= values.length)
        throw new Error(`statement refers to $${position + 1} but has ${values.length} parameters`);
      const value = prepareValue(values[position]);
      out +=
        value === null || value === undefined
          ? 'NULL'
          : escapeLiteral(Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : String(value));
      index = end;
    } else {
      out += char;
      index++;
    }
  }
  return out;
}

/** The index just past the quote that closes the one at `start` (a doubled quote stays inside). */
function closingQuote(text: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < text.length) {
    if (text[index] === quote) {
      if (text[index + 1] === quote) index += 2;
      else return index + 1;
    } else index++;
  }
  return text.length;
}

/**
 * A timestamptz parser that parses a repeated text only once. The rows of one statement often share a time
 * (a transaction's `now()`: every event and conversation a batch touched), and parsing was a hot spot.
 * Each row still gets a Date of its own.
 */
export function sameTextOnce(parse: (text: string) => unknown): (text: string) => unknown {
  let lastText: string | undefined;
  let lastTime = 0;
  return (text) => {
    if (text === lastText) return new Date(lastTime);
    const parsed = parse(text);
    if (!(parsed instanceof Date)) return parsed; // 'infinity' and the like
    lastText = text;
    lastTime = parsed.getTime();
    return parsed;
  };
}
