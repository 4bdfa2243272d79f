import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabases } from '../../../test/support/test-app.ts';
import type { Database } from '../db/database.ts';
import { domainErrorForDatabase } from '../db/database-errors.ts';
import { DomainError } from '../errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { findUnsafeText, jsonShapeProblem, parseGuardedJson } from './input-guard.ts';

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('JSON shape limits', () => {
  it('allows 64 levels and refuses the 65th, naming where', () => {
    expect(jsonShapeProblem(nested(64))).toBeUndefined();
    expect(jsonShapeProblem(`{"a":{"b":[${nested(63)}]}}`)).toEqual({
      field: `body.a.b${'.0'.repeat(62)}`,
      message: 'is nested deeper than 64 levels',
    });
  });

  it('bounds array items and object members, and ignores brackets and commas inside strings', () => {
    expect(jsonShapeProblem(`[${Array(10_000).fill(0).join(',')}]`)).toBeUndefined();
    expect(jsonShapeProblem(`{"ids":[${Array(10_001).fill(0).join(',')}]}`)).toEqual({
      field: 'body.ids',
      message: 'has more than 10000 items',
    });
    const members = (count: number) => Array.from({ length: count }, (_, index) => `"k${index}":1`).join(',');
    expect(jsonShapeProblem(`{${members(1000)}}`)).toBeUndefined();
    expect(jsonShapeProblem(`{"x":{${members(1001)}}}`)?.message).toBe('has more than 1000 members');
    expect(jsonShapeProblem(JSON.stringify({ text: `${'[{,'.repeat(50_000)}\\"` }))).toBeUndefined();
  });

  it('parses guarded JSON or throws a 400 DomainError', () => {
    expect(parseGuardedJson('{"a":[1,"x"]}')).toEqual({ a: [1, 'x'] });
    for (const text of [nested(200), '{"text":"a\\u0000"}', '{"a":["\\ud800"]}', '{"\\udc00":1}']) {
      expect(() => parseGuardedJson(text)).toThrow(DomainError);
    }
    expect(() => parseGuardedJson('{')).toThrow(expect.objectContaining({ code: 'malformed_json' }));
  });
});

describe('text a database column can store', () => {
  it('finds NUL and unpaired surrogates in values and keys, with their path', () => {
    expect(findUnsafeText({ a: ['ok', 'b\u0000'] }, 'body')).toEqual({
      field: 'body.a.1',
      message: 'must not contain NUL (U+0000) characters',
    });
    expect(findUnsafeText({ name: 'x\ud800' }, 'body')?.field).toBe('body.name');
    expect(findUnsafeText({ name: '\udfffx' }, 'body')?.field).toBe('body.name');
    expect(findUnsafeText({ 'k\u0000': 1 }, 'querystring')?.message).toMatch(/^key must not contain NUL/);
    expect(findUnsafeText({ emoji: '😀 Grüße 𝔘', nothing: null, n: 1 }, 'body')).toBeUndefined();
  });
});

describe('cursors', () => {
  it('round-trips what the server issues and refuses forged or stale ones as querystring.cursor', () => {
    const issued = encodeCursor(['2026-03-01T10:00:00.000Z', '01900000-0000-7000-8000-000000000000']);
    expect(decodeCursor(issued, ['timestamp', 'uuid'])).toEqual([
      '2026-03-01T10:00:00.000Z',
      '01900000-0000-7000-8000-000000000000',
    ]);
    const forged = [
      encodeCursor(['1', '01900000-0000-7000-8000-000000000000']),
      encodeCursor(['2026-03-01T10:00:00.000Z', '------------------------------------']),
      encodeCursor(['2026-03-01T10:00:00.000Z']),
      encodeCursor([2 ** 40, '2026-03-01T10:00:00.000Z', '01900000-0000-7000-8000-000000000000']),
      'not base64 json',
    ];
    for (const cursor of forged.slice(0, 3).concat(forged[4]!)) {
      expect(() => decodeCursor(cursor, ['timestamp', 'uuid'])).toThrow(
        expect.objectContaining({
          details: { errors: [{ field: 'querystring.cursor', message: 'is invalid' }] },
        }),
      );
    }
    expect(() => decodeCursor(forged[3], ['int', 'timestamp', 'uuid'])).toThrow(DomainError);
    expect(() => decodeCursor(issued, ['int', 'timestamp', 'uuid'])).toThrow(DomainError);
  });
});

describe.each(testDatabases())('database errors caused by input on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database?.close());

  const failure = async (statement: Parameters<Database['db']['execute']>[0]) => {
    try {
      await database.db.execute(statement);
    } catch (error) {
      return error;
    }
    throw new Error('the statement succeeded');
  };

  it('become 4xx problems without the database message; other failures stay unmapped', async () => {
    const badUuid = domainErrorForDatabase(await failure(sql`select ${'nope'}::uuid`));
    expect(badUuid).toMatchObject({ code: 'validation_failed' });
    expect(badUuid?.message).not.toContain('nope');
    expect(domainErrorForDatabase(await failure(sql`select ${'99999999999'}::int`))?.code).toBe(
      'validation_failed',
    );
    const table = sql.identifier(`input_errors_${Date.now()}_${Math.floor(Math.random() * 1e6)}`);
    await database.db.execute(sql`create table ${table} (value varchar(3) unique)`);
    try {
      expect(domainErrorForDatabase(await failure(sql`insert into ${table} values (${'abcd'})`))?.code).toBe(
        'validation_failed',
      );
      await database.db.execute(sql`insert into ${table} values (${'abc'})`);
      expect(domainErrorForDatabase(await failure(sql`insert into ${table} values (${'abc'})`))?.code).toBe(
        'conflict',
      );
    } finally {
      await database.db.execute(sql`drop table ${table}`);
    }
    expect(domainErrorForDatabase(await failure(sql`select * from no_such_table`))).toBeUndefined();
  });
});
