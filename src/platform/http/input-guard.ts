import { DomainError, type FieldError } from '../errors.ts';

/**
 * Bounds on any JSON document the server parses (request bodies, signed webhook payloads). Checked on the raw
 * text before JSON.parse, so a hostile document costs one linear scan and never a deep parse or walk.
 */
export const JSON_LIMITS = {
  maxDepth: 64,
  maxArrayItems: 10_000,
  maxObjectMembers: 1_000,
} as const;

export type JsonLimits = { maxDepth: number; maxArrayItems: number; maxObjectMembers: number };

interface Frame {
  kind: 'array' | 'object';
  /** Commas seen: the index of the current array item, or members so far minus one. */
  commas: number;
  expectKey: boolean;
  key?: string;
}

const QUOTE = 34;
const BACKSLASH = 92;
const STRING_STOP = /["\\]/g;

function pathOf(stack: Frame[], root: string): string {
  const parts = [root];
  for (const frame of stack) parts.push(frame.kind === 'array' ? String(frame.commas) : (frame.key ?? ''));
  return parts.filter(Boolean).join('.');
}

/**
 * The first way the JSON text exceeds the limits, with the path where it happens; undefined when within them.
 * Malformed JSON is left to JSON.parse to report.
 */
export function jsonShapeProblem(
  text: string,
  limits: JsonLimits = JSON_LIMITS,
  root = 'body',
): FieldError | undefined {
  const stack: Frame[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === QUOTE) {
      // Jump from quote or backslash to the next one: long strings cost one native search, not a JS loop.
      let end = index + 1;
      for (;;) {
        STRING_STOP.lastIndex = end;
        const stop = STRING_STOP.exec(text);
        if (!stop) {
          end = text.length;
          break;
        }
        if (text.charCodeAt(stop.index) === BACKSLASH) end = stop.index + 2;
        else {
          end = stop.index;
          break;
        }
      }
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.expectKey) {
        try {
          top.key = JSON.parse(text.slice(index, end + 1)) as string;
        } catch {
          return undefined;
        }
      }
      index = end;
      continue;
    }
    const top = stack.at(-1);
    switch (char) {
      case 123: // {
      case 91: // [
        if (stack.length >= limits.maxDepth) {
          return { field: pathOf(stack, root), message: `is nested deeper than ${limits.maxDepth} levels` };
        }
        stack.push({ kind: char === 91 ? 'array' : 'object', commas: 0, expectKey: char === 123 });
        break;
      case 125: // }
      case 93: // ]
        stack.pop();
        break;
      case 58: // :
        if (top) top.expectKey = false;
        break;
      case 44: // ,
        if (!top) break;
        top.commas++;
        if (top.kind === 'array' && top.commas >= limits.maxArrayItems) {
          return {
            field: pathOf(stack.slice(0, -1), root),
            message: `has more than ${limits.maxArrayItems} items`,
          };
        }
        if (top.kind === 'object') {
          top.expectKey = true;
          if (top.commas >= limits.maxObjectMembers) {
            return {
              field: pathOf(stack.slice(0, -1), root),
              message: `has more than ${limits.maxObjectMembers} members`,
            };
          }
        }
        break;
    }
  }
  return undefined;
}

// A lone high surrogate (not followed by a low one) or a lone low surrogate (not preceded by a high one).
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL text (or any UTF-8 consumer) cannot hold this string; undefined when it can. */
export function unsafeTextProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL (U+0000) characters';
  if (UNPAIRED_SURROGATE.test(value)) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

/**
 * The first string (value or object key) anywhere in the value that text columns cannot store, with its path.
 * Iterative, so even a value that skipped the JSON limits cannot overflow the stack.
 */
export function findUnsafeText(value: unknown, root: string): FieldError | undefined {
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      const message = unsafeTextProblem(current);
      if (message) return { field: path, message };
    } else if (Array.isArray(current)) {
      for (const [index, item] of current.entries()) pending.push([item, `${path}.${index}`]);
    } else if (current && typeof current === 'object' && !Buffer.isBuffer(current)) {
      for (const [key, item] of Object.entries(current)) {
        const message = unsafeTextProblem(key);
        if (message)
          return {
            field: `${path}.${printable(key)}`,
            message: `key ${message}`,
          };
        pending.push([item, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

/** The key as it can be shown in an error: NUL and unpaired surrogates as U+FFFD (UTF-8 encoding does the latter). */
function printable(key: string): string {
  return Buffer.from(key.replaceAll('\u0000', '\ufffd'), 'utf8').toString('utf8');
}

export function invalidInput(problem: FieldError, what = 'request'): DomainError {
  return new DomainError('validation_failed', `Invalid ${what}: ${problem.field} ${problem.message}`, {
    errors: [problem],
  });
}

/**
 * Parses JSON the server did not get through the HTTP body parser (e.g. a signed webhook's raw body) under the
 * same rules: bounded shape, no text a database column cannot store. Throws a 400 DomainError otherwise.
 */
export function parseGuardedJson(text: string, what = 'body'): unknown {
  const shape = jsonShapeProblem(text, JSON_LIMITS, what);
  if (shape) throw invalidInput(shape, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DomainError('malformed_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
  const unsafe = findUnsafeText(value, what);
  if (unsafe) throw invalidInput(unsafe, what);
  return value;
}
