import { describe, expect, it } from 'vitest';
import { inlineParameters, sameTextOnce } from './postgres-text.ts';

describe('inlineParameters', () => {
  const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

  it('writes each parameter in, leaving quoted text and comments alone', () => {
    const sql = inlineParameters(
      `select $1::int, '$1 stays', "col$2" -- $2 stays\n, $10::text, $2`,
      [7, 'two', null, null, null, null, null, null, null, "it's ten"],
      quote,
    );
    expect(sql).toBe(`select '7'::int, '$1 stays', "col$2" -- $2 stays\n, 'it''s ten'::text, 'two'`);
  });

  it('refuses a statement that refers to a parameter it was not given', () => {
    expect(() => inlineParameters('select $2', [1], quote)).toThrow(/\$2/);
  });
});

describe('sameTextOnce', () => {
  it('parses a repeated text once, yet hands every row a Date of its own', () => {
    const texts: string[] = [];
    const parse = sameTextOnce((text) => {
      texts.push(text);
      return text === 'infinity' ? Number.POSITIVE_INFINITY : new Date(text);
    });
    const first = parse('2026-12-01 10:00:00.5+00') as Date;
    const second = parse('2026-12-01 10:00:00.5+00') as Date;
    expect(second).not.toBe(first);
    expect(second.toISOString()).toBe('2026-12-01T10:00:00.500Z');
    first.setTime(0); // a caller changing its Date must not change the next row's
    expect((parse('2026-12-01 10:00:00.5+00') as Date).toISOString()).toBe('2026-12-01T10:00:00.500Z');
    expect(parse('infinity')).toBe(Number.POSITIVE_INFINITY);
    expect((parse('2026-12-02 00:00:00+01') as Date).toISOString()).toBe('2026-12-01T23:00:00.000Z');
    expect(texts).toEqual(['2026-12-01 10:00:00.5+00', 'infinity', '2026-12-02 00:00:00+01']);
  });
});
