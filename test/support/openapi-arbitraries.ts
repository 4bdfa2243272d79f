import fc from 'fast-check';

/** The subset of JSON Schema (draft 2020-12, as our zod schemas emit it) the generators understand. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

/** Ids of real entities the server knows, so generated requests reach past the 404s. */
export type KnownIds = string[];

/** Strings a database or a JSON/text pipeline tends to choke on. */
export const nastyStrings: string[] = [
  'a\u0000b',
  '\u0000',
  'x\ud800y',
  '\udfff',
  '\ud83d',
  "'; drop table contacts; --",
  '%00',
  '\\',
  '{{7*7}}',
  '../../etc/passwd',
  ' ',
  '',
  '\u202e',
  '𝔘𝔫𝔦𝔰𝔬𝔫𝔬',
  'null',
  '-1',
  '1e309',
  'NaN',
  '0x10',
  '2026-02-30T25:61:00Z',
  '294277-01-01T00:00:00Z',
  '-infinity',
  'infinity',
  '00000000-0000-0000-0000-000000000000',
  '------------------------------------',
  'ffffffff-ffff-ffff-ffff-fffffffffffff',
];

export const nastyNumbers: number[] = [
  0,
  -1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  -(2 ** 63),
  1e308,
  -1e308,
  0.5,
  1e-320,
  Number.MAX_SAFE_INTEGER,
];

const UUID_ARB = fc.uuid();

function stringArbitrary(schema: JsonSchema, ids: KnownIds): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40));
  switch (schema.format) {
    case 'uuid':
      return ids.length > 0 ? fc.oneof(fc.constantFrom(...ids), UUID_ARB) : UUID_ARB;
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc
        .date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((date) => date.toISOString());
    case 'uri':
      // A closed loopback port: anything that dials out fails at once instead of waiting on the internet.
      return fc.constantFrom('http://127.0.0.1:9/hook', 'https://127.0.0.1:9/', 'http://[::1]:9/x');
    case 'byte':
      return fc.base64String({ maxLength: 64 });
  }
  if (schema.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((value) => value.length >= minLength && value.length <= (schema.maxLength ?? Infinity));
    } catch {
      // A pattern fast-check cannot invert: plain strings still exercise the validator.
    }
  }
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1000);
  const low = Math.max(min, -1e9);
  const high = Math.min(max, 1e9);
  return integer
    ? fc.integer({ min: Math.ceil(low), max: Math.floor(high) })
    : fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true });
}

function objectArbitrary(
  schema: JsonSchema,
  ids: KnownIds,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, child] of Object.entries(properties)) model[key] = validValue(child, ids, depth + 1);
  const known = fc.record(model, { requiredKeys: [...required].filter((key) => key in properties) });
  if (Object.keys(properties).length === 0 && schema.additionalProperties && depth < 3) {
    const valueSchema = schema.additionalProperties === true ? {} : schema.additionalProperties;
    return fc.dictionary(
      fc.string({ minLength: 1, maxLength: 12 }),
      validValue(valueSchema, ids, depth + 1),
      {
        maxKeys: 4,
      },
    );
  }
  return known;
}

/** Values the schema accepts (as far as JSON Schema can say; zod refinements may still refuse some). */
export function validValue(schema: JsonSchema, ids: KnownIds, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((member) => validValue(member, ids, depth)));
  if (schema.allOf?.length) return validValue(Object.assign({}, ...schema.allOf), ids, depth);
  const types = [schema.type ?? (schema.properties ? 'object' : 'any')].flat();
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'string':
          return stringArbitrary(schema, ids);
        case 'integer':
          return numberArbitrary(schema, true);
        case 'number':
          return numberArbitrary(schema, false);
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return fc.array(validValue(schema.items ?? {}, ids, depth + 1), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
          });
        case 'object':
          return objectArbitrary(schema, ids, depth);
        default:
          return depth < 3 ? fc.jsonValue({ maxDepth: 2 }) : fc.constant(null);
      }
    }),
  );
}

/** Any value at all, biased towards the ones that break servers. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...nastyStrings),
  fc.constantFrom<unknown>(...nastyNumbers),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, true, [], {}, [null], { '': '' }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

function setAtRandomPath(value: unknown, replacement: unknown, choice: number): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return { [`k${choice % 7}`]: replacement };
    const key = keys[choice % keys.length]!;
    const child = (value as Record<string, unknown>)[key];
    const deeper = child && typeof child === 'object' && choice % 3 === 0;
    return {
      ...value,
      [key]: deeper ? setAtRandomPath(child, replacement, Math.floor(choice / 3)) : replacement,
    };
  }
  if (Array.isArray(value) && value.length > 0) {
    const copy = [...value];
    copy[choice % copy.length] = replacement;
    return copy;
  }
  return replacement;
}

function dropRandomKey(value: unknown, choice: number): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  const { [keys[choice % keys.length]!]: _dropped, ...rest } = value as Record<string, unknown>;
  return rest;
}

function nested(depth: number, leaf: string): string {
  return `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
}

/** A JSON body as raw text: valid per the schema, or one of many ways of being wrong. */
export function bodyText(schema: JsonSchema, ids: KnownIds): fc.Arbitrary<string> {
  const valid = validValue(schema, ids);
  return fc.oneof(
    { weight: 4, arbitrary: valid.map((value) => JSON.stringify(value)) },
    {
      weight: 5,
      arbitrary: fc
        .tuple(valid, hostileValue, fc.nat())
        .map(([value, hostile, choice]) => JSON.stringify(setAtRandomPath(value, hostile, choice))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.nat())
        .map(([value, choice]) => JSON.stringify(dropRandomKey(value, choice))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.integer({ min: 60, max: 5000 }), fc.nat())
        .map(([value, depth, choice]) =>
          JSON.stringify(setAtRandomPath(value, '__DEEP__', choice)).replace(
            '"__DEEP__"',
            nested(depth, '1'),
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'null',
        '[]',
        '"text"',
        '{',
        '{"a":1,"a":2}',
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
        `[${'0,'.repeat(20_000)}0]`,
        `{${Array.from({ length: 5000 }, (_, index) => `"k${index}":1`).join(',')}}`,
        '{"text":"\\u0000"}',
        '{"name":"\\ud800"}',
      ),
    },
  );
}

/** One query parameter value (already a string; the caller percent-encodes where it can). */
export function queryValue(schema: JsonSchema, ids: KnownIds): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: validValue(schema, ids).map((value) =>
        typeof value === 'string' ? value : JSON.stringify(value),
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...nastyStrings, ...nastyNumbers.map(String)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );
}

/** Percent-encoding that survives lone surrogates (which encodeURIComponent refuses) by sending them raw as CESU bytes. */
export function encodeQueryComponent(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value]
      .map((char) => {
        const code = char.charCodeAt(0);
        if (code >= 0xd800 && code <= 0xdfff) {
          return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
        }
        return encodeURIComponent(char);
      })
      .join('');
  }
}

/** A path segment: a real id, a random uuid, or garbage. */
export function pathValue(ids: KnownIds): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: ids.length > 0 ? fc.constantFrom(...ids) : UUID_ARB },
    { weight: 2, arbitrary: UUID_ARB },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'not-a-uuid',
        '0',
        '-1',
        '%00',
        'a%00b',
        '%ED%A0%80',
        '%FF',
        '99999999999999999999',
        'x'.repeat(300),
        '00000000-0000-0000-0000-00000000000g',
        '019300000000700080000000000000000',
        '%2e%2e',
      ),
    },
  );
}
