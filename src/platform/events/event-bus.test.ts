import { describe, expect, it } from 'vitest';
import { notifyPayloads } from './event-bus.ts';

describe('NOTIFY payloads', () => {
  it('joins the event ids of a transaction into one payload', () => {
    expect(notifyPayloads([1, 22, 333])).toEqual(['1,22,333']);
    expect(notifyPayloads([])).toEqual([]);
  });

  it('splits a large transaction below the limit without losing or repeating an id', () => {
    const ids = Array.from({ length: 5_000 }, (_, index) => 1_000_000 + index);
    const payloads = notifyPayloads(ids);
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.every((payload) => payload.length <= 7_000)).toBe(true);
    expect(payloads.flatMap((payload) => payload.split(',').map(Number))).toEqual(ids);
  });
});
